//===- Pipeline.cpp - The one compilation pipeline ------------------------===//
#include "lib/Pipeline/Pipeline.h"
#include "lib/Bundle/StateCheck.h"

#include "lib/Pipeline/BundleValues.h"
#include "lib/Pipeline/DebugTable.h"
#include "lib/Placement/CostModel.h"

#include "dialects/AIGraph/AIGraph.h"
#include "dialects/AIGraph/SourceNames.h"
#include "lib/Bundle/KernelABI.h"
#include "lib/Target/CPU/Passes.h"
#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using coreai::runtime::ComputeUnit;

void coreai::buildGraphPipeline(OpPassManager &pm, bool cpuOnly) {
  pm.addPass(createCanonicalizerPass());
  // Weight layouts first: promotion wraps 16-bit weights in casts, behind
  // which the constants would no longer be seen.
  pm.addNestedPass<func::FuncOp>(createTransposeGemmWeights());
  // Other units would compute the transpose that exposes the blocks to the
  // CPU (or need lowerings that see through it): CPU-only models alone.
  if (cpuOnly)
    pm.addNestedPass<func::FuncOp>(createBlockConvolutionWeights());
  pm.addNestedPass<func::FuncOp>(createPromoteAccumulation());
  pm.addPass(createHoistConstants());
}

void coreai::buildCPUPipeline(OpPassManager &pm) {
  buildGraphPipeline(pm, /*cpuOnly=*/true);
  cpu::buildLoweringPipeline(pm);
}

namespace {

FailureOr<coreai::bundle::TensorDesc> describe(Location loc, Type type,
                                               StringRef name) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return emitError(loc) << "tensor '" << name << "' has type " << type
                          << "; bind its symbolic dims with --shape " << name
                          << "=D0xD1x...";
  auto dtype = coreai::toDType(loc, ranked.getElementType());
  if (failed(dtype))
    return failure();
  return coreai::bundle::TensorDesc{
      name.str(), *dtype,
      std::vector<int64_t>(ranked.getShape().begin(), ranked.getShape().end())};
}

/// The report of a model compiled for the CPU alone: every op there.
void reportCPUOnly(ModuleOp module, coreai::PlacementReport &report) {
  const char *name = coreai::runtime::computeUnitName(ComputeUnit::CPU);
  coreai::placement::UnitModel cpu =
      coreai::placement::unitModel(ComputeUnit::CPU, nullptr);
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    coreai::PlacementReport::Partition partition{func.getSymName().str(), name,
                                                 0, 0};
    llvm::DenseMap<Operation *, uint32_t> indexOf;
    for (Operation &op : func.getBody().front().without_terminator()) {
      if (op.hasTrait<OpTrait::ConstantLike>() ||
          op.hasAttr(coreai::kWeightLayoutAttr))
        continue;
      double us =
          coreai::placement::estimateUs(cpu, coreai::placement::workOf(&op));
      coreai::PlacementReport::Op entry;
      entry.function = func.getSymName().str();
      coreai::describeGraphOp(&op, indexOf, entry);
      entry.unit = name;
      entry.estimatedUs = {{name, us}};
      report.ops.push_back(std::move(entry));
      partition.ops++;
      partition.estimatedUs += us;
    }
    report.partitions.push_back(std::move(partition));
  }
}

/// Every schedule of every function, with its memory by kind of slot.
void reportSchedules(const coreai::bundle::BundleContents &contents,
                     coreai::PlacementReport &report) {
  using coreai::bundle::SlotKind;
  for (const coreai::bundle::FunctionData &fn : contents.functions)
    for (const coreai::bundle::ScheduleData &schedule : fn.schedule) {
      coreai::PlacementReport::Schedule s;
      s.function = fn.name;
      s.steps = schedule.steps.size();
      for (const coreai::bundle::StepData &step : schedule.steps)
        if (step.unit != "copy" && !llvm::is_contained(s.units, step.unit))
          s.units.push_back(step.unit);
      for (const coreai::bundle::SlotData &slot : schedule.slots)
        (slot.kind == SlotKind::Input      ? s.inputBytes
         : slot.kind == SlotKind::Output   ? s.outputBytes
         : slot.kind == SlotKind::Constant ? s.constantBytes
                                           : s.scratchBytes) += slot.size;
      report.schedules.push_back(std::move(s));
    }
  // The first schedule's estimate: its partitions plus a synchronization
  // at every change of unit (from and back to the host).
  std::string function;
  ComputeUnit unit = ComputeUnit::CPU;
  for (const coreai::PlacementReport::Partition &p : report.partitions) {
    if (report.estimatedUs.empty() || p.function != function) {
      if (!report.estimatedUs.empty())
        report.estimatedUs.back().second +=
            coreai::placement::switchUs(unit, ComputeUnit::CPU, 0);
      report.estimatedUs.push_back({p.function, 0});
      function = p.function;
      unit = ComputeUnit::CPU;
    }
    ComputeUnit partitionUnit =
        coreai::runtime::parseComputeUnit(p.unit).value_or(ComputeUnit::CPU);
    report.estimatedUs.back().second +=
        p.estimatedUs + coreai::placement::switchUs(unit, partitionUnit, 0);
    unit = partitionUnit;
  }
  if (!report.estimatedUs.empty())
    report.estimatedUs.back().second +=
        coreai::placement::switchUs(unit, ComputeUnit::CPU, 0);
}

} // namespace

std::string coreai::knownCPUArchs() {
  std::string known;
  for (const cpu::CPUVariant &v : cpu::cpuVariants())
    known += (known.empty() ? "" : ", ") + std::string(v.name);
  return known;
}

namespace {
/// Reports each top-level pass of a pipeline as a step of its phase.
class PassSteps : public PassInstrumentation {
public:
  explicit PassSteps(coreai::CompileObserver &observer) : observer(observer) {}
  void runAfterPass(Pass *, Operation *op) override {
    if (isa<ModuleOp>(op) && !op->getParentOp())
      observer.stepDone();
  }

private:
  coreai::CompileObserver &observer;
};

/// Starts phase `name` of `pm`'s passes when someone observes.
void beginPipelinePhase(const coreai::CompileOptions &options, PassManager &pm,
                        StringRef name, StringRef unit) {
  if (!options.observer)
    return;
  options.observer->beginPhase(name, unit, pm.size());
  pm.addInstrumentation(std::make_unique<PassSteps>(*options.observer));
}

void beginPhase(const coreai::CompileOptions &options, StringRef name,
                StringRef unit) {
  if (options.observer)
    options.observer->beginPhase(name, unit, 0);
}
} // namespace

namespace {
/// Records `specs` ("INPUT=OUTPUT", --state) as `fn`'s state pairs, refusing
/// names the function lacks and pairs the runtime could not keep.
LogicalResult resolveStates(func::FuncOp func,
                            const std::vector<std::string> &specs,
                            coreai::bundle::FunctionData &fn) {
  auto indexOf = [](const std::vector<coreai::bundle::TensorDesc> &list,
                    StringRef name) -> std::optional<uint32_t> {
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i].name == name)
        return i;
    return std::nullopt;
  };
  for (const std::string &spec : specs) {
    auto [input, output] = StringRef(spec).split('=');
    std::optional<uint32_t> in = indexOf(fn.inputs, input);
    std::optional<uint32_t> out = indexOf(fn.outputs, output);
    if (!in || !out)
      return emitError(func.getLoc())
             << "--state " << spec << ": the model has no "
             << (in ? "output" : "input") << " '" << (in ? output : input)
             << "'";
    fn.states.push_back({*in, *out});
  }
  if (std::string why = coreai::bundle::checkStates(fn); !why.empty())
    return emitError(func.getLoc()) << "--state: " << why;
  return success();
}
} // namespace

LogicalResult coreai::compileModule(ModuleOp module,
                                    const CompileOptions &requested,
                                    bundle::BundleContents &contents) {
  MLIRContext *ctx = module.getContext();
  const char *cpuUnit = runtime::computeUnitName(ComputeUnit::CPU);
  // The report is always made: the bundle's debug table is its ops.
  CompileOptions options = requested;
  PlacementReport report;
  if (!options.report)
    options.report = &report;
  if (options.cpuArchs.empty())
    return emitError(module.getLoc()) << "no CPU architecture to compile for";
  bool split = false; // any unit besides the CPU
  for (const std::string &t : options.targets) {
    std::optional<ComputeUnit> unit = coreai::runtime::parseComputeUnit(t);
    if (!unit)
      return emitError(module.getLoc()) << "target '" << t
                                        << "' is not available (available: "
                                           "cpu, gpu, ane)";
    split |= *unit != ComputeUnit::CPU;
  }

  PassManager graph(ctx);
  if (!options.imageInputs.empty()) {
    ImageInputsOptions image;
    image.inputs.assign(options.imageInputs.begin(), options.imageInputs.end());
    graph.addPass(createImageInputs(image));
  }
  buildGraphPipeline(graph, /*cpuOnly=*/!split);
  beginPipelinePhase(options, graph, "graph optimization", "");
  if (failed(graph.run(module)))
    return failure();

  contents.modelName = options.modelName;
  contents.producer = "coreai-build " COREAI_PRODUCER_VERSION;
  contents.sourceHash = options.sourceHash;
  contents.compileOptions = options.commandLine;

  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  if (funcs.empty())
    return emitError(module.getLoc()) << "the model has no function";
  for (func::FuncOp func : funcs) {
    if (func.isExternal())
      continue;
    bundle::FunctionData fn;
    fn.name = func.getSymName().str();
    if (auto group = func->getAttrOfType<StringAttr>(kShapeGroupAttr);
        group && group != func.getSymNameAttr())
      fn.variantOf = group.str();
    fn.entrySymbol = COREAI_ENTRY_PREFIX + fn.name;
    fn.executable = 0;
    int64_t numInputs = coreai::numModelInputs(func, func.getNumArguments());
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      Location loc = func.getArgument(i).getLoc();
      if ((int64_t)i < numInputs) {
        auto name = func.getArgAttrOfType<StringAttr>(i, kNameAttr);
        std::string nameStr = name ? name.str() : "input" + std::to_string(i);
        auto desc = describe(loc, func.getArgument(i).getType(), nameStr);
        if (failed(desc))
          return failure();
        if (auto image = func.getArgAttrOfType<DictionaryAttr>(i, kImageAttr)) {
          bundle::ImageDesc d;
          d.format = cast<StringAttr>(image.get("format")).str();
          for (Attribute a : cast<ArrayAttr>(image.get("mean")))
            d.mean.push_back(cast<FloatAttr>(a).getValueAsDouble());
          for (Attribute a : cast<ArrayAttr>(image.get("std")))
            d.std.push_back(cast<FloatAttr>(a).getValueAsDouble());
          d.scale = cast<FloatAttr>(image.get("scale")).getValueAsDouble();
          desc->image = std::move(d);
        }
        if (auto names = func.getArgAttrOfType<ArrayAttr>(i, kDimNamesAttr);
            names && names.size() == desc->shape.size())
          for (Attribute a : names)
            desc->dimNames.push_back(cast<StringAttr>(a).str());
        fn.inputs.push_back(*desc);
        continue;
      }
      auto dense =
          func.getArgAttrOfType<DenseElementsAttr>(i, kConstantArgAttr);
      if (!dense)
        return emitError(loc) << "argument " << i
                              << " is neither an input nor a dense constant";
      FailureOr<bundle::ConstantData> c = coreai::toConstantData(loc, dense);
      if (failed(c))
        return failure();
      // Equal constants are stored once (shape variants share weights);
      // within a function each argument keeps a buffer of its own.
      fn.constants.push_back(
          bundle::addConstant(contents, std::move(*c), fn.constants));
    }
    for (unsigned i = 0; i < func.getNumResults(); ++i) {
      auto name = func.getResultAttrOfType<StringAttr>(i, kNameAttr);
      std::string nameStr = name ? name.str() : "output" + std::to_string(i);
      auto desc = describe(func.getLoc(), func.getResultTypes()[i], nameStr);
      if (failed(desc))
        return failure();
      if (auto from = func.getResultAttrOfType<IntegerAttr>(
              i, coreai::kRuntimeShapeAttr))
        desc->runtimeShapeFrom = (int32_t)from.getInt();
      desc->runtimeReshape = (bool)func.getResultAttr(i, kRuntimeReshapeAttr);
      fn.outputs.push_back(*desc);
    }
    if (failed(resolveStates(func, options.states, fn)))
      return failure();
    contents.functions.push_back(std::move(fn));
  }

  // Executable 0 is the CPU code: every function whole (every bundle runs on
  // the CPU alone), plus the CPU segments of split functions.
  contents.executables.emplace_back();
  options.report->strategy = split ? options.placement : "cpu only";
  if (split)
    beginPhase(options, "placement and GPU/engine lowering", "");
  if (split && failed(buildSchedules(module, contents, options)))
    return failure();
  if (!split)
    reportCPUOnly(module, *options.report);
  if (!options.stripDebug)
    for (bundle::FunctionData &fn : contents.functions)
      fn.debug = debugTableOf(*options.report, fn.name);
  // The data now lives in the bundle (and the engine's command stream);
  // dropping it keeps the CPU lowering light.
  for (func::FuncOp func : module.getOps<func::FuncOp>())
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      func.removeArgAttr(i, kConstantArgAttr);

  PassManager dispatches(ctx);
  cpu::buildDispatchPipeline(dispatches);
  beginPipelinePhase(options, dispatches, "CPU dispatch lowering", cpuUnit);
  if (failed(dispatches.run(module)))
    return failure();
  // On the CPU alone, a function is a schedule of its dispatches: the last
  // schedule of a function split across units (what runs where the other
  // units are not allowed), the only one otherwise.
  for (bundle::FunctionData &fn : contents.functions) {
    auto host = module.lookupSymbol<func::FuncOp>(fn.name);
    if (!host)
      return module.emitError("function '") << fn.name << "' vanished";
    FailureOr<cpu::DispatchProgram> program = cpu::extractDispatchProgram(host);
    if (failed(program))
      return failure();
    FailureOr<bundle::ScheduleData> schedule =
        buildCPUSchedule(host, *program, fn, contents.constants);
    if (failed(schedule))
      return failure();
    fn.schedule.push_back(std::move(*schedule));
  }
  PassManager codegen(ctx);
  cpu::buildCodegenPipeline(codegen);
  beginPipelinePhase(options, codegen, "CPU kernel code generation", cpuUnit);
  if (failed(codegen.run(module)))
    return failure();

  // The first variant is executable 0 (what steps and functions name); the
  // others are alternatives to it, appended after every other executable.
  std::vector<const cpu::CPUVariant *> variants;
  for (const std::string &arch : options.cpuArchs) {
    const cpu::CPUVariant *variant = cpu::findCPUVariant(arch);
    if (!variant)
      return emitError(module.getLoc())
             << "unknown CPU architecture '" << arch
             << "' (known: " << knownCPUArchs() << ")";
    variants.push_back(variant);
  }
  std::vector<std::vector<uint8_t>> objects;
  std::string error;
  beginPhase(options, "CPU machine code", cpuUnit);
  if (!cpu::emitSharedObjects(module, variants, objects, error))
    return emitError(module.getLoc()) << "CPU code generation for " << error;
  for (size_t i = 0; i < variants.size(); ++i) {
    bundle::ExecutableData exe;
    exe.unit = cpuUnit;
    exe.arch = variants[i]->name;
    exe.format = "elf-shared-object";
    exe.bytes = std::move(objects[i]);
    if (i == 0)
      contents.executables.front() = std::move(exe);
    else
      contents.executables.push_back(std::move(exe));
  }
  reportSchedules(contents, *options.report);
  return success();
}

//===- Schedules.cpp - A function split between compute units -------------===//
//
// Places each graph op on the neural engine or the GPU where it can run
// there, outlines runs of ops on one unit into segment functions, lowers GPU
// segments to SPIR-V kernels, engine segments to command-stream programs and
// CPU segments (later, with the rest of the CPU code) to entry points, and
// writes the function's schedule: the steps of every segment in order over
// buffer slots.
//
// A segment whose lowering fails is not an error: its ops are retried one by
// one, and any op that still fails runs on the CPU. So every model that
// compiles for the CPU compiles for any set of units.
//
//===----------------------------------------------------------------------===//
#include "lib/Pipeline/Pipeline.h"

#include "dialects/AIGraph/SourceNames.h"
#include "lib/Bundle/KernelABI.h"
#include "lib/Pipeline/BundleValues.h"
#include "lib/Pipeline/DebugTable.h"
#include "lib/Pipeline/MemoryPlanning.h"
#include "lib/Placement/CostModel.h"
#include "lib/Placement/Passes.h"
#include "lib/Placement/UnitCapabilities.h"
#include "lib/Target/ANE/Passes.h"
#include "lib/Target/GPU/Passes.h"
#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"

#include <algorithm>
#include <map>
#include <set>

using namespace mlir;

namespace coreai {
namespace {

using runtime::ComputeUnit;
using runtime::computeUnitName;

constexpr llvm::StringLiteral kOpIndexAttr = "coreai.op_index";

uint64_t tensorBytes(Type type) {
  auto shaped = cast<ShapedType>(type);
  uint64_t bits = shaped.getElementTypeBitWidth();
  return (uint64_t)shaped.getNumElements() * ((bits + 7) / 8);
}

/// The op indices (kOpIndexAttr) of a segment's top-level ops.
std::vector<int64_t> opIndices(func::FuncOp segment) {
  std::vector<int64_t> out;
  for (Operation &op : segment.getBody().front())
    if (auto a = op.getAttrOfType<IntegerAttr>(kOpIndexAttr))
      if (!op.hasTrait<OpTrait::ConstantLike>()) // copied into every segment
        out.push_back(a.getInt());
  return out;
}

/// The units a schedule's steps run on ("copy" steps aside).
std::set<ComputeUnit> usedUnits(const bundle::ScheduleData &schedule) {
  std::set<ComputeUnit> units;
  for (const bundle::StepData &step : schedule.steps)
    if (std::optional<ComputeUnit> unit = runtime::parseComputeUnit(step.unit))
      units.insert(*unit);
  units.insert(ComputeUnit::CPU); // the host is always there
  return units;
}

/// While alive, keeps the first error diagnostic instead of reporting any:
/// a segment whose lowering fails falls back to the CPU, saying why.
struct FirstError {
  explicit FirstError(MLIRContext *ctx)
      : handler(ctx, [this](Diagnostic &d) {
          if (d.getSeverity() == DiagnosticSeverity::Error && text.empty())
            text = d.str();
          return success();
        }) {}
  std::string orElse(const char *fallback) const {
    return text.empty() ? fallback : text;
  }
  std::string text;
  ScopedDiagnosticHandler handler;
};

/// Lowers one GPU segment on its own. Failure diagnostics are collected in
/// `why` instead of being reported: the caller falls back to the CPU.
FailureOr<spv::Program> lowerGPUSegment(func::FuncOp segment,
                                        std::string &why) {
  MLIRContext *ctx = segment.getContext();
  OwningOpRef<ModuleOp> module = ModuleOp::create(segment.getLoc());
  module->getBody()->push_back(segment.clone());
  auto host = cast<func::FuncOp>(&module->getBody()->front());
  FirstError firstError(ctx);
  PassManager pm(ctx);
  spv::buildLoweringPipeline(pm);
  if (failed(pm.run(*module))) {
    why = firstError.orElse("GPU lowering failed");
    return failure();
  }
  host = module->lookupSymbol<func::FuncOp>(segment.getSymName());
  FailureOr<spv::Program> program = spv::extractProgram(*module, host);
  if (failed(program))
    why = firstError.orElse("GPU schedule extraction failed");
  return program;
}

/// Lowers one neural-engine segment on its own to tiled ane layers, in a
/// module of its own; failure diagnostics go to `why` as for the GPU.
FailureOr<OwningOpRef<ModuleOp>> lowerANESegment(func::FuncOp segment,
                                                 const std::string &arch,
                                                 std::string &why) {
  MLIRContext *ctx = segment.getContext();
  OwningOpRef<ModuleOp> module = ModuleOp::create(segment.getLoc());
  module->getBody()->push_back(segment.clone());
  FirstError firstError(ctx);
  PassManager pm(ctx);
  anelower::buildLoweringPipeline(pm, arch);
  if (failed(pm.run(*module))) {
    why = firstError.orElse("neural-engine lowering failed");
    return failure();
  }
  return module;
}

class ScheduleBuilder {
public:
  ScheduleBuilder(bundle::BundleContents &contents,
                  bundle::FunctionData &function)
      : contents_(contents), function_(function) {}

  LogicalResult build(func::FuncOp main,
                      const std::map<std::string, spv::Program> &programs,
                      int64_t aneExecutable) {
    int64_t numInputs = function_.inputs.size();
    for (BlockArgument arg : main.getArguments()) {
      unsigned i = arg.getArgNumber();
      if ((int64_t)i < numInputs)
        slotOf_[arg] =
            addSlot(bundle::SlotKind::Input, i, tensorBytes(arg.getType()));
      else
        slotOf_[arg] = addSlot(bundle::SlotKind::Constant,
                               function_.constants[i - numInputs],
                               tensorBytes(arg.getType()));
    }
    auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
    std::vector<std::pair<unsigned, Value>> copies;
    for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
      if (isa<OpResult>(v) && isa<func::CallOp>(v.getDefiningOp()) &&
          !slotOf_.count(v))
        slotOf_[v] =
            addSlot(bundle::SlotKind::Output, j, tensorBytes(v.getType()));
      else
        copies.push_back({(unsigned)j, v});
    }
    for (Operation &op : main.getBody().front()) {
      if (isa<func::ReturnOp>(op))
        break;
      if (op.hasTrait<OpTrait::ConstantLike>()) {
        // Left in the function only when it returns the constant itself.
        auto value = op.getAttrOfType<DenseElementsAttr>("value");
        if (!value || op.getNumResults() != 1)
          return op.emitError("constant without dense contents");
        FailureOr<uint32_t> slot = addConstant(op.getLoc(), value);
        if (failed(slot))
          return failure();
        slotOf_[op.getResult(0)] = *slot;
        continue;
      }
      auto call = dyn_cast<func::CallOp>(op);
      if (!call)
        return op.emitError("unexpected op in a partitioned function");
      for (Value r : call.getResults())
        if (!slotOf_.count(r))
          slotOf_[r] =
              addSlot(bundle::SlotKind::Scratch, 0, tensorBytes(r.getType()));
      auto callee =
          main->getParentOfType<ModuleOp>().lookupSymbol<func::FuncOp>(
              call.getCallee());
      std::optional<ComputeUnit> unit = placedUnit(callee);
      if (unit == ComputeUnit::GPU) {
        auto it = programs.find(callee.getSymName().str());
        if (it == programs.end())
          return call.emitError("GPU segment was not lowered");
        if (failed(addGPUSteps(call, it->second)))
          return failure();
        continue;
      }
      bundle::StepData step;
      if (unit == ComputeUnit::NeuralEngine) {
        // One command-stream program per segment, named after it.
        step.unit = computeUnitName(ComputeUnit::NeuralEngine);
        step.executable = aneExecutable;
        step.entry = callee.getSymName().str();
      } else {
        step.unit = computeUnitName(ComputeUnit::CPU);
        step.executable = 0;
        step.entry = (COREAI_ENTRY_PREFIX + callee.getSymName()).str();
      }
      for (Value v : call.getOperands())
        step.args.push_back(slotOf_.at(v));
      for (Value v : call.getResults())
        step.args.push_back(slotOf_.at(v));
      step.source = aigraph::sourcesOf({callee.getOperation()});
      schedule_.steps.push_back(std::move(step));
    }
    for (auto [j, v] : copies) {
      uint32_t to =
          addSlot(bundle::SlotKind::Output, j, tensorBytes(v.getType()));
      bundle::StepData step;
      step.unit = "copy";
      step.args = {slotOf_.at(v), to};
      schedule_.steps.push_back(std::move(step));
    }
    planScratchMemory(schedule_);
    function_.schedule.push_back(std::move(schedule_));
    return success();
  }

private:
  uint32_t addSlot(bundle::SlotKind kind, uint32_t index, uint64_t size) {
    schedule_.slots.push_back({kind, index, size});
    return schedule_.slots.size() - 1;
  }

  /// The bundle constant holding `value` (shared when equal), and its slot.
  FailureOr<uint32_t> addConstant(Location loc, DenseElementsAttr value) {
    FailureOr<bundle::ConstantData> c = toConstantData(loc, value);
    if (failed(c))
      return failure();
    uint64_t size = c->bytes.size();
    return addSlot(bundle::SlotKind::Constant,
                   bundle::addConstant(contents_, std::move(*c)), size);
  }

  /// The executable holding `kernel`'s module; identical modules share one.
  uint32_t executableFor(const spv::Kernel &kernel) {
    std::vector<uint8_t> bytes(kernel.spirv.size() * 4);
    std::memcpy(bytes.data(), kernel.spirv.data(), bytes.size());
    for (size_t i = 1; i < contents_.executables.size(); ++i)
      if (contents_.executables[i].bytes == bytes)
        return i;
    bundle::ExecutableData exe;
    exe.unit = computeUnitName(ComputeUnit::GPU);
    exe.arch = "vulkan1.1";
    exe.format = "spirv";
    exe.bytes = std::move(bytes);
    exe.needs = kernel.capabilities;
    contents_.executables.push_back(std::move(exe));
    return contents_.executables.size() - 1;
  }

  LogicalResult addGPUSteps(func::CallOp call, const spv::Program &program) {
    unsigned numOperands = call.getNumOperands();
    std::vector<uint32_t> slotOfBuffer;
    for (const spv::Buffer &b : program.buffers) {
      switch (b.kind) {
      case spv::Buffer::Kind::Argument:
        slotOfBuffer.push_back(
            b.argument < numOperands
                ? slotOf_.at(call.getOperand(b.argument))
                : slotOf_.at(call.getResult(b.argument - numOperands)));
        break;
      case spv::Buffer::Kind::Scratch:
        slotOfBuffer.push_back(addSlot(bundle::SlotKind::Scratch, 0, b.bytes));
        break;
      case spv::Buffer::Kind::Constant: {
        FailureOr<uint32_t> slot = addConstant(call.getLoc(), b.value);
        if (failed(slot))
          return failure();
        slotOfBuffer.push_back(*slot);
        break;
      }
      }
    }
    std::vector<uint32_t> exeOfKernel;
    for (const spv::Kernel &k : program.kernels)
      exeOfKernel.push_back(executableFor(k));
    for (const spv::Dispatch &d : program.dispatches) {
      const spv::Kernel &k = program.kernels[d.kernel];
      bundle::StepData step;
      step.unit = computeUnitName(ComputeUnit::GPU);
      step.executable = exeOfKernel[d.kernel];
      step.entry = k.entry;
      for (unsigned b : d.buffers)
        step.args.push_back(slotOfBuffer[b]);
      step.groups.assign(d.groups.begin(), d.groups.end());
      step.source = k.source;
      schedule_.steps.push_back(std::move(step));
    }
    return success();
  }

  bundle::BundleContents &contents_;
  bundle::FunctionData &function_;
  bundle::ScheduleData schedule_;
  DenseMap<Value, uint32_t> slotOf_;
};

} // namespace

LogicalResult buildSchedules(ModuleOp module, bundle::BundleContents &contents,
                             const CompileOptions &options) {
  MLIRContext *ctx = module.getContext();
  auto requested = [&](ComputeUnit unit) {
    return llvm::is_contained(options.targets, computeUnitName(unit));
  };
  // Preferred first: the engine (least energy), then the GPU.
  std::vector<ComputeUnit> units;
  for (ComputeUnit unit : {ComputeUnit::NeuralEngine, ComputeUnit::GPU})
    if (requested(unit))
      units.push_back(unit);
  // What each unit can run (the CPU runs everything), for the reasons and
  // estimates of the report.
  std::map<ComputeUnit, std::unique_ptr<placement::UnitCapabilities>>
      capabilities;
  for (ComputeUnit unit :
       {ComputeUnit::CPU, ComputeUnit::GPU, ComputeUnit::NeuralEngine}) {
    if (unit != ComputeUnit::CPU && !requested(unit))
      continue;
    FailureOr<std::unique_ptr<placement::UnitCapabilities>> caps =
        placement::lookupUnitCapabilities(
            unit, module.getLoc(),
            unit == ComputeUnit::NeuralEngine ? options.aneArch : "");
    if (failed(caps))
      return failure();
    capabilities[unit] = std::move(*caps);
  }
  std::optional<anelower::CommandStreamWriter> stream;
  int64_t aneExecutable = -1;
  if (requested(ComputeUnit::NeuralEngine)) {
    FailureOr<runtime::ane::EngineDescription> engine =
        anelower::loadEngine(module.getLoc(), options.aneArch);
    if (failed(engine))
      return failure();
    stream.emplace(*engine);
    // The engine's executable: one command stream, filled in at the end.
    aneExecutable = contents.executables.size();
    bundle::ExecutableData exe;
    exe.unit = computeUnitName(ComputeUnit::NeuralEngine);
    exe.arch = engine->name;
    exe.format = "ane-command-stream";
    contents.executables.push_back(std::move(exe));
  }
  auto whyNotOn = [&](ComputeUnit unit, Operation *op) {
    const placement::UnitCapabilities &caps = *capabilities.at(unit);
    std::string why = caps.whyNot(op);
    return why.empty() ? caps.whyNotAlone(op) : why;
  };

  for (bundle::FunctionData &function : contents.functions) {
    auto original = module.lookupSymbol<func::FuncOp>(function.name);
    if (!original)
      return module.emitError("function '") << function.name << "' vanished";
    int64_t index = 0;
    for (Operation &op : original.getBody().front().without_terminator())
      op.setAttr(kOpIndexAttr, IntegerAttr::get(IndexType::get(ctx), index++));

    // Places the function on `placeUnits` (preferred first), lowers its
    // segments and appends the schedule; `unitOf` and `whyOnCPU` say where
    // each op went and why an op that could run elsewhere did not.
    // Alternative k > 0 names its segments apart from the others'.
    auto placeOn =
        [&](const std::vector<ComputeUnit> &placeUnits, unsigned alternative,
            std::map<int64_t, ComputeUnit> &unitOf,
            std::map<int64_t, std::string> &whyOnCPU) -> LogicalResult {
      std::string name = function.name;
      if (alternative)
        name += "__a" + std::to_string(alternative);
      std::set<int64_t> pinnedToCPU, isolated;
      // Whole segments, ops alone, segments again without the pinned ops;
      // from then on failing segments go to the CPU whole. Every attempt that
      // fails pins at least one more op, so this ends.
      for (int attempt = 0;; ++attempt) {
        bool lastResort = attempt >= 4, isolatedNow = false;
        // A fresh copy of the function, partitioned with what we know.
        OwningOpRef<ModuleOp> hetero = ModuleOp::create(module.getLoc());
        hetero->getBody()->push_back(original.clone());
        auto fn = cast<func::FuncOp>(&hetero->getBody()->front());
        fn.setSymName(name);
        for (Operation &op : fn.getBody().front().without_terminator()) {
          auto i = op.getAttrOfType<IntegerAttr>(kOpIndexAttr);
          if (!i)
            continue;
          if (pinnedToCPU.count(i.getInt()))
            setPlacedUnit(&op, ComputeUnit::CPU);
          if (isolated.count(i.getInt()))
            op.setAttr(kIsolateAttr, UnitAttr::get(ctx));
        }
        PassManager pm(ctx);
        PlaceOptions place;
        for (ComputeUnit unit : placeUnits)
          place.units.push_back(computeUnitName(unit));
        place.aneArch = options.aneArch;
        place.strategy = options.placement;
        pm.addNestedPass<func::FuncOp>(createPlace(place));
        pm.addPass(createPartition());
        if (failed(pm.run(*hetero)))
          return failure();

        std::map<std::string, spv::Program> programs;
        std::vector<std::pair<std::string, OwningOpRef<ModuleOp>>> aneModules;
        bool retry = false;
        for (func::FuncOp segment :
             llvm::to_vector(hetero->getOps<func::FuncOp>())) {
          ComputeUnit unit = placedUnit(segment).value_or(ComputeUnit::CPU);
          if (unit == ComputeUnit::CPU)
            continue;
          std::string why;
          if (unit == ComputeUnit::GPU) {
            FailureOr<spv::Program> program = lowerGPUSegment(segment, why);
            if (succeeded(program)) {
              programs[segment.getSymName().str()] = std::move(*program);
              continue;
            }
          } else {
            FailureOr<OwningOpRef<ModuleOp>> lowered =
                lowerANESegment(segment, options.aneArch, why);
            if (succeeded(lowered)) {
              aneModules.emplace_back(segment.getSymName().str(),
                                      std::move(*lowered));
              continue;
            }
          }
          retry = true;
          std::vector<int64_t> ops = opIndices(segment);
          if (ops.size() > 1 && !lastResort) {
            isolated.insert(ops.begin(), ops.end());
            isolatedNow = true;
          } else {
            pinnedToCPU.insert(ops.begin(), ops.end());
            for (int64_t i : ops)
              whyOnCPU[i] =
                  std::string("its ") +
                  (unit == ComputeUnit::GPU ? "GPU" : "neural-engine") +
                  " lowering failed: " + why;
          }
        }
        if (retry) {
          // Once the ops that fail alone are pinned, the others merge into
          // segments again. Each attempt pins or isolates more ops; the last
          // ones pin whole failing segments, so this ends.
          if (!isolatedNow)
            isolated.clear();
          if (attempt > index + 4)
            return original.emitError("placement did not converge");
          continue;
        }

        for (auto &[name, lowered] : aneModules)
          if (failed(stream->addProgram(
                  lowered->lookupSymbol<func::FuncOp>(name), name)))
            return failure();
        for (func::FuncOp segment : hetero->getOps<func::FuncOp>()) {
          std::optional<ComputeUnit> unit = placedUnit(segment);
          for (Operation &op : segment.getBody().front())
            if (auto i = op.getAttrOfType<IntegerAttr>(kOpIndexAttr))
              if (unit && !op.hasTrait<OpTrait::ConstantLike>())
                unitOf[i.getInt()] = *unit;
        }
        fn = hetero->lookupSymbol<func::FuncOp>(name);
        ScheduleBuilder builder(contents, function);
        if (failed(builder.build(fn, programs, aneExecutable)))
          return failure();
        // CPU segments are compiled with the rest of the CPU code.
        for (func::FuncOp segment : hetero->getOps<func::FuncOp>()) {
          if (placedUnit(segment) == ComputeUnit::CPU)
            module.push_back(segment.clone());
        }
        return success();
      }
    };

    // The function on every unit of --target, then on fewer (what runs
    // where the app allows only some): each subset of the units, larger
    // first, unless an earlier schedule already used only units it has
    // (placing it there again would give that schedule again).
    std::map<int64_t, ComputeUnit> unitOf;
    std::map<int64_t, std::string> whyOnCPU;
    if (failed(placeOn(units, 0, unitOf, whyOnCPU)))
      return failure();
    std::vector<std::set<ComputeUnit>> used = {
        usedUnits(function.schedule.back())};
    size_t n = units.size();
    std::vector<std::vector<ComputeUnit>> subsets;
    for (uint32_t mask = (1u << n) - 2; mask > 0; --mask) {
      std::vector<ComputeUnit> subset;
      for (size_t u = 0; u < n; ++u)
        if (mask & (1u << (n - 1 - u)))
          subset.push_back(units[u]);
      subsets.push_back(std::move(subset));
    }
    std::stable_sort(
        subsets.begin(), subsets.end(),
        [](const auto &a, const auto &b) { return a.size() > b.size(); });
    for (const std::vector<ComputeUnit> &subset : subsets) {
      std::set<ComputeUnit> have(subset.begin(), subset.end());
      have.insert(ComputeUnit::CPU);
      if (llvm::any_of(used, [&](const std::set<ComputeUnit> &u) {
            return std::includes(have.begin(), have.end(), u.begin(), u.end());
          }))
        continue;
      std::map<int64_t, ComputeUnit> unitOfHere;
      std::map<int64_t, std::string> whyHere;
      if (failed(placeOn(subset, used.size(), unitOfHere, whyHere)))
        return failure();
      std::set<ComputeUnit> usedHere = usedUnits(function.schedule.back());
      // Nothing on the subset's units: the CPU's own schedule does better.
      if (!llvm::any_of(subset,
                        [&](ComputeUnit u) { return usedHere.count(u); })) {
        function.schedule.pop_back();
        continue;
      }
      used.push_back(std::move(usedHere));
    }
    // Where each op went and why not elsewhere: remarks (--explain-placement)
    // and the report (--report).
    std::optional<ComputeUnit> partitionUnit;
    llvm::DenseMap<Operation *, uint32_t> reportIndex;
    for (Operation &op : original.getBody().front().without_terminator()) {
      auto i = op.getAttrOfType<IntegerAttr>(kOpIndexAttr);
      op.removeAttr(kOpIndexAttr);
      if (op.hasTrait<OpTrait::ConstantLike>() || !i)
        continue;
      ComputeUnit ranOn =
          unitOf.count(i.getInt()) ? unitOf[i.getInt()] : ComputeUnit::CPU;
      std::vector<std::pair<ComputeUnit, std::string>> refused;
      for (ComputeUnit unit : units) {
        // A layout-only op follows its operand: the unit it ran on did not
        // refuse it.
        if (unit == ranOn)
          continue;
        std::string reason = whyNotOn(unit, &op);
        if (reason.empty() && whyOnCPU.count(i.getInt()) && unit != ranOn)
          reason = whyOnCPU[i.getInt()];
        if (!reason.empty())
          refused.push_back({unit, reason});
      }
      if (options.report) {
        PlacementReport::Op entry;
        entry.function = function.name;
        describeGraphOp(&op, reportIndex, entry);
        entry.unit = computeUnitName(ranOn);
        for (const auto &[unit, reason] : refused)
          entry.refused.push_back({computeUnitName(unit), reason});
        placement::OpWork work = placement::workOf(&op);
        std::vector<ComputeUnit> candidates = {ComputeUnit::CPU};
        candidates.insert(candidates.end(), units.begin(), units.end());
        double own = 0;
        for (ComputeUnit unit : candidates) {
          if (llvm::any_of(refused,
                           [&](const auto &r) { return r.first == unit; }))
            continue;
          double us =
              placement::estimateUs(capabilities.at(unit)->costModel(), work);
          entry.estimatedUs.push_back({computeUnitName(unit), us});
          if (unit == ranOn)
            own = us;
        }
        // Runs of consecutive ops on one unit: the segments of the first
        // schedule.
        if (options.report->partitions.empty() || ranOn != partitionUnit ||
            options.report->partitions.back().function != function.name)
          options.report->partitions.push_back(
              {function.name, computeUnitName(ranOn), 0, 0});
        partitionUnit = ranOn;
        options.report->partitions.back().ops++;
        options.report->partitions.back().estimatedUs += own;
        options.report->ops.push_back(std::move(entry));
      }
      if (!options.explainPlacement)
        continue;
      // Where the op runs, and why not on each unit preferred to that one.
      std::string why;
      for (ComputeUnit unit : units) {
        if (unit == ranOn)
          break;
        std::string reason;
        for (const auto &[u, r] : refused)
          if (u == unit)
            reason = r;
        if (reason.empty())
          reason = options.placement == "cost"
                       ? std::string("estimated faster with its neighbours "
                                     "on the ") +
                             runtime::computeUnitTitle(ranOn)
                       : "placed with its neighbours";
        why += (why.empty() ? "" : "; ") +
               (units.size() > 1
                    ? std::string("not on ") + computeUnitName(unit) + ": "
                    : "") +
               reason;
      }
      if (why.empty())
        continue;
      op.emitRemark("runs on the ")
          << runtime::computeUnitTitle(ranOn) << ": " << why;
    }
  }
  if (stream)
    contents.executables[aneExecutable].bytes = stream->finish();
  return success();
}

} // namespace coreai

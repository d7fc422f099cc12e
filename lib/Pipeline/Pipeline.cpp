//===- Pipeline.cpp - The one compilation pipeline ------------------------===//
#include "lib/Pipeline/Pipeline.h"

#include "coreai/KernelABI.h"
#include "dialects/AIGraph/AIGraph.h"
#include "lib/Target/CPU/Passes.h"
#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void coreai::buildGraphPipeline(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createPromoteAccumulation());
  pm.addPass(createHoistConstants());
}

void coreai::buildCPUPipeline(OpPassManager &pm) {
  buildGraphPipeline(pm);
  cpu::buildLoweringPipeline(pm);
}

namespace {

FailureOr<coreai::DType> toDType(Location loc, Type t) {
  if (t.isF32())
    return coreai::DType::F32;
  if (t.isF64())
    return coreai::DType::F64;
  if (t.isF16())
    return coreai::DType::F16;
  if (t.isBF16())
    return coreai::DType::BF16;
  if (t.isInteger(1))
    return coreai::DType::Bool;
  if (isa<Float8E4M3FNType>(t))
    return coreai::DType::F8E4M3FN;
  if (isa<Float8E4M3FNUZType>(t))
    return coreai::DType::F8E4M3FNUZ;
  if (isa<Float8E5M2Type>(t))
    return coreai::DType::F8E5M2;
  if (isa<Float8E5M2FNUZType>(t))
    return coreai::DType::F8E5M2FNUZ;
  if (isa<Float4E2M1FNType>(t))
    return coreai::DType::F4E2M1;
  if (isa<Float8E8M0FNUType>(t))
    return coreai::DType::F8E8M0;
  if (auto it = dyn_cast<IntegerType>(t)) {
    bool u = it.isUnsigned();
    switch (it.getWidth()) {
    case 2: return u ? coreai::DType::U2 : coreai::DType::I2;
    case 4: return u ? coreai::DType::U4 : coreai::DType::I4;
    case 8: return u ? coreai::DType::U8 : coreai::DType::I8;
    case 16: return u ? coreai::DType::U16 : coreai::DType::I16;
    case 32: return u ? coreai::DType::U32 : coreai::DType::I32;
    case 64: return u ? coreai::DType::U64 : coreai::DType::I64;
    }
  }
  return emitError(loc) << "element type " << t
                        << " cannot cross the bundle boundary";
}

FailureOr<coreai::bundle::TensorDesc> describe(Location loc, Type type,
                                               StringRef name) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return emitError(loc) << "tensor '" << name << "' has type " << type
                          << "; bind its symbolic dims with --shape "
                          << name << "=D0xD1x...";
  auto dtype = toDType(loc, ranked.getElementType());
  if (failed(dtype))
    return failure();
  return coreai::bundle::TensorDesc{
      name.str(), *dtype,
      std::vector<int64_t>(ranked.getShape().begin(), ranked.getShape().end())};
}

/// "conv1 (Conv, opset 17)" from the importer's nested NameLocs.
std::string sourceOf(Location loc) {
  std::string out;
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location l : fused.getLocations()) {
      std::string s = sourceOf(l);
      if (!s.empty())
        out += (out.empty() ? "" : "; ") + s;
    }
    return out;
  }
  if (auto name = dyn_cast<NameLoc>(loc)) {
    out = name.getName().str();
    if (auto inner = dyn_cast<NameLoc>(name.getChildLoc()))
      out += " (" + inner.getName().str() + ")";
  }
  return out;
}

void appendBytes(DenseElementsAttr dense, std::vector<uint8_t> &bytes) {
  auto type = dense.getType();
  int64_t elemBytes = (type.getElementTypeBitWidth() + 7) / 8;
  if (type.getElementType().isInteger(1)) {
    for (bool v : dense.getValues<bool>())
      bytes.push_back(v);
    return;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    for (int64_t i = 0; i < type.getNumElements(); ++i)
      bytes.insert(bytes.end(), raw.begin(), raw.begin() + elemBytes);
    return;
  }
  bytes.insert(bytes.end(), raw.begin(), raw.end());
}

} // namespace

LogicalResult coreai::compileModule(ModuleOp module,
                                    const CompileOptions &options,
                                    bundle::BundleContents &contents) {
  MLIRContext *ctx = module.getContext();
  for (const std::string &t : options.targets)
    if (t != "cpu")
      return emitError(module.getLoc())
             << "target '" << t << "' is not available yet (available: cpu)";

  PassManager graph(ctx);
  buildGraphPipeline(graph);
  if (failed(graph.run(module)))
    return failure();

  contents.modelName = options.modelName;
  contents.producer = "coreai-build 0.1";
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
    fn.entrySymbol = COREAI_ENTRY_PREFIX + fn.name;
    fn.executable = 0;
    int64_t numInputs = func.getNumArguments();
    if (auto a = func->getAttrOfType<IntegerAttr>(kNumInputsAttr))
      numInputs = a.getInt();
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      Location loc = func.getArgument(i).getLoc();
      if ((int64_t)i < numInputs) {
        auto name = func.getArgAttrOfType<StringAttr>(i, kNameAttr);
        std::string nameStr =
            name ? name.str() : "input" + std::to_string(i);
        auto desc = describe(loc, func.getArgument(i).getType(), nameStr);
        if (failed(desc))
          return failure();
        fn.inputs.push_back(*desc);
        continue;
      }
      auto dense = func.getArgAttrOfType<DenseElementsAttr>(i, kConstantArgAttr);
      if (!dense)
        return emitError(loc) << "argument " << i
                              << " is neither an input nor a dense constant";
      auto dtype = toDType(loc, dense.getType().getElementType());
      if (failed(dtype))
        return failure();
      bundle::ConstantData c;
      c.dtype = *dtype;
      c.shape.assign(dense.getType().getShape().begin(),
                     dense.getType().getShape().end());
      appendBytes(dense, c.bytes);
      fn.constants.push_back(contents.constants.size());
      contents.constants.push_back(std::move(c));
    }
    for (unsigned i = 0; i < func.getNumResults(); ++i) {
      auto name = func.getResultAttrOfType<StringAttr>(i, kNameAttr);
      std::string nameStr = name ? name.str() : "output" + std::to_string(i);
      auto desc = describe(func.getLoc(), func.getResultTypes()[i], nameStr);
      if (failed(desc))
        return failure();
      fn.outputs.push_back(*desc);
    }
    func.walk([&](Operation *op) {
      if (!isa<aigraph::AIGraphDialect>(op->getDialect()))
        return;
      std::string source = sourceOf(op->getLoc());
      if (!source.empty())
        fn.debug.push_back({op->getName().getStringRef().str(), source});
    });
    contents.functions.push_back(std::move(fn));
    // The data now lives in the bundle; dropping it keeps the lowering light.
    for (unsigned i = numInputs; i < func.getNumArguments(); ++i)
      func.removeArgAttr(i, kConstantArgAttr);
  }

  PassManager lower(ctx);
  cpu::buildLoweringPipeline(lower);
  if (failed(lower.run(module)))
    return failure();

  bundle::ExecutableData exe;
  exe.unit = "cpu";
  exe.arch = cpu::hostArch();
  exe.format = "elf-shared-object";
  std::string error;
  if (!cpu::emitSharedObject(module, exe.bytes, error))
    return emitError(module.getLoc()) << "CPU code generation: " << error;
  contents.executables.push_back(std::move(exe));
  return success();
}

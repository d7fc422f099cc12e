//===- KernelProgram.cpp - A lowered GPU function as buffers + dispatches -===//
//
// After buildLoweringPipeline, a function's body is a straight line of
// buffer allocations, views, constants and gpu.launch_func ops. This reads it
// as the program the runtime replays (which buffer each kernel binding is,
// how many workgroups each launch has) and serializes each kernel's
// spirv.module. Views need no work at run time: a kernel's memref type keeps
// the view's static offset and strides, so the binding is the whole base
// buffer.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/GPU/Passes.h"

#include "dialects/AIGraph/SourceNames.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Target/SPIRV/Serialization.h"

using namespace mlir;

namespace coreai::spv {
namespace {

/// Bytes of a statically shaped buffer, as the runtime stores it (one byte
/// per i1, whole bytes otherwise).
FailureOr<uint64_t> bufferBytes(Operation *op, MemRefType type) {
  if (!type.hasStaticShape())
    return op->emitError("GPU buffers need static shapes, got ") << type;
  unsigned bits = type.getElementTypeBitWidth();
  return (uint64_t)type.getNumElements() * ((bits + 7) / 8);
}

FailureOr<uint32_t> constantCount(Operation *op, Value v) {
  std::optional<int64_t> c = getConstantIntValue(v);
  if (!c || *c < 1 || *c > UINT32_MAX)
    return op->emitError("launch sizes must be positive constants");
  return (uint32_t)*c;
}

/// The spirv.module converted from gpu.module `name` (coreai-gpu-to-spirv
/// names its clone after the original, prefixed by "__spv__").
spirv::ModuleOp findSPIRVModule(ModuleOp module, StringRef gpuModuleName) {
  spirv::ModuleOp found;
  module.walk([&](spirv::ModuleOp m) {
    std::optional<StringRef> name = m.getName();
    if (name &&
        (*name == gpuModuleName || *name == ("__spv__" + gpuModuleName).str()))
      found = m;
  });
  return found;
}

FailureOr<Kernel> serializeKernel(ModuleOp module,
                                  mlir::gpu::LaunchFuncOp launch) {
  StringRef moduleName = launch.getKernelModuleName().getValue();
  StringRef entry = launch.getKernelName().getValue();
  spirv::ModuleOp spv = findSPIRVModule(module, moduleName);
  if (!spv)
    return launch.emitError("kernel module '")
           << moduleName << "' was not converted to SPIR-V";
  Kernel k;
  k.entry = entry.str();
  SmallVector<uint32_t> words;
  spirv::SerializationOptions options;
  options.emitSymbolName = false; // smaller, and names are in the bundle
  if (failed(spirv::serialize(spv, words, options)))
    return failure();
  k.spirv.assign(words.begin(), words.end());
  if (auto vce = spv.getVceTriple())
    for (spirv::Capability c : vce->getCapabilities())
      k.capabilities.push_back(spirv::stringifyCapability(c).str());
  for (int d = 0; d < 3; ++d) {
    Value size = d == 0   ? launch.getBlockSizeX()
                 : d == 1 ? launch.getBlockSizeY()
                          : launch.getBlockSizeZ();
    FailureOr<uint32_t> n = constantCount(launch, size);
    if (failed(n))
      return failure();
    k.workgroup[d] = *n;
  }
  // The kernel function keeps the location of the loop nest, which keeps the
  // linalg op's, which keeps the source node's.
  auto gpuFunc = SymbolTable::lookupNearestSymbolFrom<mlir::gpu::GPUFuncOp>(
      launch, launch.getKernel());
  k.source = aigraph::sourceOf(gpuFunc ? gpuFunc.getLoc() : launch.getLoc());
  return k;
}

} // namespace

FailureOr<Program> extractProgram(ModuleOp module, func::FuncOp host) {
  Program program;
  DenseMap<Value, unsigned> bufferOf;
  for (BlockArgument arg : host.getArguments()) {
    if (!isa<MemRefType>(arg.getType()))
      return host.emitError("GPU function argument ")
             << arg.getArgNumber() << " is not a buffer";
    bufferOf[arg] = program.buffers.size();
    program.buffers.push_back({Buffer::Kind::Argument, arg.getArgNumber()});
  }
  llvm::StringMap<unsigned> kernelIndex;

  for (Operation &op : host.getBody().front()) {
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      FailureOr<uint64_t> bytes = bufferBytes(alloc, alloc.getType());
      if (failed(bytes))
        return failure();
      bufferOf[alloc] = program.buffers.size();
      program.buffers.push_back({Buffer::Kind::Scratch, 0, *bytes});
      continue;
    }
    if (auto get = dyn_cast<memref::GetGlobalOp>(op)) {
      auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
          get, get.getNameAttr());
      auto value = global ? dyn_cast_or_null<DenseElementsAttr>(
                                global.getInitialValueAttr())
                          : DenseElementsAttr();
      if (!value)
        return get.emitError("GPU code needs the global's contents");
      FailureOr<uint64_t> bytes = bufferBytes(get, get.getType());
      if (failed(bytes))
        return failure();
      bufferOf[get] = program.buffers.size();
      program.buffers.push_back({Buffer::Kind::Constant, 0, *bytes, value});
      continue;
    }
    if (auto view = dyn_cast<ViewLikeOpInterface>(op)) {
      auto it = bufferOf.find(view.getViewSource());
      if (it == bufferOf.end())
        return op.emitError("view of a value that is not a GPU buffer");
      bufferOf[op.getResult(0)] = it->second;
      continue;
    }
    if (auto launch = dyn_cast<mlir::gpu::LaunchFuncOp>(op)) {
      Dispatch d;
      std::string key = (launch.getKernelModuleName().getValue() +
                         "::" + launch.getKernelName().getValue())
                            .str();
      auto [it, inserted] =
          kernelIndex.try_emplace(key, program.kernels.size());
      if (inserted) {
        FailureOr<Kernel> k = serializeKernel(module, launch);
        if (failed(k))
          return failure();
        program.kernels.push_back(std::move(*k));
      }
      d.kernel = it->second;
      for (int i = 0; i < 3; ++i) {
        Value size = i == 0   ? launch.getGridSizeX()
                     : i == 1 ? launch.getGridSizeY()
                              : launch.getGridSizeZ();
        FailureOr<uint32_t> n = constantCount(launch, size);
        if (failed(n))
          return failure();
        d.groups[i] = *n;
      }
      for (Value operand : launch.getKernelOperands()) {
        auto found = bufferOf.find(operand);
        if (found == bufferOf.end())
          return launch.emitError("kernel operand of type ")
                 << operand.getType()
                 << " is not a buffer (scalar kernel arguments are not "
                    "supported)";
        d.buffers.push_back(found->second);
      }
      program.dispatches.push_back(std::move(d));
      continue;
    }
    if (isa<arith::ConstantOp, memref::DeallocOp, bufferization::DeallocOp,
            func::ReturnOp>(op))
      continue;
    return op.emitError("'")
           << op.getName() << "' cannot be part of a GPU schedule";
  }
  return program;
}

} // namespace coreai::spv

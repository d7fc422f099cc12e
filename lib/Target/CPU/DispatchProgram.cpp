//===- DispatchProgram.cpp - A function as buffers + CPU dispatches -------===//
//
// After coreai-cpu-form-dispatches, a function's body is a straight line of
// allocations, views, constants and calls to dispatches. This reads it as the
// program the runtime's thread pool replays: which buffer each dispatch
// binding is (an argument of the function or a scratch allocation) and how
// many workgroups each dispatch is worth. The CPU counterpart of the GPU's
// KernelProgram.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "lib/Bundle/KernelABI.h"

#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace coreai::cpu {

FailureOr<DispatchProgram> extractDispatchProgram(func::FuncOp host) {
  DispatchProgram program;
  DenseMap<Value, unsigned> bufferOf;
  for (BlockArgument arg : host.getArguments()) {
    auto type = dyn_cast<MemRefType>(arg.getType());
    if (!type || !type.hasStaticShape())
      return host.emitError("dispatch program: argument ")
             << arg.getArgNumber() << " is not a statically shaped buffer";
    bufferOf[arg] = program.buffers.size();
    program.buffers.push_back({false, arg.getArgNumber(), 0});
  }
  ModuleOp module = host->getParentOfType<ModuleOp>();
  for (Operation &op : host.getBody().front()) {
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
          !type.getElementType().isIntOrFloat())
        return alloc.emitError("dispatch program: scratch buffer ")
               << type << " is not statically shaped and dense";
      unsigned bits = type.getElementTypeBitWidth();
      bufferOf[alloc] = program.buffers.size();
      program.buffers.push_back(
          {true, 0, (uint64_t)type.getNumElements() * ((bits + 7) / 8)});
      continue;
    }
    if (auto call = dyn_cast<func::CallOp>(op)) {
      auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
      auto groups = callee ? callee->getAttrOfType<IntegerAttr>(kWorkgroupsAttr)
                           : IntegerAttr();
      if (!groups || call.getNumOperands() < 2)
        return call.emitError("dispatch program: call to ")
               << call.getCallee() << " is not a dispatch";
      DispatchProgram::Dispatch d;
      d.entry = (COREAI_DISPATCH_PREFIX + call.getCallee()).str();
      d.workgroups = (uint32_t)groups.getInt();
      if (auto source = call->getAttrOfType<StringAttr>(kSourceAttr))
        d.source = source.str();
      for (Value v : call.getOperands().drop_back(2)) {
        auto it = bufferOf.find(v);
        if (it == bufferOf.end())
          return call.emitError("dispatch program: binding is not a whole "
                                "buffer of the function");
        d.buffers.push_back(it->second);
      }
      program.dispatches.push_back(std::move(d));
      continue;
    }
    if (isa<func::ReturnOp, memref::DeallocOp, memref::GetGlobalOp,
            memref::CastOp, ViewLikeOpInterface>(op) ||
        op.hasTrait<OpTrait::ConstantLike>())
      continue;
    return op.emitError("dispatch program: unexpected op outside dispatches");
  }
  return program;
}

} // namespace coreai::cpu

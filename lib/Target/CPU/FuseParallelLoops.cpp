//===- FuseParallelLoops.cpp - Epilogues into their producers' loop nests -===//
//
// Upstream's naivelyFuseParallelOps merges a parallel loop into the one
// before it when both cover the same iteration space and the second reads
// what the first wrote only at the same point: fill + convolution + bias +
// activation + residual add become one pass over memory. Upstream's pass
// asks MLIR's alias analysis whether two buffers may overlap, and that
// cannot know what the kernel ABI guarantees: a function's arguments are
// distinct buffers (inputs and constants are only read, each output is its
// own array), as are its allocations. This pass answers from that.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CPUFUSEPARALLELLOOPS
#include "lib/Target/CPU/Passes.h.inc"
} // namespace coreai

namespace {

/// The buffer `v` is a view of: a function argument, an allocation or a
/// global; null when it comes from anything else.
Value rootBuffer(Value v, func::FuncOp func) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<memref::AllocOp, memref::AllocaOp, memref::GetGlobalOp>(def))
      return v;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      return nullptr;
    v = view.getViewSource();
  }
  auto arg = cast<BlockArgument>(v);
  return arg.getOwner() == &func.getBody().front() ? v : Value();
}

struct CPUFuseParallelLoops
    : coreai::impl::CPUFuseParallelLoopsBase<CPUFuseParallelLoops> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    auto mayAlias = [&](Value a, Value b) {
      Value ra = rootBuffer(a, func), rb = rootBuffer(b, func);
      if (!ra || !rb)
        return true;
      if (ra == rb)
        return true;
      // Two uses of one global are the same buffer.
      auto ga = ra.getDefiningOp<memref::GetGlobalOp>();
      auto gb = rb.getDefiningOp<memref::GetGlobalOp>();
      if (ga && gb)
        return ga.getName() == gb.getName();
      return false;
    };
    func.walk([&](Operation *op) {
      for (Region &region : op->getRegions())
        scf::naivelyFuseParallelOps(region, mayAlias);
    });
  }
};

} // namespace

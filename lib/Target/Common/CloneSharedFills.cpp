//===- CloneSharedFills.cpp - One fill per tensor that is written into ----===//
#include "lib/Target/Common/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CLONESHAREDFILLS
#include "lib/Target/Common/Passes.h.inc"
} // namespace coreai

namespace {
struct CloneSharedFillsPass
    : coreai::impl::CloneSharedFillsBase<CloneSharedFillsPass> {
  void runOnOperation() override {
    SmallVector<linalg::FillOp> shared;
    getOperation().walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics() && !fill->getResult(0).hasOneUse())
        shared.push_back(fill);
    });
    for (linalg::FillOp fill : shared) {
      // Every use gets its own fill (and its own empty tensor), right
      // before the op that reads it.
      auto uses = llvm::map_to_vector(fill->getResult(0).getUses(),
                                      [](OpOperand &use) { return &use; });
      auto empty = fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
      if (empty && empty->getNumOperands() != 0)
        empty = nullptr;
      for (OpOperand *use : uses) {
        OpBuilder b(use->getOwner());
        IRMapping map;
        if (empty)
          map.map(empty.getResult(), b.clone(*empty)->getResult(0));
        // The fill is part of the op it initializes (CSE kept one
        // location for all of them).
        Operation *clone = b.clone(*fill, map);
        clone->setLoc(use->getOwner()->getLoc());
        use->set(clone->getResult(0));
      }
      fill->erase();
      if (empty && empty->use_empty())
        empty->erase();
    }
  }
};
} // namespace

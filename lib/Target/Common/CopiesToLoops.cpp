//===- CopiesToLoops.cpp - memref.copy -> linalg.copy ---------------------===//
#include "lib/Target/Common/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_COPIESTOLOOPS
#include "lib/Target/Common/Passes.h.inc"
} // namespace coreai

namespace {
/// Whether `a` and `b` are the same memory: one value, or equal subviews
/// of the same memory (bufferization writes one per use).
bool isSameMemory(Value a, Value b) {
  if (a == b)
    return true;
  auto va = a.getDefiningOp<memref::SubViewOp>();
  auto vb = b.getDefiningOp<memref::SubViewOp>();
  return va && vb && va.getType() == vb.getType() &&
         va.getStaticOffsets() == vb.getStaticOffsets() &&
         va.getStaticSizes() == vb.getStaticSizes() &&
         va.getStaticStrides() == vb.getStaticStrides() &&
         va.getOffsets() == vb.getOffsets() && va.getSizes() == vb.getSizes() &&
         va.getStrides() == vb.getStrides() &&
         isSameMemory(va.getSource(), vb.getSource());
}

struct CopyToLinalg : OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::CopyOp op,
                                PatternRewriter &rw) const override {
    // A value computed in place in its slice of a larger buffer (an input
    // of a Concat, after eliminate-empty-tensors) is "inserted" by a copy
    // onto itself.
    if (isSameMemory(op.getSource(), op.getTarget())) {
      rw.eraseOp(op);
      return success();
    }
    rw.replaceOpWithNewOp<linalg::CopyOp>(op, op.getSource(), op.getTarget());
    return success();
  }
};

struct CopiesToLoopsPass
    : coreai::impl::CopiesToLoopsBase<CopiesToLoopsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<CopyToLinalg>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

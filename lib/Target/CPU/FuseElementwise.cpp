//===- FuseElementwise.cpp - Elementwise fusion without recomputation -----===//
//
// Upstream's linalg-fuse-elementwise-ops fuses a single-use producer into
// any consumer, also one that reads each produced element many times: a
// GELU before a matmul ends up evaluated (erf and all) once per
// multiply-add, K times over, and the matmul is no longer a contraction
// that coreai-cpu-vectorize-contractions recognizes. The same upstream
// patterns run here with a control that fuses only when the consumer reads
// the producer through a permutation of all its loops, so every produced
// element is computed exactly once.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CPUFUSEELEMENTWISE
#include "lib/Target/CPU/Passes.h.inc"
} // namespace coreai

namespace {

bool readsEachElementOnce(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  return consumer && consumer.getMatchingIndexingMap(fused).isPermutation();
}

bool singleUse(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  return producer && producer->hasOneUse();
}

struct CPUFuseElementwise
    : coreai::impl::CPUFuseElementwiseBase<CPUFuseElementwise> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 readsEachElementOnce);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, singleUse);
    linalg::populateConstantFoldLinalgOperations(patterns, singleUse);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

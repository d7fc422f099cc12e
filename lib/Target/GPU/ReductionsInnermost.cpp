//===- ReductionsInnermost.cpp - Reduction loops last in linalg.generic ---===//
#include "lib/Target/GPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_GPUREDUCTIONSINNERMOST
#include "lib/Target/GPU/Passes.h.inc"
} // namespace coreai

namespace {
struct GPUReductionsInnermost
    : coreai::impl::GPUReductionsInnermostBase<GPUReductionsInnermost> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) { generics.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : generics) {
      // The permutation lists parallel loops first, then reductions, each in
      // their original order (a stable partition).
      SmallVector<unsigned> parallel, reduction;
      for (auto [i, kind] : llvm::enumerate(op.getIteratorTypesArray()))
        (kind == utils::IteratorType::parallel ? parallel : reduction)
            .push_back(i);
      SmallVector<unsigned> perm(parallel);
      perm.append(reduction);
      bool identity = true;
      for (auto [i, p] : llvm::enumerate(perm))
        identity &= (i == p);
      if (identity)
        continue;
      rewriter.setInsertionPoint(op);
      if (failed(linalg::interchangeGenericOp(rewriter, op, perm))) {
        op.emitError("cannot move reduction loops innermost");
        return signalPassFailure();
      }
    }
  }
};
} // namespace

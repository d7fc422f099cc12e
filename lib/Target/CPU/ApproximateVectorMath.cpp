//===- ApproximateVectorMath.cpp - Polynomial math on vectors -------------===//
//
// Math on vectors (the epilogues of vector kernels: GELU's erf, sigmoid's
// exp, tanh) would otherwise be scalarized into one libm call per lane.
// Upstream's polynomial approximations (Cephes-style, a few ulp in f32,
// far inside the 1e-4 + 1e-3|want| tolerance of the model tests) compute
// all lanes at once. Powers by a constant exponent (GPT-2's gelu_new has
// x^3) become multiplies, square roots or a reciprocal (upstream's algebraic
// simplification), exact where libm's powf would be called per lane. Scalar
// math keeps libm: only the vector ops and what they expand into are
// rewritten.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CPUAPPROXIMATEVECTORMATH
#include "lib/Target/CPU/Passes.h.inc"
} // namespace coreai

namespace {

struct CPUApproximateVectorMath
    : coreai::impl::CPUApproximateVectorMathBase<CPUApproximateVectorMath> {
  void runOnOperation() override {
    SmallVector<Operation *> vectorMath;
    getOperation()->walk([&](Operation *op) {
      if (isa<math::MathDialect>(op->getDialect()) &&
          op->getNumResults() == 1 &&
          isa<VectorType>(op->getResult(0).getType()))
        vectorMath.push_back(op);
    });
    if (vectorMath.empty())
      return;
    RewritePatternSet patterns(&getContext());
    auto approximated = [](StringRef name) {
      name.consume_front("math.");
      return llvm::is_contained({"erf", "exp", "expm1", "tanh", "log", "log2",
                                 "log1p"},
                                name);
    };
    populateMathAlgebraicSimplificationPatterns(patterns);
    populateMathF32ExpansionPatterns(patterns, approximated);
    populateMathPolynomialApproximationPatterns(patterns, approximated);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(vectorMath, std::move(patterns),
                                       config)))
      return signalPassFailure();
  }
};

} // namespace

//===- ApproximateVectorMath.cpp - Polynomial math on vectors -------------===//
//
// Math on vectors (the epilogues of vector kernels: GELU's erf, sigmoid's
// exp, tanh) would otherwise be scalarized into one libm call per lane.
// Upstream's polynomial approximations (Cephes-style, a few ulp in f32,
// far inside the 1e-4 + 1e-3|want| tolerance of the model tests) compute
// all lanes at once. Powers by a constant integer (GPT-2's gelu_new has x^3)
// become multiplies and a reciprocal (upstream's algebraic simplification)
// where libm's powf would be called per lane. Scalar math keeps libm: only
// the vector ops and what they expand into are rewritten.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CPUAPPROXIMATEVECTORMATH
#include "lib/Target/CPU/Passes.h.inc"
} // namespace coreai

namespace {

/// Whether `pow` raises to a constant integer (x^3, x^-1): exact as
/// multiplies, with the same results as powf for every base. Other constant
/// exponents (0.5 as sqrt) differ from powf at -0 and -inf.
bool hasIntegerExponent(math::PowFOp pow) {
  Attribute exponent;
  if (!matchPattern(pow.getRhs(), m_Constant(&exponent)))
    return false;
  if (auto splat = dyn_cast<SplatElementsAttr>(exponent))
    exponent = splat.getSplatValue<Attribute>();
  auto value = dyn_cast<FloatAttr>(exponent);
  if (!value)
    return false;
  double e = value.getValueAsDouble();
  return e == std::floor(e) && std::fabs(e) <= 8;
}

struct CPUApproximateVectorMath
    : coreai::impl::CPUApproximateVectorMathBase<CPUApproximateVectorMath> {
  void runOnOperation() override {
    auto isVectorMath = [](Operation *op) {
      return isa<math::MathDialect>(op->getDialect()) &&
             op->getNumResults() == 1 &&
             isa<VectorType>(op->getResult(0).getType());
    };
    // Integer powers first, as multiplies (upstream's algebraic
    // simplification, on these ops only: it would also turn an integer
    // ipowi with a negative exponent into a division that can trap).
    SmallVector<Operation *> powers;
    getOperation()->walk([&](math::PowFOp op) {
      if (isVectorMath(op) && hasIntegerExponent(op))
        powers.push_back(op);
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (!powers.empty()) {
      RewritePatternSet patterns(&getContext());
      populateMathAlgebraicSimplificationPatterns(patterns);
      if (failed(applyOpPatternsGreedily(powers, std::move(patterns), config)))
        return signalPassFailure();
    }
    SmallVector<Operation *> vectorMath;
    getOperation()->walk([&](Operation *op) {
      if (isVectorMath(op))
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
    populateMathF32ExpansionPatterns(patterns, approximated);
    populateMathPolynomialApproximationPatterns(patterns, approximated);
    if (failed(applyOpPatternsGreedily(vectorMath, std::move(patterns),
                                       config)))
      return signalPassFailure();
  }
};

} // namespace

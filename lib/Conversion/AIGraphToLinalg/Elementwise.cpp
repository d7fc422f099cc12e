//===- Elementwise.cpp - aigraph elementwise ops -> linalg.generic --------===//
#include "Utils.h"

using namespace mlir;

namespace coreai::aigraph {
namespace {

/// Binary ops: one generic with broadcast maps; the scalar op depends on
/// whether the element type is float or integer.
template <typename SourceOp>
struct BinaryLowering : OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;
  using Adaptor = typename SourceOp::Adaptor;

  static Value scalar(OpBuilder &b, Location loc, Value l, Value r,
                      bool isUnsigned) {
    bool isFloat = isa<FloatType>(l.getType());
    if constexpr (std::is_same_v<SourceOp, AddOp>)
      return isFloat ? (Value)arith::AddFOp::create(b, loc, l, r)
                     : (Value)arith::AddIOp::create(b, loc, l, r);
    if constexpr (std::is_same_v<SourceOp, SubOp>)
      return isFloat ? (Value)arith::SubFOp::create(b, loc, l, r)
                     : (Value)arith::SubIOp::create(b, loc, l, r);
    if constexpr (std::is_same_v<SourceOp, MulOp>)
      return isFloat ? (Value)arith::MulFOp::create(b, loc, l, r)
                     : (Value)arith::MulIOp::create(b, loc, l, r);
    if constexpr (std::is_same_v<SourceOp, DivOp>)
      return isFloat      ? (Value)arith::DivFOp::create(b, loc, l, r)
             : isUnsigned ? (Value)arith::DivUIOp::create(b, loc, l, r)
                          : (Value)arith::DivSIOp::create(b, loc, l, r);
  }

  LogicalResult
  matchAndRewrite(SourceOp op, Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    auto outType = resultType(this, op);
    bool isUnsigned = hasUnsignedOperand(op);
    Value result = buildElementwise(
        rw, op.getLoc(), outType, {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return scalar(b, loc, args[0], args[1], isUnsigned);
        });
    rw.replaceOp(op, result);
    return success();
  }
};

/// Unary float ops and clip: `fn` maps the scalar.
template <typename SourceOp>
struct UnaryLowering : OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;
  using Adaptor = typename SourceOp::Adaptor;

  static Value scalar(OpBuilder &b, Location loc, SourceOp op, Value x) {
    Type t = x.getType();
    if constexpr (std::is_same_v<SourceOp, ReluOp>)
      return arith::MaximumFOp::create(b, loc, x, scalarConstant(b, loc, t, 0));
    if constexpr (std::is_same_v<SourceOp, SigmoidOp>) {
      Value one = scalarConstant(b, loc, t, 1);
      Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
      return arith::DivFOp::create(b, loc, one,
                                   arith::AddFOp::create(b, loc, one, e));
    }
    if constexpr (std::is_same_v<SourceOp, TanhOp>)
      return math::TanhOp::create(b, loc, x);
    if constexpr (std::is_same_v<SourceOp, ErfOp>)
      return math::ErfOp::create(b, loc, x);
    if constexpr (std::is_same_v<SourceOp, ExpOp>)
      return math::ExpOp::create(b, loc, x);
    if constexpr (std::is_same_v<SourceOp, SqrtOp>)
      return math::SqrtOp::create(b, loc, x);
  }

  LogicalResult
  matchAndRewrite(SourceOp op, Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    auto outType = cast<RankedTensorType>(op.getType());
    Value result =
        buildElementwise(rw, op.getLoc(), outType, {adaptor.getInput()},
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return scalar(b, loc, op, args[0]);
                         });
    rw.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateElementwisePatterns(const TypeConverter &converter,
                      RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryLowering<AddOp>, BinaryLowering<SubOp>,
               BinaryLowering<MulOp>, BinaryLowering<DivOp>>(converter, ctx);
  patterns.add<UnaryLowering<ReluOp>, UnaryLowering<SigmoidOp>,
               UnaryLowering<TanhOp>, UnaryLowering<ErfOp>,
               UnaryLowering<ExpOp>, UnaryLowering<SqrtOp>>(converter, ctx);
}

} // namespace coreai::aigraph

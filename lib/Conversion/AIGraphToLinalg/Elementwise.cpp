//===- Elementwise.cpp - aigraph elementwise ops -> linalg.generic --------===//
//
// Every elementwise op (arithmetic, math, activations, logic, comparisons,
// casts, Where, Clip) is one linalg.generic over the broadcast result; only
// the scalar computation differs, so each op contributes an `emitScalar`
// specialization (and an `emitScalarU` one where unsigned integers differ)
// and shares one pattern, ScalarOpLowering.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace coreai::aigraph {
namespace {

bool isF(Value v) { return isa<FloatType>(v.getType()); }
Value cst(OpBuilder &b, Location l, Value like, double v) {
  return scalarConstant(b, l, like.getType(), v);
}
Value cmpF(OpBuilder &b, Location l, arith::CmpFPredicate p, Value x, Value y) {
  return arith::CmpFOp::create(b, l, p, x, y);
}
Value select(OpBuilder &b, Location l, Value c, Value x, Value y) {
  return arith::SelectOp::create(b, l, c, x, y);
}
Value softplus(OpBuilder &b, Location l, Value x) {
  return math::Log1pOp::create(b, l, math::ExpOp::create(b, l, x));
}

template <typename Op>
Value emitScalar(OpBuilder &b, Location l, Op op, ValueRange a);

// Arithmetic on integers or floats (unsigned division: emitScalarU).
#define INT_OR_FLOAT_BINARY(OP, FLOAT, INT)                                    \
  template <> Value emitScalar(OpBuilder &b, Location l, OP, ValueRange a) {   \
    return isF(a[0]) ? (Value)FLOAT::create(b, l, a[0], a[1])                  \
                     : (Value)INT::create(b, l, a[0], a[1]);                   \
  }
INT_OR_FLOAT_BINARY(AddOp, arith::AddFOp, arith::AddIOp)
INT_OR_FLOAT_BINARY(SubOp, arith::SubFOp, arith::SubIOp)
INT_OR_FLOAT_BINARY(MulOp, arith::MulFOp, arith::MulIOp)
INT_OR_FLOAT_BINARY(DivOp, arith::DivFOp, arith::DivSIOp)
#undef INT_OR_FLOAT_BINARY

#define FLOAT_UNARY(OP, MATH)                                                  \
  template <> Value emitScalar(OpBuilder &b, Location l, OP, ValueRange a) {   \
    return MATH::create(b, l, a[0]);                                           \
  }
FLOAT_UNARY(TanhOp, math::TanhOp)
FLOAT_UNARY(ErfOp, math::ErfOp)
FLOAT_UNARY(ExpOp, math::ExpOp)
FLOAT_UNARY(SqrtOp, math::SqrtOp)
FLOAT_UNARY(CeilOp, math::CeilOp)
FLOAT_UNARY(FloorOp, math::FloorOp)
FLOAT_UNARY(RoundOp, math::RoundEvenOp)
FLOAT_UNARY(LogOp, math::LogOp)
FLOAT_UNARY(SinOp, math::SinOp)
FLOAT_UNARY(CosOp, math::CosOp)
FLOAT_UNARY(TanOp, math::TanOp)
FLOAT_UNARY(AsinOp, math::AsinOp)
FLOAT_UNARY(AcosOp, math::AcosOp)
FLOAT_UNARY(AtanOp, math::AtanOp)
FLOAT_UNARY(SinhOp, math::SinhOp)
FLOAT_UNARY(CoshOp, math::CoshOp)
FLOAT_UNARY(AsinhOp, math::AsinhOp)
FLOAT_UNARY(AcoshOp, math::AcoshOp)
FLOAT_UNARY(AtanhOp, math::AtanhOp)
#undef FLOAT_UNARY

template <> Value emitScalar(OpBuilder &b, Location l, ReluOp, ValueRange a) {
  return arith::MaximumFOp::create(b, l, a[0], cst(b, l, a[0], 0));
}
template <>
Value emitScalar(OpBuilder &b, Location l, SigmoidOp, ValueRange a) {
  Value one = cst(b, l, a[0], 1);
  Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, a[0]));
  return arith::DivFOp::create(b, l, one, arith::AddFOp::create(b, l, one, e));
}
template <>
Value emitScalar(OpBuilder &b, Location l, ReciprocalOp, ValueRange a) {
  return arith::DivFOp::create(b, l, cst(b, l, a[0], 1), a[0]);
}
template <>
Value emitScalar(OpBuilder &b, Location l, SoftplusOp, ValueRange a) {
  return softplus(b, l, a[0]);
}
template <>
Value emitScalar(OpBuilder &b, Location l, SoftsignOp, ValueRange a) {
  Value d = arith::AddFOp::create(b, l, cst(b, l, a[0], 1),
                                  math::AbsFOp::create(b, l, a[0]));
  return arith::DivFOp::create(b, l, a[0], d);
}
template <> Value emitScalar(OpBuilder &b, Location l, MishOp, ValueRange a) {
  return arith::MulFOp::create(
      b, l, a[0], math::TanhOp::create(b, l, softplus(b, l, a[0])));
}
template <>
Value emitScalar(OpBuilder &b, Location l, HardSwishOp, ValueRange a) {
  Value x = a[0];
  Value t = arith::AddFOp::create(
      b, l, arith::MulFOp::create(b, l, x, cst(b, l, x, 1.0 / 6.0)),
      cst(b, l, x, 0.5));
  t = arith::MinimumFOp::create(
      b, l, arith::MaximumFOp::create(b, l, t, cst(b, l, x, 0)),
      cst(b, l, x, 1));
  return arith::MulFOp::create(b, l, x, t);
}
template <> Value emitScalar(OpBuilder &b, Location l, GeluOp, ValueRange a) {
  Value x = a[0];
  Value e = math::ErfOp::create(
      b, l, arith::MulFOp::create(b, l, x, cst(b, l, x, M_SQRT1_2)));
  Value h = arith::MulFOp::create(b, l, x, cst(b, l, x, 0.5));
  return arith::MulFOp::create(b, l, h,
                               arith::AddFOp::create(b, l, e, cst(b, l, x, 1)));
}
template <>
Value emitScalar(OpBuilder &b, Location l, GeluTanhOp, ValueRange a) {
  Value x = a[0];
  Value x3 = arith::MulFOp::create(b, l, x, arith::MulFOp::create(b, l, x, x));
  Value inner = arith::AddFOp::create(
      b, l, x, arith::MulFOp::create(b, l, x3, cst(b, l, x, 0.044715)));
  Value t = math::TanhOp::create(
      b, l,
      arith::MulFOp::create(b, l, inner, cst(b, l, x, std::sqrt(2.0 / M_PI))));
  Value h = arith::MulFOp::create(b, l, x, cst(b, l, x, 0.5));
  return arith::MulFOp::create(b, l, h,
                               arith::AddFOp::create(b, l, t, cst(b, l, x, 1)));
}
template <> Value emitScalar(OpBuilder &b, Location l, AbsOp, ValueRange a) {
  return isF(a[0]) ? (Value)math::AbsFOp::create(b, l, a[0])
                   : (Value)math::AbsIOp::create(b, l, a[0]);
}
template <> Value emitScalar(OpBuilder &b, Location l, NegOp, ValueRange a) {
  return isF(a[0])
             ? (Value)arith::NegFOp::create(b, l, a[0])
             : (Value)arith::SubIOp::create(b, l, cst(b, l, a[0], 0), a[0]);
}
template <> Value emitScalar(OpBuilder &b, Location l, SignOp, ValueRange a) {
  Value x = a[0], zero = cst(b, l, x, 0), one = cst(b, l, x, 1),
        minus = cst(b, l, x, -1);
  Value pos, neg;
  if (isF(x)) {
    pos = cmpF(b, l, arith::CmpFPredicate::OGT, x, zero);
    neg = cmpF(b, l, arith::CmpFPredicate::OLT, x, zero);
  } else {
    pos = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, x, zero);
    neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, x, zero);
  }
  return select(b, l, pos, one, select(b, l, neg, minus, zero));
}
template <> Value emitScalar(OpBuilder &b, Location l, NotOp, ValueRange a) {
  return arith::XOrIOp::create(b, l, a[0], cst(b, l, a[0], 1));
}
template <>
Value emitScalar(OpBuilder &b, Location l, BitwiseNotOp, ValueRange a) {
  return arith::XOrIOp::create(b, l, a[0], cst(b, l, a[0], -1));
}

// Parametric activations.
template <>
Value emitScalar(OpBuilder &b, Location l, LeakyReluOp op, ValueRange a) {
  Value x = a[0];
  Value neg = cmpF(b, l, arith::CmpFPredicate::OLT, x, cst(b, l, x, 0));
  Value scaled = arith::MulFOp::create(
      b, l, x, cst(b, l, x, op.getAlpha().convertToDouble()));
  return select(b, l, neg, scaled, x);
}
Value expm1Scaled(OpBuilder &b, Location l, Value x, double alpha) {
  Value e = math::ExpM1Op::create(b, l, x);
  return arith::MulFOp::create(b, l, e, cst(b, l, x, alpha));
}
template <> Value emitScalar(OpBuilder &b, Location l, EluOp op, ValueRange a) {
  Value x = a[0];
  Value neg = cmpF(b, l, arith::CmpFPredicate::OLT, x, cst(b, l, x, 0));
  return select(b, l, neg,
                expm1Scaled(b, l, x, op.getAlpha().convertToDouble()), x);
}
template <>
Value emitScalar(OpBuilder &b, Location l, SeluOp op, ValueRange a) {
  Value x = a[0];
  Value neg = cmpF(b, l, arith::CmpFPredicate::OLE, x, cst(b, l, x, 0));
  Value v = select(b, l, neg,
                   expm1Scaled(b, l, x, op.getAlpha().convertToDouble()), x);
  return arith::MulFOp::create(b, l, v,
                               cst(b, l, x, op.getBeta().convertToDouble()));
}
template <>
Value emitScalar(OpBuilder &b, Location l, CeluOp op, ValueRange a) {
  Value x = a[0];
  double alpha = op.getAlpha().convertToDouble();
  Value scaled = arith::DivFOp::create(b, l, x, cst(b, l, x, alpha));
  Value neg = arith::MinimumFOp::create(b, l, cst(b, l, x, 0),
                                        expm1Scaled(b, l, scaled, alpha));
  return arith::AddFOp::create(
      b, l, arith::MaximumFOp::create(b, l, x, cst(b, l, x, 0)), neg);
}
template <>
Value emitScalar(OpBuilder &b, Location l, HardSigmoidOp op, ValueRange a) {
  Value x = a[0];
  Value t = arith::AddFOp::create(
      b, l,
      arith::MulFOp::create(b, l, x,
                            cst(b, l, x, op.getAlpha().convertToDouble())),
      cst(b, l, x, op.getBeta().convertToDouble()));
  return arith::MinimumFOp::create(
      b, l, arith::MaximumFOp::create(b, l, t, cst(b, l, x, 0)),
      cst(b, l, x, 1));
}
template <>
Value emitScalar(OpBuilder &b, Location l, ThresholdedReluOp op, ValueRange a) {
  Value x = a[0];
  Value gt = cmpF(b, l, arith::CmpFPredicate::OGT, x,
                  cst(b, l, x, op.getAlpha().convertToDouble()));
  return select(b, l, gt, x, cst(b, l, x, 0));
}
template <>
Value emitScalar(OpBuilder &b, Location l, ShrinkOp op, ValueRange a) {
  Value x = a[0];
  double bias = op.getAlpha().convertToDouble();
  double lambd = op.getBeta().convertToDouble();
  Value lo = cmpF(b, l, arith::CmpFPredicate::OLT, x, cst(b, l, x, -lambd));
  Value hi = cmpF(b, l, arith::CmpFPredicate::OGT, x, cst(b, l, x, lambd));
  Value plus = arith::AddFOp::create(b, l, x, cst(b, l, x, bias));
  Value minus = arith::SubFOp::create(b, l, x, cst(b, l, x, bias));
  return select(b, l, lo, plus, select(b, l, hi, minus, cst(b, l, x, 0)));
}
template <> Value emitScalar(OpBuilder &b, Location l, IsNaNOp, ValueRange a) {
  return cmpF(b, l, arith::CmpFPredicate::UNO, a[0], a[0]);
}
template <>
Value emitScalar(OpBuilder &b, Location l, IsInfOp op, ValueRange a) {
  Value x = a[0];
  Value pos = cmpF(b, l, arith::CmpFPredicate::OEQ, x, cst(b, l, x, INFINITY));
  Value neg = cmpF(b, l, arith::CmpFPredicate::OEQ, x, cst(b, l, x, -INFINITY));
  Value none = scalarConstant(b, l, b.getI1Type(), 0);
  return arith::OrIOp::create(b, l, op.getPositive() ? pos : none,
                              op.getNegative() ? neg : none);
}

// Binary.
template <> Value emitScalar(OpBuilder &b, Location l, PowOp, ValueRange a) {
  Value x = a[0], y = a[1];
  if (!isF(x) && !isF(y)) {
    if (x.getType() != y.getType())
      y = castScalar(b, l, y, x.getType());
    return math::IPowIOp::create(b, l, x, y);
  }
  Type resultType = x.getType();
  Type ft = isF(x) ? x.getType() : y.getType();
  Value r = math::PowFOp::create(b, l, castScalar(b, l, x, ft),
                                 castScalar(b, l, y, ft));
  return castScalar(b, l, r, resultType);
}
template <> Value emitScalar(OpBuilder &b, Location l, MaxOp, ValueRange a) {
  return isF(a[0]) ? (Value)arith::MaximumFOp::create(b, l, a[0], a[1])
                   : (Value)arith::MaxSIOp::create(b, l, a[0], a[1]);
}
template <> Value emitScalar(OpBuilder &b, Location l, MinOp, ValueRange a) {
  return isF(a[0]) ? (Value)arith::MinimumFOp::create(b, l, a[0], a[1])
                   : (Value)arith::MinSIOp::create(b, l, a[0], a[1]);
}
template <> Value emitScalar(OpBuilder &b, Location l, FModOp, ValueRange a) {
  return isF(a[0]) ? (Value)arith::RemFOp::create(b, l, a[0], a[1])
                   : (Value)arith::RemSIOp::create(b, l, a[0], a[1]);
}
template <> Value emitScalar(OpBuilder &b, Location l, ModOp, ValueRange a) {
  // Python-style modulo: the result takes the divisor's sign.
  Value x = a[0], y = a[1], zero = cst(b, l, x, 0);
  if (isF(x)) {
    Value r = arith::RemFOp::create(b, l, x, y);
    Value rNeg = cmpF(b, l, arith::CmpFPredicate::OLT, r, zero);
    Value yNeg = cmpF(b, l, arith::CmpFPredicate::OLT, y, zero);
    Value rNonZero = cmpF(b, l, arith::CmpFPredicate::ONE, r, zero);
    Value fix = arith::AndIOp::create(b, l, rNonZero,
                                      arith::XOrIOp::create(b, l, rNeg, yNeg));
    return select(b, l, fix, arith::AddFOp::create(b, l, r, y), r);
  }
  Value r = arith::RemSIOp::create(b, l, x, y);
  Value rNeg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, r, zero);
  Value yNeg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, y, zero);
  Value rNonZero =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, r, zero);
  Value fix = arith::AndIOp::create(b, l, rNonZero,
                                    arith::XOrIOp::create(b, l, rNeg, yNeg));
  return select(b, l, fix, arith::AddIOp::create(b, l, r, y), r);
}
template <> Value emitScalar(OpBuilder &b, Location l, PReluOp, ValueRange a) {
  Value x = a[0];
  if (!isF(x)) {
    Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, x,
                                      cst(b, l, x, 0));
    return select(b, l, neg, arith::MulIOp::create(b, l, x, a[1]), x);
  }
  Value neg = cmpF(b, l, arith::CmpFPredicate::OLT, x, cst(b, l, x, 0));
  return select(b, l, neg, arith::MulFOp::create(b, l, x, a[1]), x);
}
#define INT_BINARY(OP, ARITH)                                                  \
  template <> Value emitScalar(OpBuilder &b, Location l, OP, ValueRange a) {   \
    return ARITH::create(b, l, a[0], a[1]);                                    \
  }
INT_BINARY(AndOp, arith::AndIOp)
INT_BINARY(OrOp, arith::OrIOp)
INT_BINARY(XorOp, arith::XOrIOp)
INT_BINARY(BitwiseAndOp, arith::AndIOp)
INT_BINARY(BitwiseOrOp, arith::OrIOp)
INT_BINARY(BitwiseXorOp, arith::XOrIOp)
INT_BINARY(ShiftLeftOp, arith::ShLIOp)
INT_BINARY(ShiftRightOp, arith::ShRUIOp)
#undef INT_BINARY

#define COMPARE(OP, FPRED, IPRED)                                              \
  template <> Value emitScalar(OpBuilder &b, Location l, OP, ValueRange a) {   \
    if (isF(a[0]))                                                             \
      return cmpF(b, l, arith::CmpFPredicate::FPRED, a[0], a[1]);              \
    return arith::CmpIOp::create(b, l, arith::CmpIPredicate::IPRED, a[0],      \
                                 a[1]);                                        \
  }
COMPARE(EqualOp, OEQ, eq)
COMPARE(LessOp, OLT, slt)
COMPARE(LessEqualOp, OLE, sle)
COMPARE(GreaterOp, OGT, sgt)
COMPARE(GreaterEqualOp, OGE, sge)
#undef COMPARE

template <> Value emitScalar(OpBuilder &b, Location l, WhereOp, ValueRange a) {
  return select(b, l, a[0], a[1], a[2]);
}
template <>
Value emitScalar(OpBuilder &b, Location l, CastOp op, ValueRange a) {
  return castElement(b, l, a[0], getElementTypeOrSelf(op.getInput().getType()),
                     op.getTo(), op.getSaturate(), op.getRoundMode());
}
template <>
Value emitScalar(OpBuilder &b, Location l, BitcastOp op, ValueRange a) {
  Type from = a[0].getType();
  Type to = op.getTo();
  if (to.isUnsignedInteger())
    to = b.getIntegerType(to.getIntOrFloatBitWidth());
  if (from == to)
    return a[0];
  // bool is a byte holding 0 or 1, and only such bytes are valid bools.
  if (from.isInteger(1))
    return arith::ExtUIOp::create(b, l, to, a[0]);
  if (to.isInteger(1))
    return arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, a[0],
                                 scalarConstant(b, l, from, 0));
  return arith::BitcastOp::create(b, l, to, a[0]);
}
template <>
Value emitScalar(OpBuilder &b, Location l, ClipOp op, ValueRange a) {
  Value x = a[0];
  unsigned next = 1;
  if (op.getMin()) {
    Value lo = a[next++];
    x = isF(x) ? (Value)arith::MaximumFOp::create(b, l, x, lo)
               : (Value)arith::MaxSIOp::create(b, l, x, lo);
  }
  if (op.getMax()) {
    Value hi = a[next++];
    x = isF(x) ? (Value)arith::MinimumFOp::create(b, l, x, hi)
               : (Value)arith::MinSIOp::create(b, l, x, hi);
  }
  return x;
}

template <> Value emitScalar(OpBuilder &, Location, ExpandOp, ValueRange a) {
  return a[0];
}

/// Ops whose integer semantics depend on signedness override this; the
/// rest compute the same bits either way.
template <typename Op>
Value emitScalarU(OpBuilder &b, Location l, Op op, ValueRange a, bool uns) {
  return emitScalar(b, l, op, a);
}
#define UNSIGNED_BINARY(OP, ARITH)                                             \
  template <>                                                                  \
  Value emitScalarU(OpBuilder &b, Location l, OP op, ValueRange a, bool uns) { \
    if (!uns)                                                                  \
      return emitScalar(b, l, op, a);                                          \
    return ARITH::create(b, l, a[0], a[1]);                                    \
  }
UNSIGNED_BINARY(DivOp, arith::DivUIOp)
UNSIGNED_BINARY(MaxOp, arith::MaxUIOp)
UNSIGNED_BINARY(MinOp, arith::MinUIOp)
UNSIGNED_BINARY(ModOp, arith::RemUIOp)
UNSIGNED_BINARY(FModOp, arith::RemUIOp)
#undef UNSIGNED_BINARY
#define UNSIGNED_COMPARE(OP, PRED)                                             \
  template <>                                                                  \
  Value emitScalarU(OpBuilder &b, Location l, OP op, ValueRange a, bool uns) { \
    if (!uns)                                                                  \
      return emitScalar(b, l, op, a);                                          \
    return arith::CmpIOp::create(b, l, arith::CmpIPredicate::PRED, a[0],       \
                                 a[1]);                                        \
  }
UNSIGNED_COMPARE(LessOp, ult)
UNSIGNED_COMPARE(LessEqualOp, ule)
UNSIGNED_COMPARE(GreaterOp, ugt)
UNSIGNED_COMPARE(GreaterEqualOp, uge)
#undef UNSIGNED_COMPARE
template <>
Value emitScalarU(OpBuilder &b, Location l, AbsOp op, ValueRange a, bool uns) {
  return uns ? a[0] : emitScalar(b, l, op, a);
}
template <>
Value emitScalarU(OpBuilder &b, Location l, SignOp op, ValueRange a, bool uns) {
  if (!uns)
    return emitScalar(b, l, op, a);
  Value nonZero = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, a[0],
                                        cst(b, l, a[0], 0));
  return arith::ExtUIOp::create(b, l, a[0].getType(), nonZero);
}
template <>
Value emitScalarU(OpBuilder &b, Location l, ClipOp op, ValueRange a, bool uns) {
  if (!uns)
    return emitScalar(b, l, op, a);
  Value x = a[0];
  unsigned next = 1;
  if (op.getMin())
    x = arith::MaxUIOp::create(b, l, x, a[next++]);
  if (op.getMax())
    x = arith::MinUIOp::create(b, l, x, a[next++]);
  return x;
}

/// The shared pattern: operands (scalar bounds reshaped to rank 0) feed one
/// broadcasting generic whose body is `emitScalar`.
template <typename Op> struct ScalarOpLowering : OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;
  LogicalResult matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    auto outType = resultType(this, op);
    bool uns = hasUnsignedOperand(op);
    SmallVector<Value> inputs;
    for (Value v : adaptor.getOperands()) {
      auto t = cast<RankedTensorType>(v.getType());
      // One-element operands of higher rank than the result (Clip bounds)
      // are read as scalars.
      if (t.getRank() > outType.getRank())
        v = reshapeTo(rw, op.getLoc(), v, {});
      inputs.push_back(v);
    }
    Value result =
        buildElementwise(rw, op.getLoc(), outType, inputs,
                         [&](OpBuilder &b, Location l, ValueRange args) {
                           return emitScalarU(b, l, op, args, uns);
                         });
    rw.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateElementwisePatterns(const TypeConverter &converter,
                                 RewritePatternSet &patterns) {
  patterns.add<ScalarOpLowering<AddOp>, ScalarOpLowering<SubOp>,
               ScalarOpLowering<MulOp>, ScalarOpLowering<DivOp>,
               ScalarOpLowering<ReluOp>, ScalarOpLowering<SigmoidOp>,
               ScalarOpLowering<TanhOp>, ScalarOpLowering<ErfOp>,
               ScalarOpLowering<ExpOp>, ScalarOpLowering<SqrtOp>,
               ScalarOpLowering<CeilOp>, ScalarOpLowering<FloorOp>,
               ScalarOpLowering<RoundOp>, ScalarOpLowering<ReciprocalOp>,
               ScalarOpLowering<LogOp>, ScalarOpLowering<SinOp>,
               ScalarOpLowering<CosOp>, ScalarOpLowering<TanOp>,
               ScalarOpLowering<AsinOp>, ScalarOpLowering<AcosOp>,
               ScalarOpLowering<AtanOp>, ScalarOpLowering<SinhOp>,
               ScalarOpLowering<CoshOp>, ScalarOpLowering<AsinhOp>,
               ScalarOpLowering<AcoshOp>, ScalarOpLowering<AtanhOp>,
               ScalarOpLowering<SoftplusOp>, ScalarOpLowering<SoftsignOp>,
               ScalarOpLowering<MishOp>, ScalarOpLowering<HardSwishOp>,
               ScalarOpLowering<GeluOp>, ScalarOpLowering<GeluTanhOp>,
               ScalarOpLowering<AbsOp>, ScalarOpLowering<NegOp>,
               ScalarOpLowering<SignOp>, ScalarOpLowering<NotOp>,
               ScalarOpLowering<BitwiseNotOp>, ScalarOpLowering<LeakyReluOp>,
               ScalarOpLowering<EluOp>, ScalarOpLowering<SeluOp>,
               ScalarOpLowering<CeluOp>, ScalarOpLowering<HardSigmoidOp>,
               ScalarOpLowering<ThresholdedReluOp>, ScalarOpLowering<ShrinkOp>,
               ScalarOpLowering<IsNaNOp>, ScalarOpLowering<IsInfOp>,
               ScalarOpLowering<PowOp>, ScalarOpLowering<MaxOp>,
               ScalarOpLowering<MinOp>, ScalarOpLowering<ModOp>,
               ScalarOpLowering<FModOp>, ScalarOpLowering<PReluOp>,
               ScalarOpLowering<AndOp>, ScalarOpLowering<OrOp>,
               ScalarOpLowering<XorOp>, ScalarOpLowering<BitwiseAndOp>,
               ScalarOpLowering<BitwiseOrOp>, ScalarOpLowering<BitwiseXorOp>,
               ScalarOpLowering<ShiftLeftOp>, ScalarOpLowering<ShiftRightOp>,
               ScalarOpLowering<EqualOp>, ScalarOpLowering<LessOp>,
               ScalarOpLowering<LessEqualOp>, ScalarOpLowering<GreaterOp>,
               ScalarOpLowering<GreaterEqualOp>, ScalarOpLowering<WhereOp>,
               ScalarOpLowering<CastOp>, ScalarOpLowering<BitcastOp>,
               ScalarOpLowering<ClipOp>, ScalarOpLowering<ExpandOp>>(
      converter, patterns.getContext());
}

} // namespace coreai::aigraph

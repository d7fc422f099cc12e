//===- Reductions.cpp - reductions and arg max/min -> linalg.generic ------===//
#include "Utils.h"

#include <cmath>

using namespace mlir;

namespace coreai::aigraph {
namespace {

bool isF(Type t) { return isa<FloatType>(t); }

/// Lowest / highest value of a type (-inf/+inf for floats).
double lowest(Type t) {
  if (isF(t))
    return -INFINITY;
  return t.isInteger(1) ? 0 : -std::ldexp(1.0, t.getIntOrFloatBitWidth() - 1);
}
double highest(Type t) {
  if (isF(t))
    return INFINITY;
  return t.isInteger(1) ? 1
                        : std::ldexp(1.0, t.getIntOrFloatBitWidth() - 1) - 1;
}

Value add(OpBuilder &b, Location l, Value x, Value y) {
  return isF(x.getType()) ? (Value)arith::AddFOp::create(b, l, x, y)
                          : (Value)arith::AddIOp::create(b, l, x, y);
}
Value mul(OpBuilder &b, Location l, Value x, Value y) {
  return isF(x.getType()) ? (Value)arith::MulFOp::create(b, l, x, y)
                          : (Value)arith::MulIOp::create(b, l, x, y);
}

/// Elementwise map over a (reduced) tensor.
Value mapTensor(OpBuilder &b, Location loc, Value v,
                function_ref<Value(OpBuilder &, Location, Value)> fn) {
  auto type = cast<RankedTensorType>(v.getType());
  return buildElementwise(b, loc, type, {v},
                          [&](OpBuilder &nb, Location l, ValueRange a) {
                            return fn(nb, l, a[0]);
                          });
}

template <typename Op>
struct ReduceLowering : OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    Type et = inType.getElementType();
    SmallVector<int64_t> axes(op.getAxes());
    int64_t count = 1;
    for (int64_t a : axes)
      count *= inType.getDimSize(a);
    auto sum = [&](function_ref<Value(OpBuilder &, Location, Value)> pre) {
      return buildReduction(rw, loc, x, axes, 0.0,
                            [&](OpBuilder &b, Location l, ValueRange a) {
                              return add(b, l, a[0], pre(b, l, a[1]));
                            });
    };
    auto ident = [](OpBuilder &, Location, Value v) { return v; };
    auto square = [](OpBuilder &b, Location l, Value v) {
      return mul(b, l, v, v);
    };
    Value r;
    if constexpr (std::is_same_v<Op, ReduceSumOp>) {
      r = sum(ident);
    } else if constexpr (std::is_same_v<Op, ReduceMeanOp>) {
      r = mapTensor(rw, loc, sum(ident), [&](OpBuilder &b, Location l, Value v) {
        Value n = scalarConstant(b, l, et, (double)count);
        return isF(et) ? (Value)arith::DivFOp::create(b, l, v, n)
                       : (Value)arith::DivSIOp::create(b, l, v, n);
      });
    } else if constexpr (std::is_same_v<Op, ReduceMaxOp> ||
                         std::is_same_v<Op, ReduceMinOp>) {
      if (et.isInteger(1)) {
        // bool: max is any (or), min is all (and); signed i1 compares
        // would order true (-1) below false.
        constexpr bool isMax = std::is_same_v<Op, ReduceMaxOp>;
        r = buildReduction(rw, loc, x, axes, isMax ? 0.0 : 1.0,
                           [&](OpBuilder &b, Location l, ValueRange a) {
                             return isMax ? (Value)arith::OrIOp::create(
                                                b, l, a[0], a[1])
                                          : (Value)arith::AndIOp::create(
                                                b, l, a[0], a[1]);
                           });
      } else if constexpr (std::is_same_v<Op, ReduceMaxOp>)
      r = buildReduction(rw, loc, x, axes, lowest(et),
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           return isF(et) ? (Value)arith::MaximumFOp::create(
                                                b, l, a[0], a[1])
                                          : (Value)arith::MaxSIOp::create(
                                                b, l, a[0], a[1]);
                         });
      else
      r = buildReduction(rw, loc, x, axes, highest(et),
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           return isF(et) ? (Value)arith::MinimumFOp::create(
                                                b, l, a[0], a[1])
                                          : (Value)arith::MinSIOp::create(
                                                b, l, a[0], a[1]);
                         });
    } else if constexpr (std::is_same_v<Op, ReduceProdOp>) {
      r = buildReduction(rw, loc, x, axes, 1.0,
                         [&](OpBuilder &b, Location l, ValueRange a) {
                           return mul(b, l, a[0], a[1]);
                         });
    } else if constexpr (std::is_same_v<Op, ReduceL1Op>) {
      r = sum([](OpBuilder &b, Location l, Value v) -> Value {
        return isF(v.getType()) ? (Value)math::AbsFOp::create(b, l, v)
                                : (Value)math::AbsIOp::create(b, l, v);
      });
    } else if constexpr (std::is_same_v<Op, ReduceSumSquareOp>) {
      r = sum(square);
    } else if constexpr (std::is_same_v<Op, ReduceL2Op>) {
      if (!isF(et))
        return rw.notifyMatchFailure(op, "integer ReduceL2");
      r = mapTensor(rw, loc, sum(square), [](OpBuilder &b, Location l, Value v) {
        return math::SqrtOp::create(b, l, v);
      });
    } else if constexpr (std::is_same_v<Op, ReduceLogSumOp>) {
      if (!isF(et))
        return rw.notifyMatchFailure(op, "integer ReduceLogSum");
      r = mapTensor(rw, loc, sum(ident), [](OpBuilder &b, Location l, Value v) {
        return math::LogOp::create(b, l, v);
      });
    } else if constexpr (std::is_same_v<Op, ReduceLogSumExpOp>) {
      if (!isF(et))
        return rw.notifyMatchFailure(op, "integer ReduceLogSumExp");
      // log(sum(exp(x - m))) + m with m the max, so exp cannot overflow.
      Value m = buildReduction(
          rw, loc, x, axes, -INFINITY,
          [](OpBuilder &b, Location l, ValueRange a) -> Value {
            return arith::MaximumFOp::create(b, l, a[0], a[1]);
          });
      // An all -inf (or empty) slice keeps m finite for the subtraction.
      Value safeM = mapTensor(rw, loc, m, [](OpBuilder &b, Location l, Value v) {
        Value isInf = arith::CmpFOp::create(
            b, l, arith::CmpFPredicate::OEQ, math::AbsFOp::create(b, l, v),
            scalarConstant(b, l, v.getType(), INFINITY));
        return arith::SelectOp::create(
            b, l, isInf, scalarConstant(b, l, v.getType(), 0), v);
      });
      Value mFull = reshapeKeep(rw, loc, safeM, inType, axes);
      Value e = buildElementwise(
          rw, loc, inType, {x, mFull},
          [](OpBuilder &b, Location l, ValueRange a) -> Value {
            return math::ExpOp::create(
                b, l, arith::SubFOp::create(b, l, a[0], a[1]));
          });
      Value s = buildReduction(rw, loc, e, axes, 0.0,
                               [](OpBuilder &b, Location l, ValueRange a) {
                                 return add(b, l, a[0], a[1]);
                               });
      auto sType = cast<RankedTensorType>(s.getType());
      r = buildElementwise(rw, loc, sType, {s, safeM},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return arith::AddFOp::create(
                                 b, l, math::LogOp::create(b, l, a[0]), a[1]);
                           });
    }
    auto outType = cast<RankedTensorType>(op.getType());
    rw.replaceOp(op, reshapeTo(rw, loc, r, outType.getShape()));
    return success();
  }

  /// The reduced tensor with the reduced dims restored as size 1, so it
  /// broadcasts against the input.
  static Value reshapeKeep(OpBuilder &b, Location loc, Value reduced,
                           RankedTensorType inType, ArrayRef<int64_t> axes) {
    SmallVector<int64_t> shape(inType.getShape());
    for (int64_t a : axes)
      shape[a] = 1;
    return reshapeTo(b, loc, reduced, shape);
  }
};

/// Arg max/min: a reduction carrying (best value, its index).
template <typename Op>
struct ArgLowering : OpConversionPattern<Op> {
  using OpConversionPattern<Op>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    constexpr bool isMax = std::is_same_v<Op, ArgMaxOp>;
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    Value x = adaptor.getInput();
    auto inType = cast<RankedTensorType>(x.getType());
    Type et = inType.getElementType();
    int64_t axis = op.getAxis(), rank = inType.getRank();
    bool last = op.getSelectLastIndex();
    ReductionSpace space = reductionSpace(inType, {axis});
    Value bestInit = filledTensor(rw, loc, space.outShape, et,
                                  isMax ? lowest(et) : highest(et));
    Value idxInit = filledTensor(rw, loc, space.outShape, rw.getI64Type(), 0);
    AffineMap outMap = AffineMap::get(rank, 0, space.outExprs, ctx);
    SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(rank, ctx),
                                outMap, outMap};
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{bestInit.getType(), idxInit.getType()},
        ValueRange{x}, ValueRange{bestInit, idxInit}, maps, space.iterators,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value v = a[0], best = a[1], bestIdx = a[2];
          Value i = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isF(et)) {
            auto pred = isMax ? (last ? arith::CmpFPredicate::OGE
                                      : arith::CmpFPredicate::OGT)
                              : (last ? arith::CmpFPredicate::OLE
                                      : arith::CmpFPredicate::OLT);
            better = arith::CmpFOp::create(b, l, pred, v, best);
          } else {
            auto pred = isMax ? (last ? arith::CmpIPredicate::sge
                                      : arith::CmpIPredicate::sgt)
                              : (last ? arith::CmpIPredicate::sle
                                      : arith::CmpIPredicate::slt);
            better = arith::CmpIOp::create(b, l, pred, v, best);
          }
          // The first element always counts, so an all -inf/+inf slice
          // still reports index 0.
          Value first = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, i,
              scalarConstant(b, l, b.getI64Type(), 0));
          better = arith::OrIOp::create(b, l, better, first);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, v, best),
                         arith::SelectOp::create(b, l, better, i, bestIdx)});
        });
    auto outType = cast<RankedTensorType>(op.getType());
    rw.replaceOp(op, reshapeTo(rw, loc, generic.getResult(1),
                               outType.getShape()));
    return success();
  }
};

} // namespace

void populateReductionPatterns(const TypeConverter &converter,
                      RewritePatternSet &patterns) {
  patterns.add<ReduceLowering<ReduceSumOp>, ReduceLowering<ReduceMeanOp>,
               ReduceLowering<ReduceMaxOp>, ReduceLowering<ReduceMinOp>,
               ReduceLowering<ReduceProdOp>, ReduceLowering<ReduceL1Op>,
               ReduceLowering<ReduceL2Op>, ReduceLowering<ReduceSumSquareOp>,
               ReduceLowering<ReduceLogSumOp>,
               ReduceLowering<ReduceLogSumExpOp>, ArgLowering<ArgMaxOp>,
               ArgLowering<ArgMinOp>>(converter, patterns.getContext());
}

} // namespace coreai::aigraph

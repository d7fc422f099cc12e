//===- Normalization.cpp - softmax and normalizations -> linalg -----------===//
//
// Each becomes a few linalg.generic ops: reductions over the normalized dims
// and elementwise ops that read the reduced values through projected maps.
// Upstream's linalg.softmax is not used because its decomposition is only
// reachable through the transform dialect in MLIR 22.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

using namespace mlir;

namespace coreai::aigraph {
namespace {

/// The map from an iteration space of `rank` dims to the dims not in
/// `reduced` (how a reduced tensor is read back in the full space).
AffineMap projectedMap(MLIRContext *ctx, int64_t rank,
                       ArrayRef<int64_t> reduced) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    if (!llvm::is_contained(reduced, i))
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// A generic over the full space of `full` that reads `full` (identity) and
/// `partials` (projected) and writes either a full tensor (`reduceInto` null)
/// or accumulates into `reduceInto` (projected, reduction iterators).
Value buildNormGeneric(OpBuilder &b, Location loc, Value full,
                       ValueRange partials, ArrayRef<int64_t> reduced,
                       Value reduceInto, BodyBuilder body) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(full.getType());
  int64_t rank = type.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap proj = projectedMap(ctx, rank, reduced);
  SmallVector<Value> inputs{full};
  llvm::append_range(inputs, partials);
  SmallVector<AffineMap> maps{id};
  maps.append(partials.size(), proj);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value init = reduceInto;
  if (reduceInto) {
    maps.push_back(proj);
    for (int64_t d : reduced)
      iters[d] = utils::IteratorType::reduction;
  } else {
    maps.push_back(id);
    init = emptyTensor(b, loc, type.getShape(), type.getElementType());
  }
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
             iters,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
             })
      .getResult(0);
}

Value reducedInit(OpBuilder &b, Location loc, Value full,
                  ArrayRef<int64_t> reduced, double value) {
  auto type = cast<RankedTensorType>(full.getType());
  return filledTensor(b, loc, reductionSpace(type, reduced).outShape,
                      type.getElementType(), value);
}

/// The maximum of `x` over `dims`: the softmax family subtracts it first so
/// that exp cannot overflow.
static Value maxOver(OpBuilder &b, Location loc, Value x,
                     ArrayRef<int64_t> dims) {
  return buildNormGeneric(b, loc, x, {}, dims,
                          reducedInit(b, loc, x, dims, -INFINITY),
                          [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                            return arith::MaximumFOp::create(nb, l, a[0], a[1]);
                          });
}

/// The sum of `x` over `dims`.
static Value sumOver(OpBuilder &b, Location loc, Value x,
                     ArrayRef<int64_t> dims) {
  return buildNormGeneric(b, loc, x, {}, dims,
                          reducedInit(b, loc, x, dims, 0.0),
                          [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                            return arith::AddFOp::create(nb, l, a[0], a[1]);
                          });
}

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    SmallVector<int64_t> dims{(int64_t)op.getAxis()};
    // max, then exp(x - max), then its sum, then the quotient.
    Value max = maxOver(rw, loc, x, dims);
    Value e = buildNormGeneric(
        rw, loc, x, {max}, dims, nullptr,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return math::ExpOp::create(b, l,
                                     arith::SubFOp::create(b, l, a[0], a[1]));
        });
    Value sum = sumOver(rw, loc, e, dims);
    Value y = buildNormGeneric(
        rw, loc, e, {sum}, dims, nullptr,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::DivFOp::create(b, l, a[0], a[1]);
        });
    rw.replaceOp(op, y);
    return success();
  }
};

/// x - max - log(sum(exp(x - max))).
struct LogSoftmaxLowering : OpConversionPattern<LogSoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LogSoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    SmallVector<int64_t> dims{(int64_t)op.getAxis()};
    Value max = maxOver(rw, loc, x, dims);
    Value sum = buildNormGeneric(
        rw, loc, x, {max}, dims, reducedInit(rw, loc, x, dims, 0.0),
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value e = math::ExpOp::create(
              b, l, arith::SubFOp::create(b, l, a[0], a[1]));
          return arith::AddFOp::create(b, l, a[2], e);
        });
    Value y = buildNormGeneric(
        rw, loc, x, {max, sum}, dims, nullptr,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value shifted = arith::SubFOp::create(b, l, a[0], a[1]);
          return arith::SubFOp::create(b, l, shifted,
                                       math::LogOp::create(b, l, a[2]));
        });
    rw.replaceOp(op, y);
    return success();
  }
};

struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    Type et = type.getElementType();
    SmallVector<int64_t> dims;
    double count = 1;
    for (int64_t i = op.getAxis(); i < type.getRank(); ++i) {
      dims.push_back(i);
      count *= type.getDimSize(i);
    }
    Value sum = sumOver(rw, loc, x, dims);
    auto sumType = cast<RankedTensorType>(sum.getType());
    auto divByCount = [&](Value v) {
      return buildElementwise(
          rw, loc, sumType, {v},
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            return arith::DivFOp::create(b, l, a[0],
                                         scalarConstant(b, l, et, count));
          });
    };
    Value mean = divByCount(sum);
    Value sq = buildNormGeneric(
        rw, loc, x, {mean}, dims, reducedInit(rw, loc, x, dims, 0.0),
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value d = arith::SubFOp::create(b, l, a[0], a[1]);
          return arith::AddFOp::create(b, l, a[2],
                                       arith::MulFOp::create(b, l, d, d));
        });
    Value var = divByCount(sq);
    double eps = op.getEpsilon().convertToDouble();
    Value normalized = buildNormGeneric(
        rw, loc, x, {mean, var}, dims, nullptr,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value d = arith::SubFOp::create(b, l, a[0], a[1]);
          Value s = math::SqrtOp::create(
              b, l,
              arith::AddFOp::create(b, l, a[2], scalarConstant(b, l, et, eps)));
          return arith::DivFOp::create(b, l, d, s);
        });
    SmallVector<Value> affine{normalized, adaptor.getScale()};
    if (adaptor.getBias())
      affine.push_back(adaptor.getBias());
    Value y = buildElementwise(
        rw, loc, type, affine,
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value r = arith::MulFOp::create(b, l, a[0], a[1]);
          return a.size() > 2 ? arith::AddFOp::create(b, l, r, a[2]) : r;
        });
    rw.replaceOp(op, y);
    return success();
  }
};

struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    Type et = type.getElementType();
    double eps = op.getEpsilon().convertToDouble();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap channel = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
    SmallVector<AffineMap> maps{id, channel, channel, channel, channel, id};
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    Value init = emptyTensor(rw, loc, type.getShape(), et);
    Value y =
        linalg::GenericOp::create(
            rw, loc, TypeRange{type},
            ValueRange{adaptor.getInput(), adaptor.getScale(),
                       adaptor.getBias(), adaptor.getMean(),
                       adaptor.getVariance()},
            ValueRange{init}, maps, iters,
            [&](OpBuilder &b, Location l, ValueRange a) {
              // (x - mean) * scale / sqrt(var + eps) + bias
              Value d = arith::SubFOp::create(b, l, a[0], a[3]);
              Value s = math::SqrtOp::create(
                  b, l,
                  arith::AddFOp::create(b, l, a[4],
                                        scalarConstant(b, l, et, eps)));
              Value r = arith::DivFOp::create(
                  b, l, arith::MulFOp::create(b, l, d, a[1]), s);
              linalg::YieldOp::create(
                  b, l, Value(arith::AddFOp::create(b, l, r, a[2])));
            })
            .getResult(0);
    rw.replaceOp(op, y);
    return success();
  }
};

} // namespace

void populateNormalizationPatterns(const TypeConverter &converter,
                      RewritePatternSet &patterns) {
  patterns.add<SoftmaxLowering, LogSoftmaxLowering, LayerNormLowering,
               BatchNormLowering>(
      converter, patterns.getContext());
}

} // namespace coreai::aigraph

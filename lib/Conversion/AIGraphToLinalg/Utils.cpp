//===- Utils.cpp - Helpers shared by the aigraph -> linalg patterns -------===//
#include "Utils.h"

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;

namespace coreai::aigraph {

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, elementType);
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto ft = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, value));
  if (type.isInteger(1))
    return arith::ConstantOp::create(b, loc, b.getBoolAttr(value != 0));
  // Saturated to the type's signed range: a double cannot hold INT64_MAX
  // (a reduction's identity), and converting 2^63 to int64_t is undefined.
  unsigned width = type.getIntOrFloatBitWidth();
  APInt v = value >= std::ldexp(1.0, width - 1)
                ? APInt::getSignedMaxValue(width)
            : value <= -std::ldexp(1.0, width - 1)
                ? APInt::getSignedMinValue(width)
                : APInt(width, (int64_t)value, /*isSigned=*/true);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Type elementType, double value) {
  Value init = emptyTensor(b, loc, shape, elementType);
  Value scalar = scalarConstant(b, loc, elementType, value);
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> outShape) {
  size_t offset = outShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, d] : llvm::enumerate(operandShape)) {
    if (d == 1 && outShape[offset + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(offset + i, ctx));
  }
  return AffineMap::get(outShape.size(), 0, exprs, ctx);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType outType,
                       ValueRange inputs, BodyBuilder body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(
        ctx, cast<RankedTensorType>(in.getType()).getShape(),
        outType.getShape()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(outType.getRank(), ctx));
  SmallVector<utils::IteratorType> iterators(outType.getRank(),
                                             utils::IteratorType::parallel);
  Value init = emptyTensor(b, loc, outType.getShape(), outType.getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, inputs, ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

ReductionSpace reductionSpace(RankedTensorType type,
                              ArrayRef<int64_t> reducedDims) {
  ReductionSpace space;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (llvm::is_contained(reducedDims, i)) {
      space.iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    space.iterators.push_back(utils::IteratorType::parallel);
    space.outShape.push_back(type.getDimSize(i));
    space.outExprs.push_back(getAffineDimExpr(i, type.getContext()));
  }
  return space;
}

Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> reducedDims, double init,
                     BodyBuilder combine) {
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(input.getType());
  ReductionSpace space = reductionSpace(inType, reducedDims);
  Value acc =
      filledTensor(b, loc, space.outShape, inType.getElementType(), init);
  SmallVector<AffineMap> maps{
      AffineMap::getMultiDimIdentityMap(inType.getRank(), ctx),
      AffineMap::get(inType.getRank(), 0, space.outExprs, ctx)};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, ValueRange{input}, ValueRange{acc},
      maps, space.iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = combine(nb, nloc, {args[1], args[0]});
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value reshapeTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape) {
  auto inType = cast<RankedTensorType>(v.getType());
  if (inType.getShape() == shape)
    return v;
  auto outType = RankedTensorType::get(shape, inType.getElementType());
  // Collapse everything to 1-D, then expand: always valid for static shapes
  // and free after bufferization (both are views of the same buffer).
  Value flat = v;
  auto flatType =
      RankedTensorType::get({inType.getNumElements()}, inType.getElementType());
  if (inType.getRank() == 0) {
    flat = tensor::ExpandShapeOp::create(b, loc, flatType, v,
                                         SmallVector<ReassociationIndices>{});
  } else if (inType.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t i = 0; i < inType.getRank(); ++i)
      all[0].push_back(i);
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, v, all);
  }
  if (outType.getRank() == 1)
    return flat;
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < outType.getRank(); ++i)
    all[0].push_back(i);
  if (outType.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, outType, flat,
                                           SmallVector<ReassociationIndices>{});
  return tensor::ExpandShapeOp::create(b, loc, outType, flat, all);
}

Value padSpatial(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> pads,
                 double value) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  int64_t spatial = pads.size() / 2;
  SmallVector<int64_t> low(type.getRank(), 0), high(type.getRank(), 0);
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t d = type.getRank() - spatial + i;
    low[d] = pads[i];
    high[d] = pads[spatial + i];
    shape[d] += pads[i] + pads[spatial + i];
  }
  Value padValue = scalarConstant(b, loc, type.getElementType(), value);
  SmallVector<OpFoldResult> lowR, highR;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    lowR.push_back(b.getIndexAttr(low[i]));
    highR.push_back(b.getIndexAttr(high[i]));
  }
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, lowR,
      highR, padValue);
}

bool hasUnsignedOperand(Operation *op) {
  return llvm::any_of(op->getOperandTypes(), [](Type t) {
    return getElementTypeOrSelf(t).isUnsignedInteger();
  });
}

LogicalResult requireStaticShapes(Operation *op, ConversionPatternRewriter &rw,
                                  bool allowUnsigned) {
  // Static shapes, and element types the arith dialect computes on
  // (unsigned integers need their own lowering, which is not written yet).
  auto isStatic = [&](Type t) {
    auto rt = dyn_cast<RankedTensorType>(t);
    if (!rt || !rt.hasStaticShape())
      return false;
    Type et = rt.getElementType();
    // Byte-stored narrow types move through data-movement ops; only Cast
    // computes on them.
    if (isNarrowType(et))
      return isa<CastOp, ReshapeOp, IdentityOp, TransposeOp, ExpandOp,
                 ConcatOp, SliceOp>(op);
    return isa<FloatType>(et) || et.isSignlessInteger() ||
           (allowUnsigned && et.isUnsignedInteger());
  };
  if (llvm::all_of(op->getOperandTypes(), isStatic) &&
      llvm::all_of(op->getResultTypes(), isStatic))
    return success();
  return rw.notifyMatchFailure(op, "dynamic shapes are not supported; bind "
                                   "symbolic dims with --shape");
}

Value castScalar(OpBuilder &b, Location l, Value x, Type to, bool fromUnsigned,
                 bool toUnsigned) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromF = dyn_cast<FloatType>(from), toF = dyn_cast<FloatType>(to);
  if (fromF && toF)
    return fromF.getWidth() < toF.getWidth()
               ? (Value)arith::ExtFOp::create(b, l, to, x)
               : (Value)arith::TruncFOp::create(b, l, to, x);
  if (fromF) {
    if (to.isInteger(1))
      return arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNE, x,
                                   scalarConstant(b, l, from, 0));
    return toUnsigned ? (Value)arith::FPToUIOp::create(b, l, to, x)
                      : (Value)arith::FPToSIOp::create(b, l, to, x);
  }
  if (toF)
    return from.isInteger(1) || fromUnsigned
               ? (Value)arith::UIToFPOp::create(b, l, to, x)
               : (Value)arith::SIToFPOp::create(b, l, to, x);
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (tw == 1)
    return arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, x,
                                 scalarConstant(b, l, from, 0));
  if (fw < tw)
    return fw == 1 || fromUnsigned ? (Value)arith::ExtUIOp::create(b, l, to, x)
                                   : (Value)arith::ExtSIOp::create(b, l, to, x);
  return arith::TruncIOp::create(b, l, to, x);
}

} // namespace coreai::aigraph

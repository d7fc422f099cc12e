//===- ShapeOps.cpp - constants and shape ops -> tensor/linalg ------------===//
#include "Utils.h"

using namespace mlir;

namespace coreai::aigraph {
namespace {

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rw) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rw.notifyMatchFailure(op, "constant value is not typed");
    // Unsigned data keeps its bits under the signless type; narrow types
    // are stored one per byte (float codes, or sign/zero-extended integers).
    if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      Type et = dense.getElementType();
      Type to = resultType(this, op.getOperation()).getElementType();
      if (isNarrowFloat(et))
        value = cast<DenseFPElementsAttr>(dense).mapValues(
            to, [](const APFloat &f) {
              return f.bitcastToAPInt().zext(8);
            });
      else if (isNarrowInteger(et))
        value = cast<DenseIntElementsAttr>(dense).mapValues(
            to, [&](const APInt &v) {
              return et.isUnsignedInteger() ? v.zext(8) : v.sext(8);
            });
      else if (et.isUnsignedInteger())
        value = dense.bitcast(to);
    }
    rw.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

struct IdentityLowering : OpConversionPattern<IdentityOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(IdentityOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    rw.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct ShapeLowering : OpConversionPattern<ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOp op, OpAdaptor,
                  ConversionPatternRewriter &rw) const override {
    auto folded = dyn_cast_or_null<DenseElementsAttr>(
        dyn_cast_if_present<Attribute>(op.fold(ShapeOp::FoldAdaptor({}, op))));
    if (!folded)
      return rw.notifyMatchFailure(op, "shape of a dynamic tensor");
    rw.replaceOpWithNewOp<arith::ConstantOp>(op, folded);
    return success();
  }
};

/// Flatten and Reshape only reinterpret the row-major order.
template <typename SourceOp>
struct ReshapeLikeLowering : OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SourceOp op, typename SourceOp::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    auto outType = resultType(this, op.getOperation());
    rw.replaceOp(op, reshapeTo(rw, op.getLoc(), adaptor.getInput(),
                               outType.getShape()));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    auto outType = resultType(this, op.getOperation());
    Value init = emptyTensor(rw, op.getLoc(), outType.getShape(),
                             outType.getElementType());
    rw.replaceOp(op, linalg::TransposeOp::create(rw, op.getLoc(),
                                                 adaptor.getInput(), init,
                                                 op.getPerm())
                         .getResult());
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    Location loc = op.getLoc();
    auto outType = resultType(this, op.getOperation());
    int64_t axis = op.getAxis();
    Value result = emptyTensor(rw, loc, outType.getShape(),
                               outType.getElementType());
    int64_t offset = 0;
    for (Value in : adaptor.getInputs()) {
      auto t = cast<RankedTensorType>(in.getType());
      SmallVector<OpFoldResult> offsets(t.getRank(), rw.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes, strides(t.getRank(), rw.getIndexAttr(1));
      for (int64_t d : t.getShape())
        sizes.push_back(rw.getIndexAttr(d));
      offsets[axis] = rw.getIndexAttr(offset);
      offset += t.getDimSize(axis);
      if (t.getNumElements() == 0)
        continue;
      result = tensor::InsertSliceOp::create(rw, loc, in, result, offsets,
                                             sizes, strides);
    }
    rw.replaceOp(op, result);
    return success();
  }
};

/// A slice with negative steps reads backwards, which extract_slice cannot
/// express: out[i...] = in[start_d + i_d * step_d] as a generic.
Value reversingSlice(OpBuilder &b, SliceOp op, Value input,
                     RankedTensorType outType) {
  Location loc = op.getLoc();
  int64_t rank = outType.getRank();
  Value init =
      emptyTensor(b, loc, outType.getShape(), outType.getElementType());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{}, ValueRange{init},
             ArrayRef<AffineMap>{id}, iters,
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> coords;
               for (int64_t d = 0; d < rank; ++d) {
                 Value i = linalg::IndexOp::create(nb, l, d);
                 Value step =
                     arith::ConstantIndexOp::create(nb, l, op.getSteps()[d]);
                 Value start =
                     arith::ConstantIndexOp::create(nb, l, op.getStarts()[d]);
                 coords.push_back(arith::AddIOp::create(
                     nb, l, start, arith::MulIOp::create(nb, l, i, step)));
               }
               Value v = tensor::ExtractOp::create(nb, l, input, coords);
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
}

struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    auto outType = resultType(this, op.getOperation());
    if (outType.getNumElements() == 0) {
      // Empty slices may start at the end of a dim, which extract_slice
      // rejects; they have no data to read anyway.
      rw.replaceOp(op, emptyTensor(rw, op.getLoc(), outType.getShape(),
                                   outType.getElementType()));
      return success();
    }
    if (llvm::any_of(op.getSteps(), [](int64_t s) { return s < 0; })) {
      rw.replaceOp(op, reversingSlice(rw, op, adaptor.getInput(), outType));
      return success();
    }
    SmallVector<OpFoldResult> offsets, sizes, strides;
    for (auto [start, size, step] :
         llvm::zip(op.getStarts(), outType.getShape(), op.getSteps())) {
      offsets.push_back(rw.getIndexAttr(start));
      sizes.push_back(rw.getIndexAttr(size));
      strides.push_back(rw.getIndexAttr(step));
    }
    rw.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, outType, adaptor.getInput(), offsets, sizes, strides);
    return success();
  }
};

/// out[pre..., idx..., post...] = data[pre..., indices[idx...], post...],
/// with negative indices counted from the end as ONNX specifies.
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    auto outType = resultType(this, op.getOperation());
    auto dataType = cast<RankedTensorType>(adaptor.getData().getType());
    auto idxType = cast<RankedTensorType>(adaptor.getIndices().getType());
    int64_t axis = op.getAxis(), q = idxType.getRank();
    int64_t rank = outType.getRank();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t i = 0; i < q; ++i)
      idxExprs.push_back(getAffineDimExpr(axis + i, ctx));
    SmallVector<AffineMap> maps{
        AffineMap::get(rank, 0, idxExprs, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx)};
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    Value init =
        emptyTensor(rw, loc, outType.getShape(), outType.getElementType());
    Value data = adaptor.getData();
    int64_t axisDim = dataType.getDimSize(axis);
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{outType}, ValueRange{adaptor.getIndices()},
        ValueRange{init}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value idx = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                 args[0]);
          Value dim = arith::ConstantIndexOp::create(b, l, axisDim);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value isNeg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                              idx, zero);
          Value wrapped = arith::AddIOp::create(b, l, idx, dim);
          idx = arith::SelectOp::create(b, l, isNeg, wrapped, idx);
          // Out-of-range indices are clamped rather than read out of bounds.
          Value maxIdx = arith::ConstantIndexOp::create(b, l, axisDim - 1);
          idx = arith::MaxSIOp::create(b, l, idx, zero);
          idx = arith::MinSIOp::create(b, l, idx, maxIdx);
          SmallVector<Value> coords;
          for (int64_t i = 0; i < axis; ++i)
            coords.push_back(linalg::IndexOp::create(b, l, i));
          coords.push_back(idx);
          for (int64_t i = axis + 1; i < dataType.getRank(); ++i)
            coords.push_back(linalg::IndexOp::create(b, l, i - 1 + q));
          Value v = tensor::ExtractOp::create(b, l, data, coords);
          linalg::YieldOp::create(b, l, v);
        });
    rw.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateShapeOpPatterns(const TypeConverter &converter,
                      RewritePatternSet &patterns) {
  patterns
      .add<ConstantLowering, IdentityLowering, ShapeLowering,
           ReshapeLikeLowering<FlattenOp>, ReshapeLikeLowering<ReshapeOp>,
           TransposeLowering, ConcatLowering, SliceLowering, GatherLowering>(
          converter, patterns.getContext());
}

} // namespace coreai::aigraph

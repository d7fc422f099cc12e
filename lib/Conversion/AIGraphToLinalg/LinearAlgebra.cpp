//===- LinearAlgebra.cpp - conv, gemm and matmul -> linalg ----------------===//
//
// Convolutions map to upstream named ops (NCHW layouts as in ONNX), so later
// tiling/vectorization schedules that match named ops apply. Gemm and MatMul
// become contractions in linalg.generic form: transposes and batch
// broadcasting are folded into the indexing maps instead of materialized.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

using namespace mlir;

namespace coreai::aigraph {
namespace {

/// Output init for conv: the bias broadcast along dim `channelDim`, or zeros.
Value convInit(OpBuilder &b, Location loc, RankedTensorType outType,
               Value bias, int64_t channelDim) {
  if (!bias)
    return filledTensor(b, loc, outType.getShape(), outType.getElementType(),
                        0.0);
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps{
      AffineMap::get(outType.getRank(), 0,
                     {getAffineDimExpr(channelDim, ctx)}, ctx),
      AffineMap::getMultiDimIdentityMap(outType.getRank(), ctx)};
  SmallVector<utils::IteratorType> iters(outType.getRank(),
                                         utils::IteratorType::parallel);
  Value init =
      emptyTensor(b, loc, outType.getShape(), outType.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{bias}, ValueRange{init},
             maps, iters,
             [](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc, args[0]);
             })
      .getResult(0);
}

struct ConvLowering : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    auto wType = cast<RankedTensorType>(adaptor.getWeight().getType());
    int64_t rank = outType.getRank();
    int64_t group = op.getGroup();
    SmallVector<int64_t> strides(op.getStrides()), dilations(op.getDilations()),
        pads(op.getPads());
    Value input = adaptor.getInput(), weight = adaptor.getWeight();
    Value bias = adaptor.getBias();

    // 3-D convolution (ungrouped): the NCDHW named op.
    if (rank == 5) {
      if (group != 1)
        return rw.notifyMatchFailure(op, "grouped 3-D convolutions are not "
                                         "supported on this unit yet");
      Value padded = padSpatial(rw, loc, input, pads, 0.0);
      Value init = convInit(rw, loc, outType, bias, 1);
      rw.replaceOp(op,
                   linalg::Conv3DNcdhwFcdhwOp::create(
                       rw, loc, TypeRange{outType}, ValueRange{padded, weight},
                       ValueRange{init}, rw.getI64TensorAttr(strides),
                       rw.getI64TensorAttr(dilations))
                       .getResult(0));
      return success();
    }

    // 1-D convolution runs as 2-D with a unit height.
    if (rank == 3) {
      auto in3 = cast<RankedTensorType>(input.getType());
      input = reshapeTo(rw, loc, input,
                        {in3.getDimSize(0), in3.getDimSize(1), 1,
                         in3.getDimSize(2)});
      weight = reshapeTo(rw, loc, weight,
                         {wType.getDimSize(0), wType.getDimSize(1), 1,
                          wType.getDimSize(2)});
      strides.insert(strides.begin(), 1);
      dilations.insert(dilations.begin(), 1);
      pads = {0, pads[0], 0, pads[1]};
    } else if (rank != 4) {
      return rw.notifyMatchFailure(op, "only 1-D, 2-D and 3-D convolutions "
                                       "are supported on this unit yet");
    }

    SmallVector<int64_t> out4(outType.getShape());
    if (rank == 3)
      out4.insert(out4.begin() + 2, 1);
    auto out4Type = RankedTensorType::get(out4, outType.getElementType());
    auto w4 = cast<RankedTensorType>(weight.getType());
    Value padded = padSpatial(rw, loc, input, pads, 0.0);
    auto padType = cast<RankedTensorType>(padded.getType());
    auto stridesAttr = rw.getI64TensorAttr(strides);
    auto dilationsAttr = rw.getI64TensorAttr(dilations);
    int64_t n = out4[0], m = out4[1], c = padType.getDimSize(1);

    Value result;
    if (group == 1) {
      Value init = convInit(rw, loc, out4Type, bias, 1);
      result = linalg::Conv2DNchwFchwOp::create(
                   rw, loc, TypeRange{out4Type}, ValueRange{padded, weight},
                   ValueRange{init}, stridesAttr, dilationsAttr)
                   .getResult(0);
    } else if (group == c && m == c) {
      // Depthwise: weight [C, 1, kh, kw] -> [C, kh, kw].
      Value init = convInit(rw, loc, out4Type, bias, 1);
      Value w3 = reshapeTo(rw, loc, weight,
                           {c, w4.getDimSize(2), w4.getDimSize(3)});
      result = linalg::DepthwiseConv2DNchwChwOp::create(
                   rw, loc, TypeRange{out4Type}, ValueRange{padded, w3},
                   ValueRange{init}, stridesAttr, dilationsAttr)
                   .getResult(0);
    } else {
      // Grouped: split channels into [G, C/G] and use the grouped named op.
      int64_t cg = c / group, fg = m / group;
      Value in5 = reshapeTo(rw, loc, padded,
                            {n, group, cg, padType.getDimSize(2),
                             padType.getDimSize(3)});
      Value w5 = reshapeTo(rw, loc, weight,
                           {group, fg, cg, w4.getDimSize(2), w4.getDimSize(3)});
      auto out5Type = RankedTensorType::get({n, group, fg, out4[2], out4[3]},
                                            outType.getElementType());
      Value init;
      if (bias) {
        Value bias2 = reshapeTo(rw, loc, bias, {group, fg});
        MLIRContext *ctx = rw.getContext();
        SmallVector<AffineMap> maps{
            AffineMap::get(5, 0,
                           {getAffineDimExpr(1, ctx), getAffineDimExpr(2, ctx)},
                           ctx),
            AffineMap::getMultiDimIdentityMap(5, ctx)};
        SmallVector<utils::IteratorType> iters(5, utils::IteratorType::parallel);
        init = linalg::GenericOp::create(
                   rw, loc, TypeRange{out5Type}, ValueRange{bias2},
                   ValueRange{emptyTensor(rw, loc, out5Type.getShape(),
                                          out5Type.getElementType())},
                   maps, iters,
                   [](OpBuilder &nb, Location nloc, ValueRange args) {
                     linalg::YieldOp::create(nb, nloc, args[0]);
                   })
                   .getResult(0);
      } else {
        init = filledTensor(rw, loc, out5Type.getShape(),
                            out5Type.getElementType(), 0.0);
      }
      Value r5 = linalg::Conv2DNgchwGfchwOp::create(
                     rw, loc, TypeRange{out5Type}, ValueRange{in5, w5},
                     ValueRange{init}, stridesAttr, dilationsAttr)
                     .getResult(0);
      result = reshapeTo(rw, loc, r5, out4);
    }
    rw.replaceOp(op, reshapeTo(rw, loc, result, outType.getShape()));
    return success();
  }
};

/// A contraction C[..., m, n] += A[..., m, k] * B[..., k, n] written as a
/// linalg.generic; `lhsMap`/`rhsMap` place transposes and broadcasts.
Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       Value init, AffineMap lhsMap, AffineMap rhsMap,
                       double alpha) {
  MLIRContext *ctx = b.getContext();
  auto outType = cast<RankedTensorType>(init.getType());
  unsigned numLoops = outType.getRank() + 1;
  AffineMap outMap = AffineMap::getMultiDimIdentityMap(numLoops, ctx)
                         .getMajorSubMap(outType.getRank());
  SmallVector<utils::IteratorType> iters(numLoops - 1,
                                         utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{lhs, rhs},
             ValueRange{init}, ArrayRef<AffineMap>{lhsMap, rhsMap, outMap},
             iters,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value p = arith::MulFOp::create(nb, nloc, args[0], args[1]);
               if (alpha != 1.0)
                 p = arith::MulFOp::create(
                     nb, nloc, p,
                     scalarConstant(nb, nloc, p.getType(), alpha));
               linalg::YieldOp::create(
                   nb, nloc,
                   Value(arith::AddFOp::create(nb, nloc, args[2], p)));
             })
      .getResult(0);
}

struct GemmLowering : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    Type et = outType.getElementType();
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();

    Value init;
    if (adaptor.getC() && beta != 0.0) {
      init = buildElementwise(
          rw, loc, outType, {adaptor.getC()},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            if (beta == 1.0)
              return args[0];
            return arith::MulFOp::create(b, l, args[0],
                                         scalarConstant(b, l, et, beta));
          });
    } else {
      init = filledTensor(rw, loc, outType.getShape(), et, 0.0);
    }
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    AffineMap lhsMap = AffineMap::get(
        3, 0, op.getTransA() ? ArrayRef<AffineExpr>{k, m}
                             : ArrayRef<AffineExpr>{m, k},
        ctx);
    AffineMap rhsMap = AffineMap::get(
        3, 0, op.getTransB() ? ArrayRef<AffineExpr>{n, k}
                             : ArrayRef<AffineExpr>{k, n},
        ctx);
    rw.replaceOp(op, buildContraction(rw, loc, adaptor.getA(), adaptor.getB(),
                                      init, lhsMap, rhsMap, alpha));
    return success();
  }
};

struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    SmallVector<int64_t> ls(cast<RankedTensorType>(lhs.getType()).getShape());
    SmallVector<int64_t> rs(cast<RankedTensorType>(rhs.getType()).getShape());
    // numpy promotes 1-D operands to matrices and drops the added dim after.
    if (ls.size() == 1) {
      ls.insert(ls.begin(), 1);
      lhs = reshapeTo(rw, loc, lhs, ls);
    }
    if (rs.size() == 1) {
      rs.push_back(1);
      rhs = reshapeTo(rw, loc, rhs, rs);
    }
    auto batch = broadcastShapes(ArrayRef<int64_t>(ls).drop_back(2),
                                 ArrayRef<int64_t>(rs).drop_back(2));
    if (failed(batch))
      return rw.notifyMatchFailure(op, "batch dims are not broadcastable");
    SmallVector<int64_t> outShape(*batch);
    outShape.push_back(ls[ls.size() - 2]);
    outShape.push_back(rs.back());
    int64_t nb = batch->size();
    unsigned numLoops = nb + 3;

    auto operandMap = [&](ArrayRef<int64_t> shape, AffineExpr r0,
                          AffineExpr r1) {
      SmallVector<AffineExpr> exprs;
      int64_t offset = nb - (int64_t)(shape.size() - 2);
      for (int64_t i = 0; i + 2 < (int64_t)shape.size(); ++i) {
        if (shape[i] == 1 && (*batch)[offset + i] != 1)
          exprs.push_back(getAffineConstantExpr(0, ctx));
        else
          exprs.push_back(getAffineDimExpr(offset + i, ctx));
      }
      exprs.push_back(r0);
      exprs.push_back(r1);
      return AffineMap::get(numLoops, 0, exprs, ctx);
    };
    AffineExpr m = getAffineDimExpr(nb, ctx), n = getAffineDimExpr(nb + 1, ctx),
               k = getAffineDimExpr(nb + 2, ctx);
    auto outType = cast<RankedTensorType>(op.getType());
    Value init =
        filledTensor(rw, loc, outShape, outType.getElementType(), 0.0);
    Value result =
        buildContraction(rw, loc, lhs, rhs, init, operandMap(ls, m, k),
                         operandMap(rs, k, n), 1.0);
    rw.replaceOp(op, reshapeTo(rw, loc, result, outType.getShape()));
    return success();
  }
};

} // namespace

void populateLinearAlgebraPatterns(const TypeConverter &converter,
                      RewritePatternSet &patterns) {
  patterns.add<ConvLowering, GemmLowering, MatMulLowering>(
      converter, patterns.getContext());
}

} // namespace coreai::aigraph

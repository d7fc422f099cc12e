//===- Pooling.cpp - pooling ops -> linalg named pooling ops --------------===//
#include "Utils.h"

#include <cmath>

using namespace mlir;

namespace coreai::aigraph {
namespace {

/// The window geometry of one pooling op, normalized to 2-D (1-D pooling
/// runs with a unit height).
struct Window2D {
  SmallVector<int64_t> kernel, strides, dilations, pads; // pads: t, l, b, r
  SmallVector<int64_t> in4, out4;
};

template <typename PoolOp>
FailureOr<Window2D> window2D(PoolOp op) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  Window2D w{SmallVector<int64_t>(op.getKernelShape()),
             SmallVector<int64_t>(op.getStrides()),
             SmallVector<int64_t>(op.getDilations()),
             SmallVector<int64_t>(op.getPads()),
             SmallVector<int64_t>(inType.getShape()),
             SmallVector<int64_t>(outType.getShape())};
  if (inType.getRank() == 3) {
    w.kernel.insert(w.kernel.begin(), 1);
    w.strides.insert(w.strides.begin(), 1);
    w.dilations.insert(w.dilations.begin(), 1);
    w.pads = {0, w.pads[0], 0, w.pads[1]};
    w.in4.insert(w.in4.begin() + 2, 1);
    w.out4.insert(w.out4.begin() + 2, 1);
  } else if (inType.getRank() != 4) {
    return failure();
  }
  // ceil_mode can make the last window reach past the end padding: pad more
  // so every window is in bounds (the extra cells never count).
  for (int i = 0; i < 2; ++i) {
    int64_t need = (w.out4[2 + i] - 1) * w.strides[i] +
                   (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t have = w.in4[2 + i] + w.pads[i] + w.pads[2 + i];
    if (need > have)
      w.pads[2 + i] += need - have;
  }
  return w;
}

template <typename NamedPoolOp>
Value buildPool(OpBuilder &b, Location loc, Value input, const Window2D &w,
                Type et, double padAndInit) {
  Value in4 = reshapeTo(b, loc, input, w.in4);
  Value padded = padSpatial(b, loc, in4, w.pads, padAndInit);
  Value window = emptyTensor(b, loc, w.kernel, et);
  Value init = filledTensor(b, loc, w.out4, et, padAndInit);
  return NamedPoolOp::create(b, loc, TypeRange{init.getType()},
                             ValueRange{padded, window}, ValueRange{init},
                             b.getI64TensorAttr(w.strides),
                             b.getI64TensorAttr(w.dilations))
      .getResult(0);
}

/// The window geometry of a pooling op with any number of spatial dims;
/// the end pads grow so that ceil_mode windows stay in bounds.
struct WindowND {
  SmallVector<int64_t> kernel, strides, dilations, pads, in, out;
};

template <typename PoolOp>
WindowND windowND(PoolOp op) {
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  WindowND w{SmallVector<int64_t>(op.getKernelShape()),
             SmallVector<int64_t>(op.getStrides()),
             SmallVector<int64_t>(op.getDilations()),
             SmallVector<int64_t>(op.getPads()),
             SmallVector<int64_t>(inType.getShape()),
             SmallVector<int64_t>(outType.getShape())};
  size_t spatial = w.kernel.size();
  for (size_t i = 0; i < spatial; ++i) {
    int64_t need = (w.out[2 + i] - 1) * w.strides[i] +
                   (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t have = w.in[2 + i] + w.pads[i] + w.pads[spatial + i];
    if (need > have)
      w.pads[spatial + i] += need - have;
  }
  return w;
}

/// N-D pooling as one linalg.generic over (n, c, o..., k...):
/// out[n, c, o] = combine over k of padded[n, c, o * stride + k * dilation].
/// An empty window-shaped operand gives the k loops their bounds.
Value buildPoolND(OpBuilder &b, Location loc, Value input, const WindowND &w,
                  Type et, double padAndInit, bool isMax) {
  MLIRContext *ctx = b.getContext();
  int64_t spatial = w.kernel.size(), numLoops = 2 + 2 * spatial;
  Value padded = padSpatial(b, loc, input, w.pads, padAndInit);
  Value window = emptyTensor(b, loc, w.kernel, et);
  Value init = filledTensor(b, loc, w.out, et, padAndInit);
  SmallVector<AffineExpr> inExprs{getAffineDimExpr(0, ctx),
                                  getAffineDimExpr(1, ctx)};
  SmallVector<AffineExpr> outExprs(inExprs), winExprs;
  for (int64_t i = 0; i < spatial; ++i) {
    AffineExpr o = getAffineDimExpr(2 + i, ctx);
    AffineExpr k = getAffineDimExpr(2 + spatial + i, ctx);
    inExprs.push_back(o * w.strides[i] + k * w.dilations[i]);
    outExprs.push_back(o);
    winExprs.push_back(k);
  }
  SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, inExprs, ctx),
                              AffineMap::get(numLoops, 0, winExprs, ctx),
                              AffineMap::get(numLoops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iters(2 + spatial,
                                         utils::IteratorType::parallel);
  iters.append(spatial, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{padded, window},
             ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value r =
                   isMax
                       ? (Value)arith::MaximumFOp::create(nb, l, args[2],
                                                          args[0])
                       : (Value)arith::AddFOp::create(nb, l, args[2], args[0]);
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

/// N-D average pooling: the window sum divided by a constant per output
/// cell (taps inside the input, or inside input + declared pads).
Value averagePoolND(OpBuilder &b, Location loc, AveragePoolOp op, Value input) {
  WindowND w = windowND(op);
  auto outType = cast<RankedTensorType>(op.getType());
  Type et = outType.getElementType();
  Value sum = buildPoolND(b, loc, input, w, et, 0.0, /*isMax=*/false);
  bool includePad = op.getCountIncludePad();
  ArrayRef<int64_t> declared = op.getPads();
  int64_t spatial = w.kernel.size();
  auto count = [&](int64_t o, int64_t dim) {
    int64_t lo = includePad ? -declared[dim] : 0;
    int64_t hi = w.in[2 + dim] + (includePad ? declared[spatial + dim] : 0);
    int64_t n = 0;
    for (int64_t k = 0; k < w.kernel[dim]; ++k) {
      int64_t pos = o * w.strides[dim] - w.pads[dim] + k * w.dilations[dim];
      n += pos >= lo && pos < hi;
    }
    return n;
  };
  SmallVector<int64_t> outSpatial(w.out.begin() + 2, w.out.end());
  int64_t cells = 1;
  for (int64_t d : outSpatial)
    cells *= d;
  SmallVector<Attribute> divisors;
  for (int64_t cell = 0; cell < cells; ++cell) {
    int64_t rest = cell, taps = 1;
    for (int64_t dim = spatial - 1; dim >= 0; --dim) {
      taps *= count(rest % outSpatial[dim], dim);
      rest /= outSpatial[dim];
    }
    divisors.push_back(FloatAttr::get(et, double(std::max<int64_t>(1, taps))));
  }
  Value div = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get(outSpatial, et), divisors));
  return buildElementwise(
      b, loc, cast<RankedTensorType>(sum.getType()), {sum, div},
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        return arith::DivFOp::create(nb, l, args[0], args[1]);
      });
}

struct MaxPoolLowering : OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    auto outType = cast<RankedTensorType>(op.getType());
    if (outType.getRank() > 4) {
      rw.replaceOp(op, buildPoolND(rw, op.getLoc(), adaptor.getInput(),
                                   windowND(op), outType.getElementType(),
                                   -INFINITY, /*isMax=*/true));
      return success();
    }
    auto w = window2D(op);
    if (failed(w))
      return rw.notifyMatchFailure(op, "only 1-D and 2-D pooling supported");
    Value r = buildPool<linalg::PoolingNchwMaxOp>(
        rw, op.getLoc(), adaptor.getInput(), *w, outType.getElementType(),
        -INFINITY);
    rw.replaceOp(op, reshapeTo(rw, op.getLoc(), r, outType.getShape()));
    return success();
  }
};

struct AveragePoolLowering : OpConversionPattern<AveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    if (cast<RankedTensorType>(op.getType()).getRank() > 4) {
      rw.replaceOp(op, averagePoolND(rw, op.getLoc(), op, adaptor.getInput()));
      return success();
    }
    auto w = window2D(op);
    if (failed(w))
      return rw.notifyMatchFailure(op, "only 1-D and 2-D pooling supported");
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    Type et = outType.getElementType();
    Value sum = buildPool<linalg::PoolingNchwSumOp>(rw, loc, adaptor.getInput(),
                                                    *w, et, 0.0);
    // Shapes are static, so the divisor of every output cell (taps inside
    // the input, or inside input + declared pads) is computed here.
    bool includePad = op.getCountIncludePad();
    int64_t oh = w->out4[2], ow = w->out4[3];
    const auto &in4 = w->in4;
    ArrayRef<int64_t> declaredPads = op.getPads();
    int64_t padT = 0, padL = 0, padB = 0, padR = 0;
    if (op.getKernelShape().size() == 2) {
      padT = declaredPads[0], padL = declaredPads[1], padB = declaredPads[2],
      padR = declaredPads[3];
    } else {
      padL = declaredPads[0], padR = declaredPads[1];
    }
    auto count = [&](int64_t o, int dim, int64_t padBegin, int64_t padEnd) {
      int64_t lo = includePad ? -padBegin : 0;
      int64_t hi = in4[2 + dim] + (includePad ? padEnd : 0);
      int64_t n = 0;
      for (int64_t k = 0; k < w->kernel[dim]; ++k) {
        int64_t pos = o * w->strides[dim] - w->pads[dim] + k * w->dilations[dim];
        n += pos >= lo && pos < hi;
      }
      return n;
    };
    SmallVector<float> divisors;
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t x = 0; x < ow; ++x)
        divisors.push_back(
            float(std::max<int64_t>(1, count(y, 0, padT, padB) *
                                           count(x, 1, padL, padR))));
    auto divType = RankedTensorType::get({oh, ow}, rw.getF32Type());
    Value div = arith::ConstantOp::create(
        rw, loc, DenseElementsAttr::get(divType, ArrayRef<float>(divisors)));
    auto sum4Type = cast<RankedTensorType>(sum.getType());
    Value avg = buildElementwise(
        rw, loc, sum4Type, {sum, div},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value d = args[1];
          if (d.getType() != args[0].getType())
            d = arith::TruncFOp::create(b, l, args[0].getType(), d);
          return arith::DivFOp::create(b, l, args[0], d);
        });
    rw.replaceOp(op, reshapeTo(rw, loc, avg, outType.getShape()));
    return success();
  }
};

struct GlobalAveragePoolLowering : OpConversionPattern<GlobalAveragePoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GlobalAveragePoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw)))
      return failure();
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    SmallVector<int64_t> dims;
    int64_t count = 1;
    for (int64_t i = 2; i < inType.getRank(); ++i) {
      dims.push_back(i);
      count *= inType.getDimSize(i);
    }
    Value sum = buildReduction(
        rw, loc, adaptor.getInput(), dims, 0.0,
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::AddFOp::create(b, l, args[0], args[1]);
        });
    auto sumType = cast<RankedTensorType>(sum.getType());
    Value mean = buildElementwise(
        rw, loc, sumType, {sum},
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          return arith::DivFOp::create(
              b, l, args[0],
              scalarConstant(b, l, args[0].getType(), double(count)));
        });
    rw.replaceOp(op, reshapeTo(rw, loc, mean, outType.getShape()));
    return success();
  }
};

} // namespace

void populatePoolingPatterns(const TypeConverter &converter,
                      RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AveragePoolLowering,
               GlobalAveragePoolLowering>(converter, patterns.getContext());
}

} // namespace coreai::aigraph

//===- OnnxPooling.cpp - Pooling ops expressed with other aigraph ops -----===//
//
// LpPool: (sum over the window of |x|^p)^(1/p). The window sum is an
// average pool that counts the (zero) padding, times the kernel size.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include <cmath>

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

static LogicalResult importLpPoolOp(GraphImporter &g) {
  if (failed(requireFloat(g, g.input(0))))
    return failure();
  Value x = g.input(0);
  auto t = typeOf(x);
  Type et = t.getElementType();
  SmallVector<int64_t> kernel = g.intsAttr("kernel_shape");
  if (kernel.empty() || (int64_t)kernel.size() != t.getRank() - 2)
    return g.error() << "kernel_shape must have one entry per spatial dim";
  if (g.intAttr("ceil_mode", 0) != 0)
    return g.error() << "LpPool with ceil_mode is not supported";
  int64_t p = g.intAttr("p", 2);
  // LpPool-1 has a float p.
  if (const onnx::AttributeProto *pa = g.attr("p");
      pa && pa->type() == onnx::AttributeProto::FLOAT) {
    if (pa->f() != std::round(pa->f()))
      return g.error() << "a non-integer p is not supported";
    p = (int64_t)pa->f();
  }
  if (p < 1)
    return g.error() << "p must be >= 1, got " << p;
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(windowAttrs(g, t.getShape(), kernel, strides, pads, dilations)))
    return failure();
  double window = 1;
  for (int64_t k : kernel)
    window *= k;
  Value powed;
  Emitter e{g};
  if (p == 2) {
    powed = e.make<aigraph::MulOp>(x, x);
  } else {
    powed = e.make<aigraph::AbsOp>(x);
    if (p > 2)
      powed = e.make<aigraph::PowOp>(powed, e.scalar(et, p));
  }
  auto b = g.builder;
  Value avg = e.make<aigraph::AveragePoolOp>(
      powed, b.getDenseI64ArrayAttr(kernel), b.getDenseI64ArrayAttr(strides),
      b.getDenseI64ArrayAttr(pads), b.getDenseI64ArrayAttr(dilations),
      b.getBoolAttr(false), b.getBoolAttr(true));
  Value sum = e.make<aigraph::MulOp>(avg, e.scalar(et, window));
  Value y = sum;
  if (p == 2)
    y = e.make<aigraph::SqrtOp>(sum);
  else if (p > 2)
    y = e.make<aigraph::PowOp>(sum, e.scalar(et, 1.0 / p));
  return e.bind(0, y);
}

/// MaxUnpool: zeros of the pooled input's shape (from kernel, strides and
/// pads) with each value written at its flat index, as MaxPool's Indices
/// output gives them; a larger output_shape pads zeros at the end.
static LogicalResult importMaxUnpoolOp(GraphImporter &g) {
  Value x = g.input(0), idx = g.input(1);
  auto t = typeOf(x);
  if (!t.hasStaticShape() || t.getRank() < 3 ||
      typeOf(idx).getShape() != t.getShape())
    return g.error() << "expects a static N x C x spatial... input and "
                        "indices of its shape";
  if (!typeOf(idx).getElementType().isInteger(64))
    return g.error() << "indices must be int64";
  int64_t spatial = t.getRank() - 2;
  SmallVector<int64_t> kernel = g.intsAttr("kernel_shape");
  if ((int64_t)kernel.size() != spatial)
    return g.error() << "kernel_shape must have one entry per spatial dim";
  SmallVector<int64_t> strides = g.intsAttr("strides"),
                       pads = g.intsAttr("pads");
  if (strides.empty())
    strides.assign(spatial, 1);
  if (pads.empty())
    pads.assign(2 * spatial, 0);
  if ((int64_t)strides.size() != spatial || (int64_t)pads.size() != 2 * spatial)
    return g.error() << "strides and pads need one entry per spatial dim";
  SmallVector<int64_t> shape{t.getDimSize(0), t.getDimSize(1)};
  int64_t total = t.getDimSize(0) * t.getDimSize(1);
  for (int64_t i = 0; i < spatial; ++i) {
    shape.push_back((t.getDimSize(2 + i) - 1) * strides[i] - pads[i] -
                    pads[spatial + i] + kernel[i]);
    if (shape.back() <= 0)
      return g.error() << "the unpooled shape must be positive";
    total *= shape.back();
  }
  Emitter e{g};
  Value zeros = e.make<aigraph::ExpandOp>(
      e.zero(t.getElementType()), g.builder.getDenseI64ArrayAttr({total}));
  int64_t n = t.getNumElements();
  Value y = e.make<aigraph::ScatterElementsOp>(
      zeros, e.reshape(idx, {n}), e.reshape(x, {n}),
      g.builder.getI64IntegerAttr(0),
      aigraph::ScatterReductionAttr::get(g.ctx,
                                         aigraph::ScatterReduction::None));
  y = e.reshape(y, shape);
  if (g.hasInput(2)) {
    auto out = constInts(g, 2, "output_shape");
    if (failed(out))
      return failure();
    if ((int64_t)out->size() != t.getRank() || (*out)[0] != shape[0] ||
        (*out)[1] != shape[1])
      return g.error() << "output_shape needs " << t.getRank()
                       << " entries keeping N and C";
    for (int64_t axis = 2; axis < t.getRank() && e.ok; ++axis) {
      int64_t extra = (*out)[axis] - shape[axis];
      if (extra < 0)
        return g.error() << "an output_shape smaller than the unpooled "
                            "shape is not supported";
      if (extra == 0)
        continue;
      SmallVector<int64_t> block(typeOf(y).getShape());
      block[axis] = extra;
      Value z = e.make<aigraph::ExpandOp>(
          e.zero(t.getElementType()), g.builder.getDenseI64ArrayAttr(block));
      y = e.make<aigraph::ConcatOp>(ValueRange{y, z},
                                    g.builder.getI64IntegerAttr(axis));
    }
  }
  return e.bind(0, y);
}

void coreai::onnx_import::populatePoolingImporters(OpImporterTable &table) {
  table["LpPool"] = {importLpPoolOp, 1};
  table["MaxUnpool"] = {importMaxUnpoolOp, 2};
}

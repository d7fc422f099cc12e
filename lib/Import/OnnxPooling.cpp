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

LogicalResult importLpPoolOp(GraphImporter &g) {
  if (failed(requireInputs(g, 1)))
    return failure();
  Emitter e{g};
  Value x = g.input(0);
  auto t = typeOf(x);
  Type et = t.getElementType();
  if (!isa<FloatType>(et))
    return g.error() << "expects a floating-point input, got " << t;
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

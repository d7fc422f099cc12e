//===- OnnxQLinear.cpp - quantized MatMul and Conv as decompositions ------===//
//
// QLinearMatMul, QLinearConv, MatMulInteger and ConvInteger: the integer
// operands, minus their zero points, are multiplied in floating point (f64
// for the exact int32 results, f32 where a float scale follows), then
// requantized like QuantizeLinear: round half to even, add the output zero
// point, saturate. The products of 8-bit values summed over the test sizes
// are exact in either type.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// cast(x) - cast(zp) in `ft`; zp (optional) already shaped to broadcast.
Value centered(Emitter &e, Value x, Value zp, Type ft) {
  Value xf = e.make<aigraph::CastOp>(x, TypeAttr::get(ft));
  if (!zp)
    return xf;
  return e.make<aigraph::SubOp>(xf,
                                e.make<aigraph::CastOp>(zp, TypeAttr::get(ft)));
}

/// saturate(round_half_even(acc * scale) + zp) as `target`.
LogicalResult requantize(GraphImporter &g, Emitter &e, Value acc, Value scale,
                         Value zp, Type target) {
  if (!e.ok) // the product failed, with its error
    return failure();
  auto it = dyn_cast<IntegerType>(target);
  if (!it || it.getWidth() != 8)
    return g.error() << "the output must be int8 or uint8, got " << target;
  Type ft = typeOf(acc).getElementType();
  Value q = e.make<aigraph::RoundOp>(e.make<aigraph::MulOp>(
      acc, e.make<aigraph::CastOp>(scale, TypeAttr::get(ft))));
  if (zp)
    q = e.make<aigraph::AddOp>(q,
                               e.make<aigraph::CastOp>(zp, TypeAttr::get(ft)));
  auto [lo, hi] = integerRange(it);
  q = e.make<aigraph::ClipOp>(q, e.scalar(ft, lo), e.scalar(ft, hi));
  return e.bind(0, e.make<aigraph::CastOp>(q, TypeAttr::get(target)));
}

/// The combined scale a_scale * b_scale / y_scale, computed in the scales'
/// own type (as ONNX's reference does), with `bScale` shaped by the caller.
Value combinedScale(Emitter &e, Value aScale, Value bScale, Value yScale) {
  return e.make<aigraph::DivOp>(e.make<aigraph::MulOp>(aScale, bScale),
                                yScale);
}

LogicalResult requireInteger(GraphImporter &g, std::initializer_list<int> ins) {
  for (int i : ins)
    if (g.input(i) && !isa<IntegerType>(typeOf(g.input(i)).getElementType()))
      return g.error() << "input " << i << " must be an integer tensor, got "
                       << typeOf(g.input(i));
  return success();
}

LogicalResult requireScalar(GraphImporter &g, int i, StringRef what) {
  if (typeOf(g.input(i)).getNumElements() != 1)
    return g.error() << "per-axis " << what
                     << " is not supported yet (only one value)";
  return success();
}

/// Conv on already-centered float operands with the node's window
/// attributes.
Value convolve(GraphImporter &g, Emitter &e, Value x, Value w) {
  if (!e.ok)
    return nullptr;
  auto in = typeOf(x), wt = typeOf(w);
  SmallVector<int64_t> kernel = g.intsAttr("kernel_shape");
  if (kernel.empty())
    kernel.assign(wt.getShape().begin() + 2, wt.getShape().end());
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(windowAttrs(g, in.getShape(), kernel, strides, pads, dilations))) {
    e.ok = false;
    return nullptr;
  }
  auto &b = g.builder;
  return e.make<aigraph::ConvOp>(x, w, Value(), b.getDenseI64ArrayAttr(strides),
                                 b.getDenseI64ArrayAttr(pads),
                                 b.getDenseI64ArrayAttr(dilations),
                                 b.getI64IntegerAttr(g.intAttr("group", 1)));
}

/// Conv of input 0 and weight `w`, both minus their zero points (inputs `xZp`
/// and `wZp`; w's may be per output channel, dim 0 of w) in `ft`.
Value centeredConv(GraphImporter &g, Emitter &e, int w, int xZp, int wZp,
                   Type ft) {
  int64_t rank = typeOf(g.input(w)).getRank();
  Value wzp = g.input(wZp) ? e.alongAxis(g.input(wZp), 0, rank) : nullptr;
  return convolve(g, e, centered(e, g.input(0), g.input(xZp), ft),
                  centered(e, g.input(w), wzp, ft));
}

} // namespace

namespace coreai::onnx_import {

/// MatMulInteger(A, B, a_zero_point, b_zero_point) -> int32.
static LogicalResult importMatMulIntegerOp(GraphImporter &g) {
  if (failed(requireInteger(g, {0, 1, 2, 3})))
    return failure();
  Emitter e{g};
  Type f64 = g.builder.getF64Type();
  Value a = g.input(0), b = g.input(1);
  int64_t ra = typeOf(a).getRank();
  // a's zero point may be per row (M), b's per column (N).
  Value azp = g.input(2) ? e.alongAxis(g.input(2), ra - 2, ra) : nullptr;
  Value acc = e.make<aigraph::MatMulOp>(centered(e, a, azp, f64),
                                        centered(e, b, g.input(3), f64));
  return e.bind(0, e.make<aigraph::CastOp>(
                       acc, TypeAttr::get(g.builder.getIntegerType(32))));
}

/// QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp).
static LogicalResult importQLinearMatMulOp(GraphImporter &g) {
  if (failed(requireInteger(g, {0, 2, 3, 5})) ||
      failed(requireScalar(g, 1, "a_scale")) ||
      failed(requireScalar(g, 6, "y_scale")))
    return failure();
  Emitter e{g};
  Type f32 = g.builder.getF32Type();
  Value acc = e.make<aigraph::MatMulOp>(
      centered(e, g.input(0), g.input(2), f32),
      centered(e, g.input(3), g.input(5), f32));
  Value scale = combinedScale(e, g.input(1), g.input(4), g.input(6));
  return requantize(g, e, acc, scale, g.input(7),
                    typeOf(g.input(7)).getElementType());
}

/// ConvInteger(x, w, x_zero_point, w_zero_point) -> int32.
static LogicalResult importConvIntegerOp(GraphImporter &g) {
  if (failed(requireInteger(g, {0, 1, 2, 3})))
    return failure();
  Emitter e{g};
  Value acc =
      centeredConv(g, e, /*w=*/1, /*xZp=*/2, /*wZp=*/3, g.builder.getF64Type());
  return e.bind(0, e.make<aigraph::CastOp>(
                       acc, TypeAttr::get(g.builder.getIntegerType(32))));
}

/// QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B).
static LogicalResult importQLinearConvOp(GraphImporter &g) {
  if (failed(requireInteger(g, {0, 2, 3, 5, 8})) ||
      failed(requireScalar(g, 1, "x_scale")) ||
      failed(requireScalar(g, 6, "y_scale")))
    return failure();
  Emitter e{g};
  Type f32 = g.builder.getF32Type();
  Value acc = centeredConv(g, e, /*w=*/3, /*xZp=*/2, /*wZp=*/5, f32);
  // w's scale may be per output channel, dim 1 of the result.
  int64_t rank = typeOf(g.input(3)).getRank();
  if (Value bias = g.input(8)) // int32, in units of x_scale * w_scale
    acc = e.make<aigraph::AddOp>(
        acc, e.alongAxis(e.make<aigraph::CastOp>(bias, TypeAttr::get(f32)), 1,
                      rank));
  Value scale = combinedScale(e, g.input(1), e.alongAxis(g.input(4), 1, rank),
                              g.input(6));
  return requantize(g, e, acc, scale, g.input(7),
                    typeOf(g.input(7)).getElementType());
}

} // namespace coreai::onnx_import

void coreai::onnx_import::populateQLinearImporters(OpImporterTable &table) {
  table["ConvInteger"] = {importConvIntegerOp, 2};
  table["QLinearConv"] = {importQLinearConvOp, 8};
  table["MatMulInteger"] = {importMatMulIntegerOp, 2};
  table["QLinearMatMul"] = {importQLinearMatMulOp, 8};
}

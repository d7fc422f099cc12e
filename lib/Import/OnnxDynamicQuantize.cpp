//===- OnnxDynamicQuantize.cpp - DynamicQuantizeLinear --------------------===//
//
// As its reference definition: a uint8 scale and zero point from the
// data's range (widened to include 0), then QuantizeLinear.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include <cmath>

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// Saturating round-half-even to the integer type `target`, from float `v`.
Value requantize(GraphImporter &g, Emitter &e, Value v, IntegerType target) {
  Type ft = typeOf(v).getElementType();
  unsigned w = target.getWidth();
  double lo = target.isUnsigned() ? 0 : -std::ldexp(1.0, w - 1);
  double hi =
      target.isUnsigned() ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
  Value c = e.make<aigraph::ClipOp>(e.make<aigraph::RoundOp>(v),
                                    e.scalar(ft, lo), e.scalar(ft, hi));
  return e.make<aigraph::CastOp>(c, TypeAttr::get(target));
}

} // namespace

static LogicalResult importDynamicQuantizeLinearOp(GraphImporter &g) {
  if (failed(requireInputs(g, 1)))
    return failure();
  Emitter e{g};
  Value x = g.input(0);
  auto t = typeOf(x);
  Type ft = t.getElementType();
  if (!isa<FloatType>(ft) || t.getRank() == 0)
    return g.error() << "expects a floating-point tensor of rank >= 1";
  SmallVector<int64_t> all;
  for (int64_t i = 0; i < t.getRank(); ++i)
    all.push_back(i);
  auto axes = g.builder.getDenseI64ArrayAttr(all);
  auto noKeep = g.builder.getBoolAttr(false);
  Value zero = e.zero(ft);
  Value lo = e.make<aigraph::MinOp>(
      e.make<aigraph::ReduceMinOp>(x, axes, noKeep), zero);
  Value hi = e.make<aigraph::MaxOp>(
      e.make<aigraph::ReduceMaxOp>(x, axes, noKeep), zero);
  Value range = e.make<aigraph::SubOp>(hi, lo);
  Value empty = e.make<aigraph::EqualOp>(range, zero);
  range = e.make<aigraph::WhereOp>(empty, e.scalar(ft, 1.0), range);
  Value scale = e.make<aigraph::DivOp>(range, e.scalar(ft, 255.0));
  // Zero point: clip(-lo / scale) to [0, 255], then round.
  Value zpf = e.make<aigraph::RoundOp>(e.make<aigraph::ClipOp>(
      e.make<aigraph::NegOp>(e.make<aigraph::DivOp>(lo, scale)), zero,
      e.scalar(ft, 255.0)));
  Value q = e.make<aigraph::AddOp>(
      e.make<aigraph::RoundOp>(e.make<aigraph::DivOp>(x, scale)), zpf);
  auto u8 = g.builder.getIntegerType(8, /*isSigned=*/false);
  Value y = requantize(g, e, q, u8);
  Value zp = e.make<aigraph::CastOp>(zpf, TypeAttr::get(u8));
  if (!e.ok)
    return failure();
  g.setOutput(0, y);
  g.setOutput(1, scale);
  g.setOutput(2, zp);
  return success();
}

void coreai::onnx_import::populateDynamicQuantizeImporters(
    OpImporterTable &table) {
  table["DynamicQuantizeLinear"] = importDynamicQuantizeLinearOp;
}

//===- OnnxDynamicQuantize.cpp - DynamicQuantizeLinear --------------------===//
//
// As its reference definition: a uint8 scale and zero point from the
// data's range (widened to include 0), then QuantizeLinear.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// Saturating round-half-even to the integer type `target`, from float `v`.
Value requantize(GraphImporter &g, Emitter &e, Value v, IntegerType target) {
  Type ft = typeOf(v).getElementType();
  auto [lo, hi] = integerRange(target);
  Value c = e.make<aigraph::ClipOp>(e.make<aigraph::RoundOp>(v),
                                    e.scalar(ft, lo), e.scalar(ft, hi));
  return e.make<aigraph::CastOp>(c, TypeAttr::get(target));
}

} // namespace

static LogicalResult importDynamicQuantizeLinearOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  Type ft = t.getElementType();
  if (!isa<FloatType>(ft) || t.getRank() == 0)
    return g.error() << "expects a floating-point tensor of rank >= 1";
  auto axes = g.builder.getDenseI64ArrayAttr(axesFrom(0, t.getRank()));
  auto noKeep = g.builder.getBoolAttr(false);
  Emitter e{g};
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
  return e.bindAll({y, scale, zp});
}

void coreai::onnx_import::populateDynamicQuantizeImporters(
    OpImporterTable &table) {
  table["DynamicQuantizeLinear"] = {importDynamicQuantizeLinearOp, 1};
}

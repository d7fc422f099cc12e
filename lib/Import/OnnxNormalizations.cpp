//===- OnnxNormalizations.cpp - GroupNorm, MVN and LRN as decompositions --===//
#include "lib/Import/OnnxImporter.h"

#include <cmath>

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// Fails unless `x` is a floating-point N x C x ... tensor of rank >=
/// `minRank`.
LogicalResult requireFloatNC(GraphImporter &g, Value x, int64_t minRank) {
  auto t = typeOf(x);
  if (t.getRank() < minRank || !isa<FloatType>(t.getElementType()))
    return g.error() << "expects a floating-point N x C x ... input, got " << t;
  return success();
}

} // namespace

namespace coreai::onnx_import {

/// GroupNormalization: statistics per (n, group) over the group's channels
/// and the spatial dims; scale and bias per group (opset 18) or per channel
/// (opset 21).
static LogicalResult importGroupNormalizationOp(GraphImporter &g) {
  if (failed(requireFloatNC(g, g.input(0), 3)))
    return failure();
  Value x = g.input(0);
  auto t = typeOf(x);
  if (!t.hasStaticShape())
    return g.error() << "needs a static input shape, got " << t;
  int64_t rank = t.getRank(), n = t.getDimSize(0), c = t.getDimSize(1);
  int64_t groups = g.intAttr("num_groups", 0);
  if (groups <= 0 || c % groups)
    return g.error() << "num_groups (" << groups
                     << ") must divide the channel count (" << c << ")";
  int64_t spatial = 1;
  for (int64_t d : t.getShape().drop_front(2))
    spatial *= d;
  Type et = t.getElementType();
  // Statistics in f32 for fp16 inputs (stash_type 1, the default).
  Type ct = g.intAttr("stash_type", 1) == 1 ? g.builder.getF32Type() : et;
  Emitter e{g};
  Value xc = ct == et ? x : e.make<aigraph::CastOp>(x, TypeAttr::get(ct));
  Value grouped = e.reshape(xc, {n, groups, c / groups * spatial});
  Value mean = e.reduceMeanKeep(grouped, {2});
  Value d = e.make<aigraph::SubOp>(grouped, mean);
  Value var = e.reduceMeanKeep(e.make<aigraph::MulOp>(d, d), {2});
  Value std = e.make<aigraph::SqrtOp>(e.make<aigraph::AddOp>(
      var, e.scalar(ct, g.floatAttr("epsilon", 1e-5f))));
  Value y = e.reshape(e.make<aigraph::DivOp>(d, std), t.getShape());
  if (ct != et)
    y = e.make<aigraph::CastOp>(y, TypeAttr::get(et));
  SmallVector<int64_t> chShape(rank, 1);
  chShape[1] = c;
  auto perChannel = [&](Value v) -> Value {
    if (!e.ok)
      return nullptr;
    auto vt = typeOf(v);
    int64_t count = vt.hasStaticShape() ? vt.getNumElements() : -1;
    if (count == groups && groups != c) {
      // One value per group: repeat it for the group's channels.
      v = e.reshape(v, {groups, 1});
      v = e.make<aigraph::ExpandOp>(
          v, g.builder.getDenseI64ArrayAttr({groups, c / groups}));
    } else if (count != c) {
      g.error() << "scale and bias need " << c << " or " << groups
                << " values, got " << typeOf(v);
      e.ok = false;
      return nullptr;
    }
    return e.reshape(v, chShape);
  };
  y = e.make<aigraph::MulOp>(y, perChannel(g.input(1)));
  y = e.make<aigraph::AddOp>(y, perChannel(g.input(2)));
  return e.bind(0, y);
}

/// MeanVarianceNormalization (ONNX's function): (x - E[x]) /
/// (sqrt(E[x^2] - E[x]^2) + 1e-9) over `axes` (default 0, 2, 3).
static LogicalResult importMeanVarianceNormalizationOp(GraphImporter &g) {
  if (failed(requireFloatNC(g, g.input(0), 1)))
    return failure();
  Value x = g.input(0);
  auto t = typeOf(x);
  auto normalized = normalizeAxes(
      g, g.attr("axes") ? g.intsAttr("axes") : SmallVector<int64_t>{0, 2, 3},
      t.getRank());
  if (failed(normalized))
    return failure();
  SmallVector<int64_t> axes = *normalized;
  llvm::sort(axes);
  Type et = t.getElementType();
  Emitter e{g};
  Value mean = e.reduceMeanKeep(x, axes);
  Value meanSq = e.reduceMeanKeep(e.make<aigraph::MulOp>(x, x), axes);
  Value var = e.make<aigraph::SubOp>(meanSq, e.make<aigraph::MulOp>(mean, mean));
  Value denom = e.make<aigraph::AddOp>(e.make<aigraph::SqrtOp>(var),
                                       e.scalar(et, 1e-9));
  return e.bind(0, e.make<aigraph::DivOp>(e.make<aigraph::SubOp>(x, mean),
                                          denom));
}

/// LRN: x / (bias + alpha / size * sum of x^2 over a window of `size`
/// channels centred on each channel)^beta.
static LogicalResult importLRNOp(GraphImporter &g) {
  if (failed(requireFloatNC(g, g.input(0), 3)))
    return failure();
  Value x = g.input(0);
  auto t = typeOf(x);
  int64_t size = g.intAttr("size", 0), c = t.getDimSize(1);
  if (size <= 0)
    return g.error() << "size must be positive, got " << size;
  // The zero channels padding the window are constants of x's shape.
  if (!t.hasStaticShape())
    return g.error() << "needs a static input shape, got " << t;
  Type et = t.getElementType();
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  Emitter e{g};
  Value sq = e.make<aigraph::MulOp>(x, x);
  // Zero channels on both sides, then one shifted slice per window offset.
  auto zeros = [&](int64_t count) {
    SmallVector<int64_t> shape(t.getShape());
    shape[1] = count;
    return g.constant(DenseElementsAttr::get(
        RankedTensorType::get(shape, et), g.builder.getZeroAttr(et)));
  };
  SmallVector<Value> parts;
  if (before)
    parts.push_back(zeros(before));
  parts.push_back(sq);
  if (after)
    parts.push_back(zeros(after));
  Value padded = parts.size() == 1 ? sq
                                   : e.make<aigraph::ConcatOp>(
                                         parts, g.builder.getI64IntegerAttr(1));
  Value sum;
  for (int64_t i = 0; i < size; ++i) {
    Value s = e.sliceAxis(padded, 1, i, i + c);
    sum = sum ? e.make<aigraph::AddOp>(sum, s) : s;
  }
  Value base = e.make<aigraph::AddOp>(
      e.scalar(et, g.floatAttr("bias", 1.0f)),
      e.make<aigraph::MulOp>(
          sum, e.scalar(et, g.floatAttr("alpha", 1e-4f) / (double)size)));
  Value denom = e.make<aigraph::PowOp>(
      base, e.scalar(et, g.floatAttr("beta", 0.75f)));
  return e.bind(0, e.make<aigraph::DivOp>(x, denom));
}

} // namespace coreai::onnx_import

void coreai::onnx_import::populateNormalizationsImporters(
    OpImporterTable &table) {
  table["GroupNormalization"] = {importGroupNormalizationOp, 3};
  table["MeanVarianceNormalization"] = {importMeanVarianceNormalizationOp, 1};
  table["LRN"] = {importLRNOp, 1};
}

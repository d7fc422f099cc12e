//===- OnnxGridSample.cpp - GridSample and AffineGrid ---------------------===//
//
// Each output point reads the input at coordinates from the grid, a run-time
// tensor, so the sampling becomes data-dependent gathers: the grid is
// unnormalized per spatial dim, padded (border clamps, reflection mirrors),
// and for every neighbour of the interpolation kernel (1 for nearest, 2 per
// dim for linear, 4 per dim for cubic) the input is gathered at the
// flattened index and weighted. Out-of-range neighbours read zero with
// zeros padding. Follows ONNX's reference implementation.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

struct Sampler {
  GraphImporter &g;
  Emitter &e;
  Type et;
  bool align;
  std::string padding;

  Value c(double v) { return e.scalar(et, v); }
  Value add(Value a, Value b) { return e.make<aigraph::AddOp>(a, b); }
  Value sub(Value a, Value b) { return e.make<aigraph::SubOp>(a, b); }
  Value mul(Value a, Value b) { return e.make<aigraph::MulOp>(a, b); }
  Value div(Value a, Value b) { return e.make<aigraph::DivOp>(a, b); }
  Value floor(Value a) { return e.make<aigraph::FloorOp>(a); }
  Value where(Value c, Value a, Value b) {
    return e.make<aigraph::WhereOp>(c, a, b);
  }
  Value clip(Value v, double lo, double hi) {
    return e.make<aigraph::ClipOp>(v, c(lo), c(hi));
  }

  /// Mirrors v into [lo, hi] (ONNX's reflect).
  Value reflect(Value v, double lo, double hi) {
    double range = hi - lo;
    if (range <= 0)
      return clip(v, lo, hi);
    Value below = e.make<aigraph::LessOp>(v, c(lo));
    Value above = e.make<aigraph::GreaterOp>(v, c(hi));
    Value dx = where(below, sub(c(lo), v), sub(v, c(hi)));
    Value n = floor(div(dx, c(range)));
    Value r = sub(dx, mul(n, c(range)));
    Value parity = sub(n, mul(c(2), floor(mul(n, c(0.5)))));
    Value even = e.make<aigraph::LessOp>(parity, c(0.5));
    Value fromLo = add(c(lo), r), fromHi = sub(c(hi), r);
    return where(below, where(even, fromLo, fromHi),
                 where(above, where(even, fromHi, fromLo), v));
  }

  /// The coordinate bounds that padding reflects into.
  std::pair<double, double> bounds(int64_t size) {
    return align ? std::make_pair(0.0, (double)(size - 1))
                 : std::make_pair(-0.5, (double)size - 0.5);
  }

  /// An integer-valued neighbour index with padding applied; `valid` is
  /// and-ed with its in-range test for zeros padding.
  Value pad(Value idx, int64_t size, Value &valid) {
    if (padding == "zeros") {
      Value in = e.make<aigraph::AndOp>(
          e.make<aigraph::GreaterEqualOp>(idx, c(0)),
          e.make<aigraph::LessEqualOp>(idx, c((double)(size - 1))));
      valid = valid ? e.make<aigraph::AndOp>(valid, in) : in;
    } else if (padding == "reflection") {
      auto [lo, hi] = bounds(size);
      idx = reflect(idx, lo, hi);
    }
    return clip(idx, 0, (double)(size - 1));
  }
};

} // namespace

namespace coreai::onnx_import {

static LogicalResult importGridSampleOp(GraphImporter &g) {
  Value x = g.input(0), grid = g.input(1);
  auto xt = typeOf(x), gt = typeOf(grid);
  int64_t rank = xt.getRank(), k = rank - 2;
  Type et = xt.getElementType();
  if (!isa<FloatType>(et) || k < 1 || gt.getRank() != rank ||
      gt.getShape().back() != k || gt.getElementType() != et ||
      gt.getDimSize(0) != xt.getDimSize(0))
    return g.error() << "expects float X [N, C, spatial...] and a grid "
                        "[N, out spatial..., "
                     << k << "] of the same type, got " << xt << " and " << gt;
  std::string mode = g.stringAttr("mode", g.opset >= 20 ? "linear" : "bilinear");
  if (mode == "bilinear")
    mode = "linear";
  if (mode == "bicubic")
    mode = "cubic";
  if (mode != "linear" && mode != "nearest" && mode != "cubic")
    return g.error() << "mode '" << mode << "' is not supported";
  Emitter e{g};
  Sampler s{g, e, et, g.intAttr("align_corners", 0) != 0,
            g.stringAttr("padding_mode", "zeros")};
  if (s.padding != "zeros" && s.padding != "border" &&
      s.padding != "reflection")
    return g.error() << "padding_mode '" << s.padding << "' is not supported";
  if (mode == "cubic" && k != 2)
    return g.error() << "cubic mode needs a 4-D input";

  int64_t n = xt.getDimSize(0), ch = xt.getDimSize(1), points = 1, total = 1;
  SmallVector<int64_t> sizes(xt.getShape().drop_front(2)),
      outSpatial(gt.getShape().drop_front().drop_back());
  for (int64_t d : outSpatial)
    points *= d;
  for (int64_t d : sizes)
    total *= d;

  // Unnormalized, padded coordinates per spatial dim: [N, points]. Grid
  // component 0 is the innermost dim (x), so dim i reads component k-1-i.
  SmallVector<Value> coords(k);
  for (int64_t i = 0; i < k; ++i) {
    int64_t comp = k - 1 - i, size = sizes[i];
    Value v = e.reshape(e.sliceAxis(grid, rank - 1, comp, comp + 1), {n, points});
    v = s.align ? s.mul(s.add(v, s.c(1)), s.c((size - 1) / 2.0))
                : s.div(s.sub(s.mul(s.add(v, s.c(1)), s.c((double)size)), s.c(1)),
                        s.c(2));
    if (s.padding == "border")
      v = s.clip(v, 0, (double)(size - 1));
    else if (s.padding == "reflection") {
      auto [lo, hi] = s.bounds(size);
      v = s.reflect(v, lo, hi);
    }
    coords[i] = v;
  }

  // Per dim: the kernel's neighbour indices and weights.
  SmallVector<SmallVector<std::pair<Value, Value>>> taps(k);
  double A = -0.75;
  for (int64_t i = 0; i < k; ++i) {
    Value v = coords[i];
    if (mode == "nearest") {
      taps[i].push_back({e.make<aigraph::RoundOp>(v), nullptr});
    } else if (mode == "linear") {
      Value i0 = s.floor(v), t = s.sub(v, i0);
      taps[i].push_back({i0, s.sub(s.c(1), t)});
      taps[i].push_back({s.add(i0, s.c(1)), t});
    } else {
      Value f = s.floor(v), t = s.sub(v, f);
      auto near = [&](Value d) { // |d| <= 1
        return s.add(s.mul(s.mul(s.sub(s.mul(s.c(A + 2), d), s.c(A + 3)), d), d),
                     s.c(1));
      };
      auto far = [&](Value d) { // 1 < |d| < 2
        return s.sub(
            s.mul(s.add(s.mul(s.sub(s.mul(s.c(A), d), s.c(5 * A)), d), s.c(8 * A)),
                  d),
            s.c(4 * A));
      };
      Value one = s.c(1);
      Value w0 = far(s.add(t, one)), w1 = near(t), w2 = near(s.sub(one, t)),
            w3 = far(s.sub(s.c(2), t));
      taps[i].push_back({s.sub(f, one), w0});
      taps[i].push_back({f, w1});
      taps[i].push_back({s.add(f, one), w2});
      taps[i].push_back({s.add(f, s.c(2)), w3});
    }
  }

  Value flatX = e.reshape(x, {n, ch, total});
  Value result;
  SmallVector<int64_t> pick(k, 0);
  while (e.ok) {
    Value flat, weight, valid;
    int64_t stride = 1;
    for (int64_t i = k - 1; i >= 0; --i) {
      auto [idx, w] = taps[i][pick[i]];
      Value p = s.pad(idx, sizes[i], valid);
      Value term = stride == 1 ? p : s.mul(p, s.c((double)stride));
      flat = flat ? s.add(flat, term) : term;
      if (w)
        weight = weight ? s.mul(weight, w) : w;
      stride *= sizes[i];
    }
    Value index = e.make<aigraph::CastOp>(
        flat, TypeAttr::get(g.builder.getIntegerType(64)));
    index = e.make<aigraph::ExpandOp>(e.reshape(index, {n, 1, points}),
                                      g.builder.getDenseI64ArrayAttr({n, ch, points}));
    Value val = e.make<aigraph::GatherElementsOp>(flatX, index,
                                                  g.builder.getI64IntegerAttr(2));
    if (valid)
      val = s.where(e.reshape(valid, {n, 1, points}), val, s.c(0));
    if (weight)
      val = s.mul(val, e.reshape(weight, {n, 1, points}));
    result = result ? s.add(result, val) : val;
    // Next neighbour combination (odometer over the dims).
    int64_t i = k - 1;
    while (i >= 0 && ++pick[i] == (int64_t)taps[i].size())
      pick[i--] = 0;
    if (i < 0)
      break;
  }
  SmallVector<int64_t> outShape = {n, ch};
  outShape.append(outSpatial);
  return e.bind(0, e.reshape(result, outShape));
}

} // namespace coreai::onnx_import

namespace coreai::onnx_import {

/// AffineGrid(theta [N, k, k+1], size): the sampling grid [N, spatial..., k]
/// of an affine transform: a constant base grid of normalized coordinates
/// (x, y[, z], 1) times theta^T, one matmul.
static LogicalResult importAffineGridOp(GraphImporter &g) {
  Value theta = g.input(0);
  auto tt = typeOf(theta);
  DenseElementsAttr sizeAttr = g.constantInput(1);
  if (!sizeAttr)
    return g.notConstant(1, "size", "it decides the output shape");
  SmallVector<int64_t> size;
  for (const APInt &v : sizeAttr.getValues<APInt>())
    size.push_back(v.getSExtValue());
  int64_t k = (int64_t)size.size() - 2;
  Type et = tt.getElementType();
  if ((k != 2 && k != 3) || !isa<FloatType>(et) || tt.getRank() != 3 ||
      tt.getDimSize(0) != size[0] || tt.getDimSize(1) != k ||
      tt.getDimSize(2) != k + 1)
    return g.error() << "expects theta [N, k, k+1] for a size of N, C and k = "
                        "2 or 3 spatial dims, got "
                     << tt << " and " << size.size() << " sizes";
  bool align = g.intAttr("align_corners", 0) != 0;
  auto lin = [&](int64_t i, int64_t n) {
    if (align)
      return n == 1 ? -1.0 : -1.0 + 2.0 * (double)i / (double)(n - 1);
    return (2.0 * (double)i + 1.0) / (double)n - 1.0;
  };
  SmallVector<int64_t> spatial(size.begin() + 2, size.end());
  int64_t points = 1;
  for (int64_t d : spatial)
    points *= d;
  // Rows (x, y[, z], 1) in row-major order over the spatial dims; x follows
  // the innermost dim.
  SmallVector<Attribute> base;
  auto ft = cast<FloatType>(et);
  for (int64_t p = 0; p < points; ++p) {
    SmallVector<double> coord(k);
    int64_t rest = p;
    for (int64_t i = k - 1; i >= 0; --i) {
      coord[k - 1 - i] = lin(rest % spatial[i], spatial[i]);
      rest /= spatial[i];
    }
    for (double c : coord)
      base.push_back(FloatAttr::get(ft, c));
    base.push_back(FloatAttr::get(ft, 1.0));
  }
  Emitter e{g};
  Value baseV = g.constant(DenseElementsAttr::get(
      RankedTensorType::get({1, points, k + 1}, et), base));
  Value grid = e.make<aigraph::MatMulOp>(baseV, e.transpose(theta, {0, 2, 1}));
  SmallVector<int64_t> outShape = {size[0]};
  outShape.append(spatial);
  outShape.push_back(k);
  return e.bind(0, e.reshape(grid, outShape));
}

} // namespace coreai::onnx_import

void coreai::onnx_import::populateGridSampleImporters(OpImporterTable &table) {
  table["GridSample"] = {importGridSampleOp, 2};
  table["AffineGrid"] = {importAffineGridOp, 2};
}

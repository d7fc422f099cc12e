//===- OnnxResize.cpp - ONNX Resize as separable gathers ------------------===//
//
// With static shapes and constant scales or sizes, every output position
// along a resized axis reads a few input positions with fixed weights. So
// Resize becomes, axis by axis, gathers at constant indices combined with
// constant weights: nearest (1 tap), linear (2 taps) and cubic (4 taps),
// all computed here following the ONNX coordinate transformation modes.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include <cmath>

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// Output coordinate -> input coordinate for one axis. As in the ONNX
/// spec, the resized length is `inSize * scale`, not rounded.
FailureOr<double> sourceCoordinate(StringRef mode, double x, double scale,
                                   int64_t inSize, int64_t outInt) {
  double outSize = inSize * scale;
  if (mode == "half_pixel")
    return (x + 0.5) / scale - 0.5;
  if (mode == "pytorch_half_pixel")
    return outSize > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
  if (mode == "align_corners")
    return outSize == 1 ? 0.0 : x * (double)(inSize - 1) / (outSize - 1);
  if (mode == "asymmetric")
    return x / scale;
  if (mode == "half_pixel_symmetric") {
    double adjustment = outInt / outSize;
    double center = inSize / 2.0;
    double offset = center * (1 - adjustment);
    return offset + (x + 0.5) / scale - 0.5;
  }
  return failure();
}

int64_t nearestIndex(StringRef mode, double x) {
  if (mode == "floor")
    return (int64_t)std::floor(x);
  if (mode == "ceil")
    return (int64_t)std::ceil(x);
  double f = std::floor(x);
  if (x - f == 0.5)
    return mode == "round_prefer_ceil" ? (int64_t)f + 1 : (int64_t)f;
  return (int64_t)std::round(x);
}

/// Keys' cubic convolution weights for the taps at -1, 0, 1, 2.
void cubicWeights(double t, double a, double w[4]) {
  auto k = [a](double x) {
    x = std::fabs(x);
    if (x <= 1)
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2)
      return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    return 0.0;
  };
  w[0] = k(t + 1), w[1] = k(t), w[2] = k(1 - t), w[3] = k(2 - t);
}

} // namespace

static LogicalResult importResizeOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  int64_t rank = t.getRank();
  Type et = t.getElementType();
  if (!t.hasStaticShape() || !isa<FloatType>(et))
    return g.error() << "expects a static floating-point input";
  std::string mode = g.stringAttr("mode", "nearest");
  std::string ctm = g.stringAttr("coordinate_transformation_mode",
                                 g.opset < 11 ? "asymmetric" : "half_pixel");
  std::string nearestMode = g.stringAttr("nearest_mode", "round_prefer_floor");
  if (g.opset < 11)
    nearestMode = "floor";
  if (g.intAttr("antialias", 0))
    return g.error() << "antialias is not supported yet";
  if (ctm == "tf_crop_and_resize")
    return g.error() << "coordinate_transformation_mode tf_crop_and_resize "
                        "is not supported yet";
  if (mode != "nearest" && mode != "linear" && mode != "cubic")
    return g.error() << "unknown mode '" << mode << "'";

  // Axes, then scales or sizes (compile-time constants: they decide the
  // output shape).
  auto given = normalizeAxes(g, g.intsAttr("axes"), rank);
  if (failed(given))
    return failure();
  SmallVector<int64_t> axes = given->empty() ? axesFrom(0, rank) : *given;
  SmallVector<double> scales(rank, 1.0);
  SmallVector<int64_t> outShape(t.getShape());
  int scalesInput = g.opset < 11 ? 1 : 2;
  DenseElementsAttr scalesAttr = g.constantInput(scalesInput);
  DenseElementsAttr sizesAttr = g.opset < 11 ? nullptr : g.constantInput(3);
  if (g.hasInput(scalesInput) && !scalesAttr)
    return g.notConstant(scalesInput, "scales", "they decide the output shape");
  if (g.hasInput(3) && !sizesAttr)
    return g.notConstant(3, "sizes", "they decide the output shape");
  if (scalesAttr && scalesAttr.getNumElements() > 0) {
    if (scalesAttr.getNumElements() != (int64_t)axes.size())
      return g.error() << "scales needs " << axes.size() << " entries";
    int i = 0;
    for (APFloat v : scalesAttr.getValues<APFloat>()) {
      int64_t ax = axes[i++];
      scales[ax] = v.convertToDouble();
      outShape[ax] = (int64_t)std::floor(t.getDimSize(ax) * scales[ax]);
    }
  } else if (sizesAttr) {
    if (sizesAttr.getNumElements() != (int64_t)axes.size())
      return g.error() << "sizes needs " << axes.size() << " entries";
    SmallVector<int64_t> sizes;
    for (APInt v : sizesAttr.getValues<APInt>())
      sizes.push_back(v.getSExtValue());
    std::string policy = g.stringAttr("keep_aspect_ratio_policy", "stretch");
    if (policy == "stretch") {
      for (size_t i = 0; i < axes.size(); ++i) {
        outShape[axes[i]] = sizes[i];
        scales[axes[i]] = (double)sizes[i] / t.getDimSize(axes[i]);
      }
    } else {
      double s = policy == "not_larger" ? INFINITY : 0;
      for (size_t i = 0; i < axes.size(); ++i) {
        double r = (double)sizes[i] / t.getDimSize(axes[i]);
        s = policy == "not_larger" ? std::min(s, r) : std::max(s, r);
      }
      for (int64_t ax : axes) {
        scales[ax] = s;
        outShape[ax] = (int64_t)std::round(s * t.getDimSize(ax));
      }
    }
  } else {
    return g.error() << "needs scales or sizes";
  }

  double cubicA = g.floatAttr("cubic_coeff_a", -0.75f);
  bool excludeOutside = g.intAttr("exclude_outside", 0) != 0;
  Emitter e{g};
  for (int64_t ax = 0; ax < rank; ++ax) {
    int64_t in = t.getDimSize(ax), out = outShape[ax];
    if (in == out && scales[ax] == 1.0)
      continue;
    if (out <= 0)
      return g.error() << "output dim " << ax << " would be empty";
    if (in == 0)
      return g.error() << "cannot resize the empty dim " << ax << " of " << t;
    // taps[k][o]: input index of tap k for output o; weights likewise.
    int taps = mode == "nearest" ? 1 : mode == "linear" ? 2 : 4;
    std::vector<std::vector<int64_t>> idx(taps, std::vector<int64_t>(out));
    std::vector<std::vector<double>> w(taps, std::vector<double>(out));
    for (int64_t o = 0; o < out; ++o) {
      auto src = sourceCoordinate(ctm, o, scales[ax], in, out);
      if (failed(src))
        return g.error() << "unknown coordinate_transformation_mode '" << ctm
                         << "'";
      double s = *src;
      auto clampIdx = [&](int64_t i) {
        return std::clamp<int64_t>(i, 0, in - 1);
      };
      if (taps == 1) {
        idx[0][o] = clampIdx(nearestIndex(nearestMode, s));
        w[0][o] = 1;
      } else if (taps == 2) {
        s = std::clamp(s, 0.0, (double)(in - 1));
        int64_t i0 = (int64_t)std::floor(s);
        double f = s - i0;
        idx[0][o] = clampIdx(i0), idx[1][o] = clampIdx(i0 + 1);
        w[0][o] = 1 - f, w[1][o] = f;
      } else {
        int64_t i0 = (int64_t)std::floor(s);
        double cw[4];
        cubicWeights(s - i0, cubicA, cw);
        double total = 0;
        for (int k = 0; k < 4; ++k) {
          int64_t i = i0 - 1 + k;
          if (excludeOutside && (i < 0 || i >= in))
            cw[k] = 0;
          total += cw[k];
          idx[k][o] = clampIdx(i);
        }
        for (int k = 0; k < 4; ++k)
          w[k][o] = excludeOutside && total != 0 ? cw[k] / total : cw[k];
      }
    }
    SmallVector<int64_t> wShape(rank, 1);
    wShape[ax] = out;
    Value acc;
    for (int k = 0; k < taps; ++k) {
      Value indices = g.constant(DenseElementsAttr::get(
          RankedTensorType::get({out}, g.builder.getI64Type()),
          ArrayRef<int64_t>(idx[k])));
      Value picked = e.make<aigraph::GatherOp>(
          x, indices, g.builder.getI64IntegerAttr(ax));
      if (taps > 1) {
        SmallVector<Attribute> wv;
        for (double v : w[k])
          wv.push_back(FloatAttr::get(et, v));
        Value weights = g.constant(DenseElementsAttr::get(
            RankedTensorType::get(wShape, et), wv));
        picked = e.make<aigraph::MulOp>(picked, weights);
      }
      acc = acc ? e.make<aigraph::AddOp>(acc, picked) : picked;
    }
    x = acc;
    if (!e.ok)
      return failure();
  }
  return e.bind(0, x);
}

void coreai::onnx_import::populateResizeImporters(OpImporterTable &table) {
  table["Resize"] = {importResizeOp, 1};
  table["Upsample"] = {importResizeOp, 1};
}

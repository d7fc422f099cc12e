//===- OnnxSignal.cpp - DFT and STFT as matmuls with constant bases -------===//
//
// The transform length is static, so a DFT along one axis is a matmul with
// cos/sin matrices computed here in double precision: O(N^2) per signal,
// which for the sizes ONNX models use (window lengths, spectrogram frames)
// is cheap and reuses the matmul code paths of every unit. STFT frames the
// signal with slices, applies the window and takes a one-sided DFT.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include <cmath>

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// A constant [rows, cols] matrix of fn(row, col).
Value basis(GraphImporter &g, Type et, int64_t rows, int64_t cols,
            llvm::function_ref<double(int64_t, int64_t)> fn) {
  SmallVector<Attribute> v;
  auto ft = cast<FloatType>(et);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      v.push_back(FloatAttr::get(ft, fn(r, c)));
  return g.constant(
      DenseElementsAttr::get(RankedTensorType::get({rows, cols}, et), v));
}

/// Component `k` (0 real, 1 imaginary) of `x` [..., 1 or 2], last dim removed;
/// null for the imaginary part of a real signal.
Value component(Emitter &e, Value x, int64_t k) {
  auto t = typeOf(x);
  if (k >= t.getShape().back())
    return nullptr;
  Value s = e.sliceAxis(x, t.getRank() - 1, k, k + 1);
  return e.reshape(s, t.getShape().drop_back());
}

/// DFT of `x` ([..., 1 or 2]) along `axis` with transform length `n`.
/// inverse && onesided is the inverse real DFT: the input holds bins
/// 0..n/2 and the output is real.
Value dft(GraphImporter &g, Emitter &e, Value x, int64_t axis, int64_t n,
          bool inverse, bool onesided) {
  if (!e.ok)
    return nullptr;
  auto t = typeOf(x);
  Type et = t.getElementType();
  int64_t rank = t.getRank(), nIn = t.getDimSize(axis);
  // Move the signal axis last (the complex dim is dropped first).
  SmallVector<int64_t> perm = moveAxisLast(axis, rank - 1);
  Value re = component(e, x, 0), im = component(e, x, 1);
  re = e.transpose(re, perm);
  if (im)
    im = e.transpose(im, perm);
  bool irfft = inverse && onesided;
  int64_t rows = irfft ? nIn : std::min(nIn, n);
  if (rows < nIn) { // a shorter transform truncates the signal
    re = e.sliceAxis(re, rank - 2, 0, rows);
    if (im)
      im = e.sliceAxis(im, rank - 2, 0, rows);
  }
  int64_t nOut = irfft ? n : onesided ? n / 2 + 1 : n;
  double scale = inverse ? 1.0 / (double)n : 1.0;
  auto angle = [&](int64_t k, int64_t m) {
    return 2.0 * M_PI * (double)((k * m) % n) / (double)n;
  };
  // Inverse real DFT: bins other than 0 and n/2 stand for their conjugate
  // mirror too, so they count twice.
  auto weight = [&](int64_t k) {
    if (!irfft)
      return scale;
    return (k == 0 || 2 * k == n) ? scale : 2.0 * scale;
  };
  double sign = inverse ? 1.0 : -1.0;
  Value cosM = basis(g, et, rows, nOut, [&](int64_t r, int64_t c) {
    return weight(r) * std::cos(angle(r, c));
  });
  Value sinM = basis(g, et, rows, nOut, [&](int64_t r, int64_t c) {
    return sign * weight(r) * std::sin(angle(r, c));
  });
  auto mm = [&](Value a, Value b) { return e.make<aigraph::MatMulOp>(a, b); };
  // (re + i im)(cos + i sin) = re cos - im sin + i (re sin + im cos).
  Value outRe = mm(re, cosM), outIm;
  if (im)
    outRe = e.make<aigraph::SubOp>(outRe, mm(im, sinM));
  if (!irfft) {
    outIm = mm(re, sinM);
    if (im)
      outIm = e.make<aigraph::AddOp>(outIm, mm(im, cosM));
  }
  // Back to [..., nOut at axis, ..., 1 or 2].
  if (!e.ok)
    return nullptr;
  SmallVector<int64_t> withC(typeOf(outRe).getShape());
  withC.push_back(1);
  Value out = e.reshape(outRe, withC);
  if (outIm)
    out = e.make<aigraph::ConcatOp>(ValueRange{out, e.reshape(outIm, withC)},
                                    g.builder.getI64IntegerAttr(rank - 1));
  // The complex dim stays last.
  SmallVector<int64_t> inv = invertPermutation(perm);
  inv.push_back(rank - 1);
  return e.transpose(out, inv);
}

FailureOr<int64_t> constantInt(GraphImporter &g, int i, StringRef what,
                               StringRef why) {
  DenseElementsAttr c = g.constantInput(i);
  if (!c)
    return g.notConstant(i, what, why);
  if (c.getNumElements() != 1)
    return g.error() << what << " must hold one value";
  return (*c.getValues<APInt>().begin()).getSExtValue();
}

} // namespace

namespace coreai::onnx_import {

/// DFT(input, dft_length?, axis? (opset 20)); axis an attribute before.
static LogicalResult importDFTOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  if (!isa<FloatType>(t.getElementType()) || t.getRank() < 2 ||
      t.getShape().back() < 1 || t.getShape().back() > 2)
    return g.error() << "expects a float [..., N, 1 or 2] signal, got " << t;
  int64_t axis = g.intAttr("axis", 1);
  if (g.opset >= 20) {
    axis = -2;
    if (g.hasInput(2)) {
      auto a = constantInt(g, 2, "axis", "it decides the output shape");
      if (failed(a))
        return failure();
      axis = *a;
    }
  }
  // The last dim holds the complex components, so it cannot be the axis.
  auto ax = normalizeAxis(g, axis, t.getRank() - 1);
  if (failed(ax))
    return failure();
  bool inverse = g.intAttr("inverse", 0) != 0,
       onesided = g.intAttr("onesided", 0) != 0;
  int64_t nIn = t.getDimSize(*ax);
  int64_t n = inverse && onesided ? 2 * (nIn - 1) : nIn;
  if (g.hasInput(1)) {
    auto len = constantInt(g, 1, "dft_length", "it decides the output shape");
    if (failed(len))
      return failure();
    n = *len;
  }
  if (n <= 0)
    return g.error() << "the transform length must be positive, got " << n;
  if (inverse && onesided && t.getShape().back() != 2)
    return g.error() << "the inverse one-sided DFT needs a complex input";
  Emitter e{g};
  return e.bind(0, dft(g, e, x, *ax, n, inverse, onesided));
}

/// STFT(signal, frame_step, window?, frame_length?).
static LogicalResult importSTFTOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  if (!isa<FloatType>(t.getElementType()) || t.getRank() != 3)
    return g.error() << "expects a float [batch, length, 1 or 2] signal, got "
                     << t;
  auto step = constantInt(g, 1, "frame_step", "it decides the output shape");
  if (failed(step))
    return failure();
  Value window = g.input(2);
  int64_t frameLen = window ? typeOf(window).getNumElements() : -1;
  if (g.hasInput(3)) {
    auto len = constantInt(g, 3, "frame_length", "it decides the output shape");
    if (failed(len))
      return failure();
    frameLen = *len;
  }
  if (frameLen <= 0 || *step <= 0 || frameLen > t.getDimSize(1))
    return g.error() << "needs a window or frame_length within the signal "
                        "and a positive frame_step";
  int64_t frames = (t.getDimSize(1) - frameLen) / *step + 1;
  Emitter e{g};
  SmallVector<Value> parts;
  for (int64_t f = 0; f < frames; ++f) {
    Value s = e.sliceAxis(x, 1, f * *step, f * *step + frameLen);
    if (!e.ok)
      return failure();
    SmallVector<int64_t> shape(typeOf(s).getShape());
    shape.insert(shape.begin() + 1, 1);
    parts.push_back(e.reshape(s, shape));
  }
  Value framed = parts.size() == 1
                     ? parts.front()
                     : e.make<aigraph::ConcatOp>(
                           parts, g.builder.getI64IntegerAttr(1));
  if (window)
    framed = e.make<aigraph::MulOp>(framed, e.reshape(window, {frameLen, 1}));
  bool onesided = g.intAttr("onesided", 1) != 0;
  return e.bind(0, dft(g, e, framed, 2, frameLen, false, onesided));
}

} // namespace coreai::onnx_import

void coreai::onnx_import::populateSignalImporters(OpImporterTable &table) {
  table["DFT"] = {importDFTOp, 1};
  table["STFT"] = {importSTFTOp, 2};
}

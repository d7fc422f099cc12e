//===- OnnxCausalConv.cpp - CausalConvWithState as a decomposition --------===//
//
// A depthwise 1-D convolution over [past_state, input] along time (no
// padding, so the output has the input's length), plus bias and an optional
// SiLU; present_state is the last K-1 frames of that concatenation, the
// state for the next call. A missing past_state is zeros.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

LogicalResult
coreai::onnx_import::importCausalConvWithStateOp(GraphImporter &g) {
  Value x = g.input(0), w = g.input(1);
  auto xt = typeOf(x), wt = typeOf(w);
  if (xt.getRank() != 3 || wt.getRank() != 3 ||
      wt.getDimSize(0) != xt.getDimSize(1) || wt.getDimSize(1) != 1 ||
      wt.isDynamicDim(2))
    return g.error() << "expects input N x C x L and depthwise weight "
                        "C x 1 x K, got "
                     << xt << " and " << wt;
  if (failed(requireFloat(g, x)))
    return failure();
  std::string act = g.stringAttr("activation", "none");
  if (act != "none" && act != "silu" && act != "swish")
    return g.error() << "activation '" << act << "' is not supported";
  int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), k = wt.getDimSize(2);
  Type et = xt.getElementType();
  // A zero state (past_state when absent, present_state when K is 1) is a
  // constant of shape N x C x ...
  bool zeroState = k > 1 ? !g.input(3) : g.node->output_size() > 1;
  if (zeroState && (ShapedType::isDynamic(n) || ShapedType::isDynamic(c)))
    return g.error() << "needs static batch and channel dimensions for a zero "
                        "state, got "
                     << xt;
  Emitter e{g};
  Value window = x;
  if (k > 1) {
    Value past = g.input(3);
    if (!past)
      past = g.constant(DenseElementsAttr::get(
          RankedTensorType::get({n, c, k - 1}, et),
          g.builder.getZeroAttr(et)));
    if (typeOf(past).getShape() != ArrayRef<int64_t>{n, c, k - 1})
      return g.error() << "past_state must be " << n << "x" << c << "x"
                       << k - 1 << ", got " << typeOf(past);
    window = e.make<aigraph::ConcatOp>(ValueRange{past, x},
                                       g.builder.getI64IntegerAttr(2));
  }
  auto &b = g.builder;
  Value y = e.make<aigraph::ConvOp>(
      window, w, g.input(2), b.getDenseI64ArrayAttr({1}),
      b.getDenseI64ArrayAttr({0, 0}), b.getDenseI64ArrayAttr({1}),
      b.getI64IntegerAttr(c));
  if (act != "none")
    y = e.make<aigraph::MulOp>(y, e.make<aigraph::SigmoidOp>(y));
  if (failed(e.bind(0, y)))
    return failure();
  if (g.node->output_size() > 1) {
    int64_t len = e.ok ? typeOf(window).getDimSize(2) : 0;
    Value present =
        k > 1 ? e.sliceAxis(window, 2, len - (k - 1), len)
              : g.constant(DenseElementsAttr::get(
                    RankedTensorType::get({n, c, 0}, et), b.getZeroAttr(et)));
    return e.bind(1, present);
  }
  return success();
}

void coreai::onnx_import::populateCausalConvImporters(OpImporterTable &table) {
  table["CausalConvWithState"] = {importCausalConvWithStateOp, 2};
}

//===- OnnxReductions.cpp - ReduceX, ArgMax and ArgMin --------------------===//
//
// Reductions over axes given as an attribute (older opsets) or an input,
// which must then be a compile-time constant: the axes decide the output
// shape.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// Reduction axes: an attribute before `inputSince`, else an optional input.
/// Returns the sorted, non-negative axes; none with noop_with_empty_axes
/// means identity (signalled by an empty result and `noop`).
FailureOr<SmallVector<int64_t>> reductionAxes(GraphImporter &g,
                                              int64_t inputSince, bool &noop) {
  int64_t rank = typeOf(g.input(0)).getRank();
  FailureOr<SmallVector<int64_t>> given =
      intsAttrOrInput(g, "axes", inputSince, 1);
  if (failed(given))
    return failure();
  SmallVector<int64_t> axes = *given;
  noop = false;
  if (axes.empty()) {
    if (g.opset >= inputSince && g.intAttr("noop_with_empty_axes", 0)) {
      noop = true;
      return axes;
    }
    return axesFrom(0, rank);
  }
  auto normalized = normalizeAxes(g, axes, rank);
  if (failed(normalized))
    return failure();
  axes = *normalized;
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

/// ReduceX; `InputSince`: the opset where its axes became an input.
template <typename OpT, int64_t InputSince = 18>
LogicalResult importReduce(GraphImporter &g) {
  bool noop;
  auto axes = reductionAxes(g, InputSince, noop);
  if (failed(axes))
    return failure();
  if (noop) {
    return g.emit<aigraph::IdentityOp>(0, g.input(0));
  }
  if (typeOf(g.input(0)).getRank() == 0) {
    return g.emit<aigraph::IdentityOp>(0, g.input(0));
  }
  return g.emit<OpT>(0, g.input(0), g.builder.getDenseI64ArrayAttr(*axes),
                     g.builder.getBoolAttr(g.intAttr("keepdims", 1)));
}

template <typename OpT> LogicalResult importArg(GraphImporter &g) {
  auto axis = axisAttr(g, 0);
  if (failed(axis))
    return failure();
  return g.emit<OpT>(0, g.input(0), g.builder.getI64IntegerAttr(*axis),
                     g.builder.getBoolAttr(g.intAttr("keepdims", 1)),
                     g.builder.getBoolAttr(g.intAttr("select_last_index", 0)));
}

} // namespace

void coreai::onnx_import::populateReductionsImporters(OpImporterTable &table) {
  using namespace aigraph;
  table["ReduceSum"] = {importReduce<ReduceSumOp, 13>, 1};
  table["ReduceMean"] = {importReduce<ReduceMeanOp>, 1};
  table["ReduceMax"] = {importReduce<ReduceMaxOp>, 1};
  table["ReduceMin"] = {importReduce<ReduceMinOp>, 1};
  table["ReduceProd"] = {importReduce<ReduceProdOp>, 1};
  table["ReduceL1"] = {importReduce<ReduceL1Op>, 1};
  table["ReduceL2"] = {importReduce<ReduceL2Op>, 1};
  table["ReduceSumSquare"] = {importReduce<ReduceSumSquareOp>, 1};
  table["ReduceLogSum"] = {importReduce<ReduceLogSumOp>, 1};
  table["ReduceLogSumExp"] = {importReduce<ReduceLogSumExpOp>, 1};
  table["ArgMax"] = {importArg<ArgMaxOp>, 1};
  table["ArgMin"] = {importArg<ArgMinOp>, 1};
}

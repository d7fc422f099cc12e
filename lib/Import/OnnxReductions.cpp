//===- OnnxReductions.cpp - ReduceX, ArgMax and ArgMin --------------------===//
//
// Reductions over axes given as an attribute (older opsets) or an input.
// Constant axes give a static output shape. Axes known only at run time
// decide the output's shape then: the reduction is built from one step per
// dim, each applied where the axes name that dim, and its result is a
// graph output of run-time shape (GraphImporter::setRuntimeShapedOutput).
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"
#include "lib/Import/RuntimeDims.h"

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
  // An axes input with no elements is empty whatever feeds it.
  bool emptyInput = g.opset >= inputSince && g.hasInput(1) &&
                    typeOf(g.input(1)).hasStaticShape() &&
                    typeOf(g.input(1)).getNumElements() == 0;
  FailureOr<SmallVector<int64_t>> given =
      emptyInput ? SmallVector<int64_t>()
                 : intsAttrOrInput(g, "axes", inputSince, 1);
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

/// What a reduction does to each element before (Pre) and to the result
/// after (Post) its composable step, e.g. ReduceL2 = sqrt(sum(x * x)).
enum class Pre { None, Abs, Square };
enum class Post { None, Sqrt, Log };

/// ReduceX over `axes`, an int64 input known only at run time. `StepOpT`
/// reduces one axis and composes (reducing d, then e, equals reducing both).
/// For each dim d in turn, y = where(d is an axis, step_d(y) broadcast
/// along d, y): after the last dim, index 0 of every reduced dim holds the
/// result. The extents say which dims were reduced: 1 (keepdims) or -1
/// (dropped) for those, the input's size for the others. Axes out of range
/// reduce nothing (kernels cannot report errors); duplicates count once.
template <typename StepOpT, Pre pre, Post post>
LogicalResult importReduceOverRuntimeAxes(GraphImporter &g) {
  RuntimeDims r{g};
  Emitter &e = r.e;
  Value x = g.input(0), axes = g.input(1);
  RankedTensorType xt = typeOf(x), at = typeOf(axes);
  int64_t rank = xt.getRank();
  if (!xt.hasStaticShape() || !at.hasStaticShape() || at.getRank() != 1)
    return g.error() << "reducing over axes given at run time needs a "
                        "static data shape and 1-D axes, got "
                     << xt << " and " << at;
  SmallVector<int64_t> shape(xt.getShape()),
      reducedExtent(rank, g.intAttr("keepdims", 1) ? 1 : -1);
  Value reduced = r.named(axes, rank); // whether some axis names dim d

  Value y = x;
  if (pre == Pre::Abs)
    y = e.make<aigraph::AbsOp>(y);
  else if (pre == Pre::Square)
    y = e.make<aigraph::MulOp>(y, y);
  for (int64_t d = 0; d < rank; ++d) {
    if (shape[d] == 1) // reducing it changes nothing but the extents
      continue;
    Value step = e.make<StepOpT>(y, g.builder.getDenseI64ArrayAttr({d}),
                                 g.builder.getBoolAttr(true));
    // An empty dim reduces to one element (the reduction's identity); kept,
    // it has extent 0, so that one element bounds it either way.
    y = shape[d] == 0 ? step
                      : e.make<aigraph::WhereOp>(
                            e.sliceAxis(reduced, 0, d, d + 1), step, y);
  }
  if (post == Post::Sqrt)
    y = e.make<aigraph::SqrtOp>(y);
  else if (post == Post::Log)
    y = e.make<aigraph::LogOp>(y);
  Value extents = e.make<aigraph::WhereOp>(
      reduced, r.vector(reducedExtent, {rank}), r.vector(shape, {rank}));
  if (!e.ok)
    return failure();
  g.setRuntimeShapedOutput(0, y, extents);
  return success();
}

/// Whether the reduction's axes are an input whose value is known only at
/// run time (and which names some axes: an empty one is static).
bool hasRuntimeAxes(GraphImporter &g, int64_t inputSince) {
  if (g.opset < inputSince || !g.hasInput(1) || g.constantInput(1))
    return false;
  RankedTensorType at = typeOf(g.input(1));
  return !at.hasStaticShape() || at.getNumElements() != 0;
}

/// ReduceX; `InputSince`: the opset where its axes became an input.
template <typename OpT, int64_t InputSince = 18, typename StepOpT = OpT,
          Pre pre = Pre::None, Post post = Post::None>
LogicalResult importReduce(GraphImporter &g) {
  // Means and logs of partial integer results would round at each step.
  constexpr bool needsFloat =
      post != Post::None || std::is_same_v<StepOpT, aigraph::ReduceMeanOp> ||
      std::is_same_v<StepOpT, aigraph::ReduceLogSumExpOp>;
  RankedTensorType xt = typeOf(g.input(0));
  if (hasRuntimeAxes(g, InputSince) && xt.getRank() > 0 &&
      (!needsFloat || isa<FloatType>(xt.getElementType())))
    return importReduceOverRuntimeAxes<StepOpT, pre, post>(g);
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
  table["ReduceL1"] = {importReduce<ReduceL1Op, 18, ReduceSumOp, Pre::Abs>, 1};
  table["ReduceL2"] = {
      importReduce<ReduceL2Op, 18, ReduceSumOp, Pre::Square, Post::Sqrt>, 1};
  table["ReduceSumSquare"] = {
      importReduce<ReduceSumSquareOp, 18, ReduceSumOp, Pre::Square>, 1};
  table["ReduceLogSum"] = {
      importReduce<ReduceLogSumOp, 18, ReduceSumOp, Pre::None, Post::Log>, 1};
  table["ReduceLogSumExp"] = {importReduce<ReduceLogSumExpOp>, 1};
  table["ArgMax"] = {importArg<ArgMaxOp>, 1};
  table["ArgMin"] = {importArg<ArgMinOp>, 1};
}

//===- OnnxLosses.cpp - GatherElements and the ONNX losses ----------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss decompose into
// aigraph ops as their ONNX function bodies do: pick each target's score
// with gather_elements, weight it (zero for ignore_index), and reduce.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

static LogicalResult importGatherElementsOp(GraphImporter &g) {
  auto axis = axisAttr(g, 0);
  if (failed(axis))
    return failure();
  return g.emit<aigraph::GatherElementsOp>(0, g.input(0), g.input(1),
                                           g.builder.getI64IntegerAttr(*axis));
}

namespace {

/// The NLL loss of log-probabilities `input` [N, C, d...] for `target`
/// [N, d...], bound to output 0.
LogicalResult nllLoss(GraphImporter &g, Emitter &e, Value input, Value target,
                      Value weight) {
  auto inType = typeOf(input), tType = typeOf(target);
  Type et = inType.getElementType();
  if (!isa<FloatType>(et) || !tType.getElementType().isSignlessInteger() ||
      !inType.hasStaticShape() || !tType.hasStaticShape())
    return g.error() << "expects static float scores and integer targets";
  if (inType.getRank() < 2 || tType.getRank() != inType.getRank() - 1)
    return g.error() << "scores must be N x C x d... and targets N x d...";
  std::string reduction = g.stringAttr("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean")
    return g.error() << "unknown reduction '" << reduction << "'";
  Type it = tType.getElementType();

  // Targets equal to ignore_index contribute nothing (weight 0) and are
  // gathered as class 0 to stay in bounds.
  Value valid, safeTarget = target;
  if (g.attr("ignore_index")) {
    Value ignore = e.intScalar(it, g.intAttr("ignore_index", 0));
    valid = e.make<aigraph::NotOp>(e.make<aigraph::EqualOp>(target, ignore));
    safeTarget = e.make<aigraph::WhereOp>(valid, target, e.intScalar(it, 0));
  }
  SmallVector<int64_t> idxShape(tType.getShape());
  idxShape.insert(idxShape.begin() + 1, 1);
  Value picked = e.make<aigraph::GatherElementsOp>(
      input, e.reshape(safeTarget, idxShape), g.builder.getI64IntegerAttr(1));
  Value loss = e.make<aigraph::NegOp>(e.reshape(picked, tType.getShape()));

  Value w;
  if (weight)
    w = e.make<aigraph::GatherOp>(weight, safeTarget,
                                  g.builder.getI64IntegerAttr(0));
  if (valid) {
    Value ones = w ? w
                   : e.make<aigraph::ExpandOp>(
                         e.scalar(et, 1.0),
                         g.builder.getDenseI64ArrayAttr(tType.getShape()));
    w = e.make<aigraph::WhereOp>(valid, ones, e.scalar(et, 0.0));
  }
  if (w)
    loss = e.make<aigraph::MulOp>(loss, w);
  if (!e.ok)
    return failure();

  SmallVector<int64_t> all = axesFrom(0, tType.getRank());
  auto sumAll = [&](Value v) {
    return e.make<aigraph::ReduceSumOp>(v, g.builder.getDenseI64ArrayAttr(all),
                                        g.builder.getBoolAttr(false));
  };
  if (reduction == "sum") {
    loss = sumAll(loss);
  } else if (reduction == "mean") {
    loss = w ? e.make<aigraph::DivOp>(sumAll(loss), sumAll(w))
             : e.make<aigraph::ReduceMeanOp>(
                   loss, g.builder.getDenseI64ArrayAttr(all),
                   g.builder.getBoolAttr(false));
  }
  return e.bind(0, loss);
}

} // namespace

static LogicalResult importNLLLossOp(GraphImporter &g) {
  Emitter e{g};
  return nllLoss(g, e, g.input(0), g.input(1), g.input(2));
}

static LogicalResult importSoftmaxCrossEntropyLossOp(GraphImporter &g) {
  Value scores = g.input(0);
  if (typeOf(scores).getRank() < 2)
    return g.error() << "scores must be N x C x d...";
  Emitter e{g};
  Value logProb = e.make<aigraph::LogSoftmaxOp>(
      scores, g.builder.getI64IntegerAttr(1));
  if (!e.ok)
    return failure();
  if (failed(nllLoss(g, e, logProb, g.input(1), g.input(2))))
    return failure();
  g.setOutput(1, logProb);
  return success();
}

void coreai::onnx_import::populateLossesImporters(OpImporterTable &table) {
  table["GatherElements"] = {importGatherElementsOp, 2};
  table["NegativeLogLikelihoodLoss"] = {importNLLLossOp, 2};
  table["SoftmaxCrossEntropyLoss"] = {importSoftmaxCrossEntropyLossOp, 2};
}

//===- NormalizationLayers.cpp - Softmax and LayerNorm as engine layers ---===//
#include "lib/Target/ANE/LayerPatterns.h"

using namespace mlir;

namespace coreai::anelower {
using aigraph::constantValueOf;

namespace {

int64_t positiveAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// Softmax over the last axis, which fits in SRAM: one ane.softmax.
struct SoftmaxLayer : LayerPatternFor<aigraph::SoftmaxOp> {
  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    auto sm = cast<aigraph::SoftmaxOp>(op);
    int64_t rank = sm.getInput().getType().getRank();
    int64_t axis = positiveAxis(sm.getAxis(), rank);
    if (axis != rank - 1)
      return "softmax over an axis that is not the last";
    const OpLimits *l = nullptr;
    if (std::string why = whyNotListed(e, "softmax", l); !why.empty())
      return why;
    return whyNotAxisLength(*l, sm.getInput().getType().getDimSize(axis),
                            "softmax axis");
  }
  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    auto sm = cast<aigraph::SoftmaxOp>(op);
    Location loc = op->getLoc();
    return ane::SoftmaxOp::create(b.builder(), loc,
                                  halfType(op->getResult(0).getType()),
                                  b.half(sm.getInput(), loc), IntegerAttr(),
                                  IntegerAttr(), UnitAttr())
        .getResult();
  }
};

/// Normalization over the last axis with a constant scale and bias per
/// channel: one ane.layer_norm.
struct LayerNormLayer : LayerPatternFor<aigraph::LayerNormOp> {
  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    auto ln = cast<aigraph::LayerNormOp>(op);
    int64_t rank = ln.getInput().getType().getRank();
    if (positiveAxis(ln.getAxis(), rank) != rank - 1)
      return "normalization over more than the last axis";
    const OpLimits *l = nullptr;
    if (std::string why = whyNotListed(e, "layer_norm", l); !why.empty())
      return why;
    int64_t c = ln.getInput().getType().getShape().back();
    for (Value v : {ln.getScale(), ln.getBias()})
      if (v && (!constantValueOf(v) ||
                cast<RankedTensorType>(v.getType()).getNumElements() != c))
        return "a scale or bias that is not a constant per channel";
    return whyNotAxisLength(*l, c, "normalized axis");
  }
  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    auto ln = cast<aigraph::LayerNormOp>(op);
    Location loc = op->getLoc();
    RankedTensorType outType = halfType(op->getResult(0).getType());
    int64_t c = outType.getShape().back();
    Value input = b.half(ln.getInput(), loc);
    Value scale =
        b.constant({c}, valuesOf(constantValueOf(ln.getScale())), loc);
    Value bias =
        ln.getBias()
            ? b.constant({c}, valuesOf(constantValueOf(ln.getBias())), loc)
            : Value();
    OpBuilder &ob = b.builder();
    return ane::LayerNormOp::create(
               ob, loc, outType, input, scale, bias,
               ob.getF32FloatAttr(ln.getEpsilon().convertToDouble()),
               IntegerAttr(), IntegerAttr(), UnitAttr())
        .getResult();
  }
};

} // namespace

void populateNormalizationLayerPatterns(LayerPatternSet &set) {
  set.add<SoftmaxLayer, LayerNormLayer>();
}

} // namespace coreai::anelower

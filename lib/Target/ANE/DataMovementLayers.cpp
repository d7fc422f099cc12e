//===- DataMovementLayers.cpp - Reshapes, transposes, slices and concats --===//
//
// What only moves data: a reshape is a view of the same fp16 elements, the
// others are DMA copies.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/ANE/LayerPatterns.h"

using namespace mlir;

namespace coreai::anelower {
using aigraph::constantValueOf;

namespace {

RankedTensorType resultHalfType(Operation *op) {
  return halfType(op->getResult(0).getType());
}

/// Identity, Reshape and Flatten: a new shape for the same elements.
struct ReshapeLayer : LayerPatternFor<aigraph::IdentityOp, aigraph::ReshapeOp,
                                      aigraph::FlattenOp> {
  std::string whyNot(Operation *, const EngineDescription &) const override {
    return "";
  }
  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    Location loc = op->getLoc();
    return b.reshape(b.half(op->getOperand(0), loc),
                     resultHalfType(op).getShape(), loc);
  }
  bool movesNoData() const override { return true; }
};

struct TransposeLayer : LayerPatternFor<aigraph::TransposeOp> {
  std::string whyNot(Operation *, const EngineDescription &e) const override {
    return whyNotListed(e, "transpose");
  }
  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    auto t = cast<aigraph::TransposeOp>(op);
    Location loc = op->getLoc();
    return ane::TransposeOp::create(b.builder(), loc, resultHalfType(op),
                                    b.half(t.getInput(), loc), t.getPermAttr())
        .getResult();
  }
};

/// A box of every dim with unit steps.
struct SliceLayer : LayerPatternFor<aigraph::SliceOp> {
  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    auto slice = cast<aigraph::SliceOp>(op);
    if (std::string why = whyNotListed(e, "slice"); !why.empty())
      return why;
    ArrayRef<int64_t> in = slice.getInput().getType().getShape();
    if (slice.getStarts().size() != in.size() ||
        slice.getSteps().size() != in.size())
      return "a slice of some dims only";
    for (size_t d = 0; d < in.size(); ++d)
      if (slice.getSteps()[d] != 1 || slice.getStarts()[d] < 0 ||
          slice.getStarts()[d] > in[d])
        return "a strided or reversed slice";
    return "";
  }
  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    auto slice = cast<aigraph::SliceOp>(op);
    Location loc = op->getLoc();
    return ane::SliceOp::create(b.builder(), loc, resultHalfType(op),
                                b.half(slice.getInput(), loc),
                                slice.getStartsAttr())
        .getResult();
  }
};

/// Concatenation of engine tensors (constants would be copied every run).
struct ConcatLayer : LayerPatternFor<aigraph::ConcatOp> {
  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    for (Value v : cast<aigraph::ConcatOp>(op).getInputs())
      if (constantValueOf(v))
        return "a constant input";
    return whyNotListed(e, "concat");
  }
  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    auto concat = cast<aigraph::ConcatOp>(op);
    Location loc = op->getLoc();
    SmallVector<Value> inputs;
    for (Value v : concat.getInputs())
      inputs.push_back(b.half(v, loc));
    RankedTensorType outType = resultHalfType(op);
    int64_t axis = concat.getAxis();
    if (axis < 0)
      axis += outType.getRank();
    OpBuilder &ob = b.builder();
    return ane::ConcatOp::create(ob, loc, outType, inputs,
                                 ob.getI64IntegerAttr(axis))
        .getResult();
  }
};

} // namespace

void populateDataMovementLayerPatterns(LayerPatternSet &set) {
  set.add<ReshapeLayer, TransposeLayer, SliceLayer, ConcatLayer>();
}

} // namespace coreai::anelower

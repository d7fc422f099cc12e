//===- ElementwiseLayers.cpp - Arithmetic and activations as engine layers ===//
#include "lib/Target/ANE/LayerPatterns.h"

#include "lib/NeuralEngine/TensorLayout.h"

#include <cmath>

using namespace mlir;

namespace coreai::anelower {
using aigraph::constantValueOf;

namespace {

/// An elementwise add/sub/mul as the engine runs it: `big` op `small`, where
/// `small` has big's shape or is one value per channel (dim 1 of a rank-4
/// tensor, else the last dim); `swapped` when the graph op had them the other
/// way round (only for add and mul).
struct ElementwiseForm {
  Value big, small;
  bool swapped = false;
  bool perChannel = false;
  int64_t channels = 0;
};

/// The form of `op` (aigraph.add/sub/mul/div), or why the engine cannot
/// take it.
std::string elementwiseForm(Operation *op, ElementwiseForm &form) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  auto out = cast<RankedTensorType>(op->getResult(0).getType());
  bool commutes = isa<aigraph::AddOp, aigraph::MulOp>(op);
  auto fits = [&](Value big, Value small) {
    auto b = cast<RankedTensorType>(big.getType());
    auto s = cast<RankedTensorType>(small.getType());
    if (b.getShape() != out.getShape())
      return false;
    form.big = big;
    form.small = small;
    form.perChannel = false;
    if (s.getShape() == b.getShape())
      return true;
    // Right-aligned, every dim of `small` but the channel dim must be 1.
    int64_t r = b.getRank(), c = runtime::ane::channelDim(r),
            off = r - s.getRank();
    if (off < 0)
      return false;
    for (int64_t d = 0; d < s.getRank(); ++d)
      if (s.getDimSize(d) != 1 &&
          (d + off != c || s.getDimSize(d) != b.getDimSize(c)))
        return false;
    // A broadcast scalar is expanded per channel at compile time, so it
    // must be a constant.
    if (s.getNumElements() == 1 && b.getDimSize(c) != 1 &&
        !isScalarConstant(small))
      return false;
    form.perChannel = true;
    form.channels = b.getDimSize(c);
    return true;
  };
  if (fits(lhs, rhs))
    return "";
  if (commutes && fits(rhs, lhs)) {
    form.swapped = true;
    return "";
  }
  return "broadcast of " +
         dims(cast<RankedTensorType>(rhs.getType()).getShape()) + " to " +
         dims(cast<RankedTensorType>(lhs.getType()).getShape()) +
         " is neither elementwise nor per channel";
}

/// Add, Sub, Mul, and Div by a constant (a product with its reciprocal):
/// one ane.elementwise.
struct ArithmeticLayer : LayerPatternFor<aigraph::AddOp, aigraph::SubOp,
                                         aigraph::MulOp, aigraph::DivOp> {
  /// The graph op's name is the layer's kind, except that x / c runs as
  /// x * (1 / c).
  static ane::ElementwiseKind kindOf(Operation *op) {
    if (isa<aigraph::DivOp>(op))
      return ane::ElementwiseKind::mul;
    return *ane::symbolizeElementwiseKind(op->getName().stripDialect());
  }

  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    bool div = isa<aigraph::DivOp>(op);
    if (std::string why =
            whyNotListed(e, ane::stringifyElementwiseKind(kindOf(op)).str());
        !why.empty())
      return why;
    if (constantValueOf(op->getOperand(0)) &&
        constantValueOf(op->getOperand(1)))
      return "both operands are constants";
    if (div && !constantValueOf(op->getOperand(1)))
      return "a divisor that is not a constant";
    if (div)
      for (APFloat v :
           constantValueOf(op->getOperand(1)).getValues<APFloat>()) {
        // x / c runs as x * (1 / c): the reciprocal must be a normal fp16.
        double r = 1.0 / v.convertToDouble();
        if (!std::isfinite(r) || std::abs(r) > 65504.0 ||
            std::abs(r) < 6.103515625e-05)
          return "a divisor whose reciprocal fp16 cannot hold";
      }
    ElementwiseForm form;
    return elementwiseForm(op, form);
  }

  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    Location loc = op->getLoc();
    ElementwiseForm form;
    elementwiseForm(op, form); // checked by whyNot
    Value big = b.half(form.big, loc);
    // x / c is x * (1 / c), the reciprocal rounded to fp16 once.
    bool div = isa<aigraph::DivOp>(op);
    auto smallShape = cast<RankedTensorType>(form.small.getType()).getShape();
    auto smallHalf = [&]() {
      if (!div)
        return b.half(form.small, loc);
      std::vector<double> r = valuesOf(constantValueOf(form.small));
      for (double &x : r)
        x = 1.0 / x;
      return b.constant(smallShape, r, loc);
    };
    Value small;
    if (!form.perChannel) {
      small = smallHalf();
    } else if (DenseElementsAttr c = constantValueOf(form.small);
               c && c.getNumElements() == 1) {
      double v = valuesOf(c)[0];
      small = b.constant({form.channels},
                         std::vector<double>(form.channels, div ? 1.0 / v : v),
                         loc);
    } else {
      small = b.reshape(smallHalf(), {form.channels}, loc);
    }
    OpBuilder &ob = b.builder();
    return ane::ElementwiseOp::create(
               ob, loc, halfType(op->getResult(0).getType()), big, small,
               ane::ElementwiseKindAttr::get(ob.getContext(), kindOf(op)),
               IntegerAttr(), IntegerAttr(), UnitAttr(),
               ane::ActivationKindAttr(), FloatAttr(), FloatAttr())
        .getResult();
  }
};

/// Relu and Clip with constant bounds (exact), Sigmoid, Tanh and Erf (by
/// lookup table): one ane.activation.
struct ActivationLayer
    : LayerPatternFor<aigraph::ReluOp, aigraph::SigmoidOp, aigraph::TanhOp,
                      aigraph::ErfOp, aigraph::ClipOp> {
  /// The graph op's name is the activation's kind.
  static ane::ActivationKind kindOf(Operation *op) {
    return *ane::symbolizeActivationKind(op->getName().stripDialect());
  }

  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    if (auto clip = dyn_cast<aigraph::ClipOp>(op))
      if ((clip.getMin() && !isScalarConstant(clip.getMin())) ||
          (clip.getMax() && !isScalarConstant(clip.getMax())))
        return "bounds that are not constants";
    return whyNotListed(e, ane::stringifyActivationKind(kindOf(op)).str());
  }

  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    Location loc = op->getLoc();
    OpBuilder &ob = b.builder();
    ane::ActivationKind kind = kindOf(op);
    FloatAttr lo, hi;
    IntegerAttr entries;
    if (auto clip = dyn_cast<aigraph::ClipOp>(op)) {
      // An absent bound does not clamp (infinity is an fp16 value).
      auto bound = [&](Value v, double dflt) {
        return ob.getF32FloatAttr(v ? valuesOf(constantValueOf(v))[0] : dflt);
      };
      lo = bound(clip.getMin(), -INFINITY);
      hi = bound(clip.getMax(), INFINITY);
    }
    if (kind != ane::ActivationKind::relu &&
        kind != ane::ActivationKind::clip) {
      int64_t n = b.engine()
                      .ops.at(ane::stringifyActivationKind(kind).str())
                      .tableEntries;
      entries = ob.getI64IntegerAttr(n ? n : 256);
    }
    return ane::ActivationOp::create(
               ob, loc, halfType(op->getResult(0).getType()),
               b.half(op->getOperand(0), loc),
               ane::ActivationKindAttr::get(ob.getContext(), kind), lo, hi,
               entries, IntegerAttr(), IntegerAttr(), UnitAttr())
        .getResult();
  }
};

} // namespace

void populateElementwiseLayerPatterns(LayerPatternSet &set) {
  set.add<ArithmeticLayer, ActivationLayer>();
}

} // namespace coreai::anelower

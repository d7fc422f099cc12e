//===- ContractionLayers.cpp - Conv, Gemm and MatMul as engine layers -----===//
#include "lib/Target/ANE/LayerPatterns.h"

using namespace mlir;

namespace coreai::anelower {
using aigraph::constantValueOf;

namespace {

/// 2-D convolutions with constant weights: one ane.conv.
struct ConvLayer : LayerPatternFor<aigraph::ConvOp> {
  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    auto conv = cast<aigraph::ConvOp>(op);
    if (conv.getInput().getType().getRank() != 4)
      return std::to_string(conv.getInput().getType().getRank() - 2) +
             "-D convolution (the engine has 2-D)";
    if (!constantValueOf(conv.getWeight()))
      return "weights that are not constants";
    if (conv.getBias() && !constantValueOf(conv.getBias()))
      return "a bias that is not a constant";
    const OpLimits *l = nullptr;
    if (std::string why = whyNotListed(e, "conv", l); !why.empty())
      return why;
    ArrayRef<int64_t> w = conv.getWeight().getType().getShape();
    return whyNotWindow(*l, {w[2], w[3]}, conv.getStrides(),
                        conv.getDilations());
  }

  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    auto conv = cast<aigraph::ConvOp>(op);
    Location loc = op->getLoc();
    // One statement per operand: the prologue's order must not depend on
    // the host compiler's order of evaluating call arguments.
    Value input = b.half(conv.getInput(), loc);
    Value weight = b.half(conv.getWeight(), loc);
    Value bias = conv.getBias() ? b.half(conv.getBias(), loc) : Value();
    OpBuilder &ob = b.builder();
    return ane::ConvOp::create(
               ob, loc, halfType(op->getResult(0).getType()), input, weight,
               bias, conv.getStridesAttr(), conv.getPadsAttr(),
               conv.getDilationsAttr(), ob.getI64IntegerAttr(conv.getGroup()),
               IntegerAttr(), IntegerAttr(), UnitAttr(),
               ane::ActivationKindAttr(), FloatAttr(), FloatAttr())
        .getResult();
  }
};

/// Gemm with constant weights and a constant bias per column: one
/// ane.matmul, alpha and beta folded into the constants.
struct GemmLayer : LayerPatternFor<aigraph::GemmOp> {
  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    auto gemm = cast<aigraph::GemmOp>(op);
    if (gemm.getTransA())
      return "a transposed left operand";
    if (!constantValueOf(gemm.getB()))
      return "a right operand that is not a constant";
    if (Value c = gemm.getC()) {
      auto ct = cast<RankedTensorType>(c.getType());
      int64_t n = cast<RankedTensorType>(gemm.getType()).getDimSize(1);
      bool perColumn = ct.getNumElements() == 1 ||
                       (ct.getNumElements() == n && ct.getShape().back() == n);
      if (!constantValueOf(c) || !perColumn)
        return "a bias that is not a constant per output column";
    }
    return whyNotListed(e, "matmul");
  }

  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    auto gemm = cast<aigraph::GemmOp>(op);
    Location loc = op->getLoc();
    // Weights as [K, N], scaled by alpha; the bias per column, by beta.
    auto bt = cast<RankedTensorType>(gemm.getB().getType());
    std::vector<double> w = valuesOf(constantValueOf(gemm.getB()));
    int64_t k = bt.getDimSize(gemm.getTransB() ? 1 : 0);
    int64_t n = bt.getDimSize(gemm.getTransB() ? 0 : 1);
    double alpha = gemm.getAlpha().convertToDouble();
    std::vector<double> kn(k * n);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < n; ++j)
        kn[i * n + j] =
            alpha * (gemm.getTransB() ? w[j * k + i] : w[i * n + j]);
    Value input = b.half(gemm.getA(), loc);
    Value weight = b.constant({k, n}, kn, loc);
    Value bias;
    if (Value c = gemm.getC()) {
      std::vector<double> cv = valuesOf(constantValueOf(c));
      double beta = gemm.getBeta().convertToDouble();
      std::vector<double> col(n);
      for (int64_t j = 0; j < n; ++j)
        col[j] = beta * cv[cv.size() == 1 ? 0 : j];
      bias = b.constant({n}, col, loc);
    }
    return ane::MatMulOp::create(
               b.builder(), loc, halfType(op->getResult(0).getType()), input,
               weight, bias, IntegerAttr(), IntegerAttr(), UnitAttr(),
               ane::ActivationKindAttr(), FloatAttr(), FloatAttr())
        .getResult();
  }
};

/// MatMul: with constant 2-D weights, one ane.matmul over the left
/// operand's leading dims as rows; of two engine tensors with the same batch
/// dims, one ane.batch_matmul.
struct MatMulLayer : LayerPatternFor<aigraph::MatMulOp> {
  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    auto mm = cast<aigraph::MatMulOp>(op);
    auto lhs = mm.getLhs().getType(), rhs = mm.getRhs().getType();
    if (lhs.getRank() < 2)
      return "a vector left operand";
    if (constantValueOf(mm.getRhs())) {
      if (rhs.getRank() != 2)
        return "batched constant weights";
      return whyNotListed(e, "matmul");
    }
    if (rhs.getRank() != lhs.getRank() ||
        lhs.getShape().drop_back(2) != rhs.getShape().drop_back(2))
      return "a product of two tensors whose batch dims differ";
    return whyNotListed(e, "batch_matmul");
  }

  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    auto matmul = cast<aigraph::MatMulOp>(op);
    Location loc = op->getLoc();
    OpBuilder &ob = b.builder();
    ArrayRef<int64_t> lhs = matmul.getLhs().getType().getShape();
    ArrayRef<int64_t> out =
        cast<RankedTensorType>(op->getResult(0).getType()).getShape();
    if (!constantValueOf(matmul.getRhs())) {
      // Batch dims flattened into one: [B, M, K] x [B, K, N].
      ArrayRef<int64_t> rhs = matmul.getRhs().getType().getShape();
      int64_t batch = 1, m = lhs[lhs.size() - 2], k = lhs.back(),
              n = rhs.back();
      for (int64_t d : lhs.drop_back(2))
        batch *= d;
      Value a = b.reshape(b.half(matmul.getLhs(), loc), {batch, m, k}, loc);
      Value r = b.reshape(b.half(matmul.getRhs(), loc), {batch, k, n}, loc);
      auto mm = ane::BatchMatMulOp::create(
          ob, loc, RankedTensorType::get({batch, m, n}, ob.getF16Type()), a, r,
          IntegerAttr(), IntegerAttr(), UnitAttr());
      return b.reshape(mm.getResult(), out, loc);
    }
    // Leading dims of the left operand become rows of one [M, K] matmul.
    auto rt = matmul.getRhs().getType();
    int64_t k = lhs.back(), n = rt.getDimSize(1), m = 1;
    for (int64_t d : lhs.drop_back())
      m *= d;
    Value a = b.reshape(b.half(matmul.getLhs(), loc), {m, k}, loc);
    Value weight = b.half(matmul.getRhs(), loc);
    auto mm = ane::MatMulOp::create(
        ob, loc, RankedTensorType::get({m, n}, ob.getF16Type()), a, weight,
        Value(), IntegerAttr(), IntegerAttr(), UnitAttr(),
        ane::ActivationKindAttr(), FloatAttr(), FloatAttr());
    return b.reshape(mm.getResult(), out, loc);
  }
};

} // namespace

void populateContractionLayerPatterns(LayerPatternSet &set) {
  set.add<ConvLayer, GemmLayer, MatMulLayer>();
}

} // namespace coreai::anelower

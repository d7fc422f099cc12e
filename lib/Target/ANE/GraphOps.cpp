//===- GraphOps.cpp - What the neural engine can take, and why not --------===//
#include "lib/Target/ANE/GraphOps.h"

#include "dialects/AIGraph/AIGraph.h"
#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cmath>

using namespace mlir;
namespace aigraph = coreai::aigraph;

namespace coreai::anelower {
namespace {

std::string str(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

std::string dims(ArrayRef<int64_t> d) {
  std::string s;
  for (int64_t x : d)
    s += (s.empty() ? "" : "x") + std::to_string(x);
  return s;
}

std::string whyNotTensor(Type type, const EngineDescription &e) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t)
    return "operand of type " + str(type) + " is not a ranked tensor";
  if (!t.hasStaticShape())
    return "dynamic shape";
  if (t.getNumElements() == 0)
    return "empty tensor";
  Type elem = t.getElementType();
  if (auto it = dyn_cast<IntegerType>(elem))
    return (it.getWidth() == 1 ? std::string("bool")
                               : "int" + std::to_string(it.getWidth())) +
           " tensor";
  if (!elem.isF32() && !elem.isF16())
    return str(elem) + " tensor (the engine computes in fp16)";
  if (t.getRank() > e.maxRank)
    return "rank " + std::to_string(t.getRank()) + " exceeds " +
           std::to_string(e.maxRank);
  for (int64_t d : t.getShape())
    if (e.maxDim && d > e.maxDim)
      return "dim " + std::to_string(d) + " exceeds " +
             std::to_string(e.maxDim);
  return "";
}

/// The op kind's limits in the description, or why the engine lacks it.
std::string whyNotListed(const EngineDescription &e, const std::string &kind,
                         const OpLimits *&limits) {
  auto it = e.ops.find(kind);
  if (it == e.ops.end())
    return "engine " + e.name + " has no " + kind + " layer";
  limits = &it->second;
  return "";
}

std::string whyNotWindow(const OpLimits &l, ArrayRef<int64_t> kernel,
                         ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations) {
  if (kernel.size() != 2)
    return std::to_string(kernel.size()) + "-D window (the engine has 2-D)";
  if (l.maxKernel && (kernel[0] > l.maxKernel || kernel[1] > l.maxKernel))
    return "kernel " + dims(kernel) + " exceeds " +
           dims({l.maxKernel, l.maxKernel});
  for (int64_t s : strides)
    if (l.maxStride && s > l.maxStride)
      return "stride " + std::to_string(s) + " exceeds " +
             std::to_string(l.maxStride);
  for (int64_t d : dilations)
    if (l.maxDilation && d > l.maxDilation)
      return "dilation " + std::to_string(d) + " exceeds " +
             std::to_string(l.maxDilation);
    else if (!l.maxDilation && d != 1)
      return "dilated window";
  return "";
}

/// Softmax and normalization hold a whole axis in SRAM: its length limit.
std::string whyNotAxisLength(const OpLimits &l, int64_t n, const char *what) {
  if (l.maxAxisDim && n > l.maxAxisDim)
    return std::string(what) + " of " + std::to_string(n) + " exceeds " +
           std::to_string(l.maxAxisDim);
  return "";
}

bool isScalarConstant(Value v) {
  DenseElementsAttr c = constantOf(v);
  return c && c.getNumElements() == 1;
}

} // namespace

DenseElementsAttr constantOf(Value v) {
  if (!v)
    return {};
  if (auto c = v.getDefiningOp<aigraph::ConstantOp>())
    return dyn_cast<DenseElementsAttr>(c.getValue());
  if (auto arg = dyn_cast<BlockArgument>(v))
    if (auto f = dyn_cast_or_null<func::FuncOp>(arg.getOwner()->getParentOp()))
      return f.getArgAttrOfType<DenseElementsAttr>(arg.getArgNumber(),
                                                   kConstantArgAttr);
  return {};
}

bool isLayoutOnly(Operation *op) {
  return isa<aigraph::IdentityOp, aigraph::ReshapeOp, aigraph::FlattenOp>(op);
}

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
    int64_t r = b.getRank(), c = channelDim(r), off = r - s.getRank();
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

std::string whyNotOnANE(Operation *op, const EngineDescription &e) {
  if (!isa<aigraph::AIGraphDialect>(op->getDialect()))
    return "'" + op->getName().getStringRef().str() + "' is not a graph op";
  if (op->getNumRegions() != 0)
    return "ops with regions run on the CPU";
  // Operands that are constants only need a fp16 form (they become part of
  // the command stream); every other operand and result is an engine tensor.
  for (Value v : op->getOperands())
    if (std::string why = whyNotTensor(v.getType(), e); !why.empty())
      if (!constantOf(v) || why == "dynamic shape")
        return why;
  for (Type t : op->getResultTypes())
    if (std::string why = whyNotTensor(t, e); !why.empty())
      return why;

  const OpLimits *l = nullptr;
  std::string why;
  if (isLayoutOnly(op))
    return "";
  if (auto conv = dyn_cast<aigraph::ConvOp>(op)) {
    if (conv.getInput().getType().getRank() != 4)
      return std::to_string(conv.getInput().getType().getRank() - 2) +
             "-D convolution (the engine has 2-D)";
    if (!constantOf(conv.getWeight()))
      return "weights that are not constants";
    if (conv.getBias() && !constantOf(conv.getBias()))
      return "a bias that is not a constant";
    if (!(why = whyNotListed(e, "conv", l)).empty())
      return why;
    ArrayRef<int64_t> w = conv.getWeight().getType().getShape();
    return whyNotWindow(*l, {w[2], w[3]}, conv.getStrides(),
                        conv.getDilations());
  }
  if (auto gemm = dyn_cast<aigraph::GemmOp>(op)) {
    if (gemm.getTransA())
      return "a transposed left operand";
    if (!constantOf(gemm.getB()))
      return "a right operand that is not a constant";
    if (Value c = gemm.getC()) {
      auto ct = cast<RankedTensorType>(c.getType());
      int64_t n = cast<RankedTensorType>(gemm.getType()).getDimSize(1);
      bool perColumn = ct.getNumElements() == 1 ||
                       (ct.getNumElements() == n && ct.getShape().back() == n);
      if (!constantOf(c) || !perColumn)
        return "a bias that is not a constant per output column";
    }
    return whyNotListed(e, "matmul", l);
  }
  if (auto mm = dyn_cast<aigraph::MatMulOp>(op)) {
    auto lhs = mm.getLhs().getType(), rhs = mm.getRhs().getType();
    if (lhs.getRank() < 2)
      return "a vector left operand";
    if (constantOf(mm.getRhs())) {
      if (rhs.getRank() != 2)
        return "batched constant weights";
      return whyNotListed(e, "matmul", l);
    }
    // Two engine tensors: a batched product with the same batch dims.
    if (rhs.getRank() != lhs.getRank() ||
        lhs.getShape().drop_back(2) != rhs.getShape().drop_back(2))
      return "a product of two tensors whose batch dims differ";
    return whyNotListed(e, "batch_matmul", l);
  }
  if (isa<aigraph::AddOp, aigraph::SubOp, aigraph::MulOp, aigraph::DivOp>(op)) {
    // Division by a constant is a product with its reciprocal.
    bool div = isa<aigraph::DivOp>(op);
    std::string kind = div ? "mul" : op->getName().stripDialect().str();
    if (!(why = whyNotListed(e, kind, l)).empty())
      return why;
    if (constantOf(op->getOperand(0)) && constantOf(op->getOperand(1)))
      return "both operands are constants";
    if (div && !constantOf(op->getOperand(1)))
      return "a divisor that is not a constant";
    if (div)
      for (APFloat v : constantOf(op->getOperand(1)).getValues<APFloat>()) {
        // x / c runs as x * (1 / c): the reciprocal must be a normal fp16.
        double r = 1.0 / v.convertToDouble();
        if (!std::isfinite(r) || std::abs(r) > 65504.0 ||
            std::abs(r) < 6.103515625e-05)
          return "a divisor whose reciprocal fp16 cannot hold";
      }
    ElementwiseForm form;
    return elementwiseForm(op, form);
  }
  if (isa<aigraph::ReluOp, aigraph::SigmoidOp, aigraph::TanhOp, aigraph::ErfOp>(
          op))
    return whyNotListed(e, op->getName().stripDialect().str(), l);
  if (auto ln = dyn_cast<aigraph::LayerNormOp>(op)) {
    int64_t rank = ln.getInput().getType().getRank();
    int64_t axis = ln.getAxis() < 0 ? ln.getAxis() + rank : ln.getAxis();
    if (axis != rank - 1)
      return "normalization over more than the last axis";
    if (!(why = whyNotListed(e, "layer_norm", l)).empty())
      return why;
    int64_t c = ln.getInput().getType().getShape().back();
    for (Value v : {ln.getScale(), ln.getBias()})
      if (v && (!constantOf(v) ||
                cast<RankedTensorType>(v.getType()).getNumElements() != c))
        return "a scale or bias that is not a constant per channel";
    return whyNotAxisLength(*l, c, "normalized axis");
  }
  if (isa<aigraph::TransposeOp>(op))
    return whyNotListed(e, "transpose", l);
  if (auto slice = dyn_cast<aigraph::SliceOp>(op)) {
    if (!(why = whyNotListed(e, "slice", l)).empty())
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
  if (auto clip = dyn_cast<aigraph::ClipOp>(op)) {
    if ((clip.getMin() && !isScalarConstant(clip.getMin())) ||
        (clip.getMax() && !isScalarConstant(clip.getMax())))
      return "bounds that are not constants";
    return whyNotListed(e, "clip", l);
  }
  if (auto pool = dyn_cast<aigraph::MaxPoolOp>(op)) {
    if (!(why = whyNotListed(e, "max_pool", l)).empty())
      return why;
    if (llvm::any_of(pool.getDilations(), [](int64_t d) { return d != 1; }))
      return "dilated pooling";
    return whyNotWindow(*l, pool.getKernelShape(), pool.getStrides(),
                        pool.getDilations());
  }
  if (auto pool = dyn_cast<aigraph::AveragePoolOp>(op)) {
    if (!(why = whyNotListed(e, "avg_pool", l)).empty())
      return why;
    if (pool.getCeilMode() && pool.getCountIncludePad())
      return "ceil_mode average pooling that counts padding";
    if (llvm::any_of(pool.getDilations(), [](int64_t d) { return d != 1; }))
      return "dilated pooling";
    return whyNotWindow(*l, pool.getKernelShape(), pool.getStrides(),
                        pool.getDilations());
  }
  if (auto pool = dyn_cast<aigraph::GlobalAveragePoolOp>(op)) {
    if (pool.getInput().getType().getRank() != 4)
      return "pooling that is not 2-D";
    if (!(why = whyNotListed(e, "global_avg_pool", l)).empty())
      return why;
    ArrayRef<int64_t> in = pool.getInput().getType().getShape();
    return whyNotWindow(*l, {in[2], in[3]}, {1, 1}, {1, 1});
  }
  if (auto sm = dyn_cast<aigraph::SoftmaxOp>(op)) {
    int64_t rank = sm.getInput().getType().getRank();
    int64_t axis = sm.getAxis() < 0 ? sm.getAxis() + rank : sm.getAxis();
    if (axis != rank - 1)
      return "softmax over an axis that is not the last";
    if (!(why = whyNotListed(e, "softmax", l)).empty())
      return why;
    return whyNotAxisLength(*l, sm.getInput().getType().getDimSize(axis),
                            "softmax axis");
  }
  if (auto concat = dyn_cast<aigraph::ConcatOp>(op)) {
    for (Value v : concat.getInputs())
      if (constantOf(v))
        return "a constant input";
    return whyNotListed(e, "concat", l);
  }
  return "'" + op->getName().getStringRef().str() +
         "' has no neural-engine layer";
}

} // namespace coreai::anelower

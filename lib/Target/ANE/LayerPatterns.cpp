//===- LayerPatterns.cpp - The engine's tensor rules and the pattern set --===//
#include "lib/Target/ANE/LayerPatterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Support/DebugStringHelper.h"

using namespace mlir;

namespace coreai::anelower {
namespace {

/// Why engine `e` cannot hold a tensor of `type`, or empty.
std::string whyNotTensor(Type type, const EngineDescription &e) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t)
    return "operand of type " + debugString(type) + " is not a ranked tensor";
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
    return debugString(elem) + " tensor (the engine computes in fp16)";
  if (t.getRank() > e.maxRank)
    return "rank " + std::to_string(t.getRank()) + " exceeds " +
           std::to_string(e.maxRank);
  for (int64_t d : t.getShape())
    if (e.maxDim && d > e.maxDim)
      return "dim " + std::to_string(d) + " exceeds " +
             std::to_string(e.maxDim);
  return "";
}

/// `values` rounded to fp16 (to nearest even, overflow to infinity).
DenseElementsAttr halfConstant(MLIRContext *ctx, ArrayRef<int64_t> shape,
                               ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, Float16Type::get(ctx));
  SmallVector<APFloat> halves;
  halves.reserve(values.size());
  for (double v : values) {
    APFloat f(v);
    bool lost;
    f.convert(APFloat::IEEEhalf(), APFloat::rmNearestTiesToEven, &lost);
    halves.push_back(f);
  }
  return DenseElementsAttr::get(type, halves);
}

} // namespace

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

std::string dims(ArrayRef<int64_t> d) {
  std::string s;
  for (int64_t x : d)
    s += (s.empty() ? "" : "x") + std::to_string(x);
  return s;
}

std::string whyNotListed(const EngineDescription &e, const std::string &kind,
                         const OpLimits *&limits) {
  auto it = e.ops.find(kind);
  if (it == e.ops.end())
    return "engine " + e.name + " has no " + kind + " layer";
  limits = &it->second;
  return "";
}

std::string whyNotListed(const EngineDescription &e, const std::string &kind) {
  const OpLimits *limits = nullptr;
  return whyNotListed(e, kind, limits);
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

std::string whyNotAxisLength(const OpLimits &l, int64_t n, const char *what) {
  if (l.maxAxisDim && n > l.maxAxisDim)
    return std::string(what) + " of " + std::to_string(n) + " exceeds " +
           std::to_string(l.maxAxisDim);
  return "";
}

bool isScalarConstant(Value v) {
  DenseElementsAttr c = aigraph::constantValueOf(v);
  return c && c.getNumElements() == 1;
}

std::vector<double> valuesOf(DenseElementsAttr c) {
  std::vector<double> out;
  out.reserve(c.getNumElements());
  for (APFloat v : c.getValues<APFloat>())
    out.push_back(v.convertToDouble());
  return out;
}

RankedTensorType halfType(Type t) {
  auto r = cast<RankedTensorType>(t);
  return RankedTensorType::get(r.getShape(), Float16Type::get(t.getContext()));
}

//===----------------------------------------------------------------------===//
// LayerBuilder
//===----------------------------------------------------------------------===//

LayerBuilder::LayerBuilder(func::FuncOp func, const EngineDescription &engine)
    : func_(func), engine_(engine), b_(func.getContext()) {}

Value LayerBuilder::half(Value v, Location loc) {
  if (Value h = half_.lookupOrNull(v))
    return h;
  auto type = cast<RankedTensorType>(v.getType());
  OpBuilder::InsertionGuard guard(b_);
  Value h;
  if (DenseElementsAttr c = aigraph::constantValueOf(v)) {
    setInsertionPointToPrologue();
    h = arith::ConstantOp::create(
        b_, loc, halfConstant(b_.getContext(), type.getShape(), valuesOf(c)));
    prologueEnd_ = h.getDefiningOp();
  } else if (type.getElementType().isF16()) {
    h = v;
  } else {
    bool arg = isa<BlockArgument>(v);
    if (arg)
      setInsertionPointToPrologue();
    else
      b_.setInsertionPointAfterValue(v);
    h = ane::ConvertOp::create(b_, loc, halfType(type), v);
    if (arg)
      prologueEnd_ = h.getDefiningOp();
  }
  half_.map(v, h);
  return h;
}

Value LayerBuilder::reshape(Value h, ArrayRef<int64_t> shape, Location loc) {
  auto type = RankedTensorType::get(shape, b_.getF16Type());
  if (h.getType() == type)
    return h;
  return ane::ReshapeOp::create(b_, loc, type, h);
}

Value LayerBuilder::constant(ArrayRef<int64_t> shape, ArrayRef<double> values,
                             Location loc) {
  OpBuilder::InsertionGuard guard(b_);
  setInsertionPointToPrologue();
  Value c = arith::ConstantOp::create(
      b_, loc, halfConstant(b_.getContext(), shape, values));
  prologueEnd_ = c.getDefiningOp();
  return c;
}

/// Constants and argument conversions go first, in the order of use.
void LayerBuilder::setInsertionPointToPrologue() {
  if (prologueEnd_)
    b_.setInsertionPointAfter(prologueEnd_);
  else
    b_.setInsertionPointToStart(&func_.getBody().front());
}

//===----------------------------------------------------------------------===//
// LayerPatternSet
//===----------------------------------------------------------------------===//

LayerPattern::~LayerPattern() = default;

const LayerPattern *LayerPatternSet::lookup(Operation *op) const {
  for (const std::unique_ptr<LayerPattern> &p : patterns_)
    if (p->isFor(op))
      return p.get();
  return nullptr;
}

std::string LayerPatternSet::whyNot(Operation *op,
                                    const EngineDescription &e) const {
  if (!isa<aigraph::AIGraphDialect>(op->getDialect()))
    return "'" + op->getName().getStringRef().str() + "' is not a graph op";
  if (op->getNumRegions() != 0)
    return "ops with regions run on the CPU";
  // Operands that are constants only need a fp16 form (they become part of
  // the command stream); every other operand and result is an engine tensor.
  for (Value v : op->getOperands())
    if (std::string why = whyNotTensor(v.getType(), e); !why.empty())
      if (!aigraph::constantValueOf(v) || why == "dynamic shape")
        return why;
  for (Type t : op->getResultTypes())
    if (std::string why = whyNotTensor(t, e); !why.empty())
      return why;
  const LayerPattern *pattern = lookup(op);
  if (!pattern)
    return "'" + op->getName().getStringRef().str() +
           "' has no neural-engine layer";
  return pattern->whyNot(op, e);
}

const LayerPatternSet &engineLayerPatterns() {
  static const LayerPatternSet set = [] {
    LayerPatternSet s;
    populateContractionLayerPatterns(s);
    populateElementwiseLayerPatterns(s);
    populatePoolingLayerPatterns(s);
    populateNormalizationLayerPatterns(s);
    populateDataMovementLayerPatterns(s);
    return s;
  }();
  return set;
}

} // namespace coreai::anelower

//===- Legalize.cpp - Graph ops to the neural engine's fp16 layers --------===//
#include "lib/Target/ANE/GraphOps.h"
#include "lib/Target/ANE/Passes.h"

#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>

namespace coreai::anelower {
#define GEN_PASS_DEF_LEGALIZETOANE
#include "lib/Target/ANE/Passes.h.inc"
} // namespace coreai::anelower

using namespace mlir;
namespace aigraph = coreai::aigraph;
namespace ane = coreai::ane;
using namespace coreai::anelower;

namespace {

RankedTensorType halfType(Type t) {
  auto r = cast<RankedTensorType>(t);
  return RankedTensorType::get(r.getShape(), Float16Type::get(t.getContext()));
}

/// The values of a float constant, in row-major order, as doubles.
std::vector<double> valuesOf(DenseElementsAttr c) {
  std::vector<double> out;
  out.reserve(c.getNumElements());
  for (APFloat v : c.getValues<APFloat>())
    out.push_back(v.convertToDouble());
  return out;
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

class Legalizer {
public:
  Legalizer(func::FuncOp func, const EngineDescription &engine)
      : func_(func), engine_(engine), b_(func.getContext()) {}

  LogicalResult run() {
    Block &body = func_.getBody().front();
    SmallVector<Operation *> graphOps;
    for (Operation &op : body.without_terminator())
      if (isa<aigraph::AIGraphDialect>(op.getDialect()))
        graphOps.push_back(&op);
    for (Operation *op : graphOps) {
      if (isa<aigraph::ConstantOp>(op))
        continue; // materialized in fp16 where used
      if (std::string why = whyNotOnANE(op, engine_); !why.empty())
        return op->emitError("cannot run on the neural engine: ") << why;
      b_.setInsertionPoint(op);
      FailureOr<Value> result = lower(op);
      if (failed(result))
        return failure();
      half_.map(op->getResult(0), *result);
    }
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    b_.setInsertionPoint(ret);
    for (OpOperand &operand : ret->getOpOperands()) {
      Value v = operand.get();
      Value h = half(v, ret.getLoc());
      auto want = cast<RankedTensorType>(v.getType());
      if (h.getType() != want) {
        h = ane::ConvertOp::create(b_, v.getLoc(), want, h);
      } else if (!h.getDefiningOp() ||
                 isa<ane::ReshapeOp, arith::ConstantOp>(h.getDefiningOp())) {
        // An fp16 result that no layer writes (an argument, a view, a
        // constant) is copied into its output buffer by a one-input concat.
        h = ane::ConcatOp::create(b_, v.getLoc(), want, ValueRange{h},
                                  b_.getI64IntegerAttr(0));
      }
      operand.set(h);
    }
    for (Operation *op : llvm::reverse(graphOps))
      if (op->use_empty())
        op->erase();
    return success();
  }

private:
  /// The fp16 form of graph value `v`: its lowered value, an fp16 constant,
  /// or (for an fp32 argument) one boundary conversion.
  Value half(Value v, Location loc) {
    if (Value h = half_.lookupOrNull(v))
      return h;
    auto type = cast<RankedTensorType>(v.getType());
    OpBuilder::InsertionGuard guard(b_);
    Value h;
    if (DenseElementsAttr c = constantOf(v)) {
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

  Value reshape(Value h, ArrayRef<int64_t> shape, Location loc) {
    auto type = RankedTensorType::get(shape, b_.getF16Type());
    if (h.getType() == type)
      return h;
    return ane::ReshapeOp::create(b_, loc, type, h);
  }

  /// Constants and argument conversions go first, in the order of use.
  void setInsertionPointToPrologue() {
    if (prologueEnd_)
      b_.setInsertionPointAfter(prologueEnd_);
    else
      b_.setInsertionPointToStart(&func_.getBody().front());
  }

  Value constant(ArrayRef<int64_t> shape, ArrayRef<double> values,
                 Location loc) {
    OpBuilder::InsertionGuard guard(b_);
    setInsertionPointToPrologue();
    Value c = arith::ConstantOp::create(
        b_, loc, halfConstant(b_.getContext(), shape, values));
    prologueEnd_ = c.getDefiningOp();
    return c;
  }

  FailureOr<Value> lower(Operation *op) {
    Location loc = op->getLoc();
    auto outType = halfType(op->getResult(0).getType());
    if (isLayoutOnly(op))
      return reshape(half(op->getOperand(0), loc), outType.getShape(), loc);

    if (auto conv = dyn_cast<aigraph::ConvOp>(op)) {
      // One statement per operand: the prologue's order must not depend on
      // the host compiler's order of evaluating call arguments.
      Value input = half(conv.getInput(), loc);
      Value weight = half(conv.getWeight(), loc);
      Value bias = conv.getBias() ? half(conv.getBias(), loc) : Value();
      auto c = ane::ConvOp::create(
          b_, loc, outType, input, weight, bias, conv.getStridesAttr(),
          conv.getPadsAttr(), conv.getDilationsAttr(),
          b_.getI64IntegerAttr(conv.getGroup()), IntegerAttr(), IntegerAttr(),
          UnitAttr(), StringAttr(), FloatAttr(), FloatAttr());
      return c.getResult();
    }
    if (auto gemm = dyn_cast<aigraph::GemmOp>(op)) {
      // Weights as [K, N], scaled by alpha; the bias per column, by beta.
      auto bt = cast<RankedTensorType>(gemm.getB().getType());
      std::vector<double> w = valuesOf(constantOf(gemm.getB()));
      int64_t k = bt.getDimSize(gemm.getTransB() ? 1 : 0);
      int64_t n = bt.getDimSize(gemm.getTransB() ? 0 : 1);
      double alpha = gemm.getAlpha().convertToDouble();
      std::vector<double> kn(k * n);
      for (int64_t i = 0; i < k; ++i)
        for (int64_t j = 0; j < n; ++j)
          kn[i * n + j] =
              alpha * (gemm.getTransB() ? w[j * k + i] : w[i * n + j]);
      Value input = half(gemm.getA(), loc);
      Value weight = constant({k, n}, kn, loc);
      Value bias;
      if (Value c = gemm.getC()) {
        std::vector<double> cv = valuesOf(constantOf(c));
        double beta = gemm.getBeta().convertToDouble();
        std::vector<double> col(n);
        for (int64_t j = 0; j < n; ++j)
          col[j] = beta * cv[cv.size() == 1 ? 0 : j];
        bias = constant({n}, col, loc);
      }
      auto mm = ane::MatMulOp::create(b_, loc, outType, input, weight, bias,
                                      IntegerAttr(), IntegerAttr(), UnitAttr(),
                                      StringAttr(), FloatAttr(), FloatAttr());
      return mm.getResult();
    }
    if (auto matmul = dyn_cast<aigraph::MatMulOp>(op);
        matmul && !constantOf(matmul.getRhs())) {
      // Two engine tensors: batch dims flattened into one, [B, M, K] x
      // [B, K, N].
      ArrayRef<int64_t> lhs = matmul.getLhs().getType().getShape();
      ArrayRef<int64_t> rhs = matmul.getRhs().getType().getShape();
      int64_t batch = 1, m = lhs[lhs.size() - 2], k = lhs.back(),
              n = rhs.back();
      for (int64_t d : lhs.drop_back(2))
        batch *= d;
      Value a = reshape(half(matmul.getLhs(), loc), {batch, m, k}, loc);
      Value b = reshape(half(matmul.getRhs(), loc), {batch, k, n}, loc);
      auto mm = ane::BatchMatMulOp::create(
          b_, loc, RankedTensorType::get({batch, m, n}, b_.getF16Type()), a, b,
          IntegerAttr(), IntegerAttr(), UnitAttr());
      return reshape(mm.getResult(), outType.getShape(), loc);
    }
    if (auto matmul = dyn_cast<aigraph::MatMulOp>(op)) {
      // Leading dims of the left operand become rows of one [M, K] matmul.
      ArrayRef<int64_t> lhs = matmul.getLhs().getType().getShape();
      auto rt = matmul.getRhs().getType();
      int64_t k = lhs.back(), n = rt.getDimSize(1), m = 1;
      for (int64_t d : lhs.drop_back())
        m *= d;
      Value a = reshape(half(matmul.getLhs(), loc), {m, k}, loc);
      Value weight = half(matmul.getRhs(), loc);
      auto mm = ane::MatMulOp::create(
          b_, loc, RankedTensorType::get({m, n}, b_.getF16Type()), a, weight,
          Value(), IntegerAttr(), IntegerAttr(), UnitAttr(), StringAttr(),
          FloatAttr(), FloatAttr());
      return reshape(mm.getResult(), outType.getShape(), loc);
    }
    if (isa<aigraph::AddOp, aigraph::SubOp, aigraph::MulOp, aigraph::DivOp>(
            op)) {
      ElementwiseForm form;
      elementwiseForm(op, form); // checked by whyNotOnANE
      Value big = half(form.big, loc);
      // x / c is x * (1 / c), the reciprocal rounded to fp16 once.
      bool div = isa<aigraph::DivOp>(op);
      auto smallShape = cast<RankedTensorType>(form.small.getType()).getShape();
      auto smallHalf = [&]() {
        if (!div)
          return half(form.small, loc);
        std::vector<double> r = valuesOf(constantOf(form.small));
        for (double &x : r)
          x = 1.0 / x;
        return constant(smallShape, r, loc);
      };
      Value small;
      if (!form.perChannel) {
        small = smallHalf();
      } else if (DenseElementsAttr c = constantOf(form.small);
                 c && c.getNumElements() == 1) {
        double v = valuesOf(c)[0];
        small = constant({form.channels},
                         std::vector<double>(form.channels, div ? 1.0 / v : v),
                         loc);
      } else {
        small = reshape(smallHalf(), {form.channels}, loc);
      }
      std::string kind = div ? "mul" : op->getName().stripDialect().str();
      auto ew = ane::ElementwiseOp::create(
          b_, loc, outType, big, small, b_.getStringAttr(kind), IntegerAttr(),
          IntegerAttr(), UnitAttr(), StringAttr(), FloatAttr(), FloatAttr());
      return ew.getResult();
    }
    if (isa<aigraph::ReluOp, aigraph::SigmoidOp, aigraph::TanhOp,
            aigraph::ErfOp, aigraph::ClipOp>(op)) {
      std::string kind = op->getName().stripDialect().str();
      FloatAttr lo, hi;
      IntegerAttr entries;
      if (auto clip = dyn_cast<aigraph::ClipOp>(op)) {
        // An absent bound does not clamp (infinity is an fp16 value).
        auto bound = [&](Value v, double dflt) {
          return b_.getF32FloatAttr(v ? valuesOf(constantOf(v))[0] : dflt);
        };
        lo = bound(clip.getMin(), -INFINITY);
        hi = bound(clip.getMax(), INFINITY);
      }
      if (kind == "sigmoid" || kind == "tanh" || kind == "erf") {
        int64_t n = engine_.ops.at(kind).tableEntries;
        entries = b_.getI64IntegerAttr(n ? n : 256);
      }
      auto act = ane::ActivationOp::create(
          b_, loc, outType, half(op->getOperand(0), loc),
          b_.getStringAttr(kind), lo, hi, entries, IntegerAttr(), IntegerAttr(),
          UnitAttr());
      return act.getResult();
    }
    auto pool = [&](StringRef kind, Value in, ArrayRef<int64_t> kernel,
                    ArrayRef<int64_t> strides, ArrayRef<int64_t> graphPads,
                    bool countPad) -> Value {
      // ceil_mode: the windows that start inside the input but end past it
      // read extra end padding (which max and exclude-pad average ignore).
      SmallVector<int64_t> pads(graphPads);
      ArrayRef<int64_t> inShape =
          cast<RankedTensorType>(in.getType()).getShape();
      for (int d = 0; d < 2; ++d) {
        int64_t span = (outType.getDimSize(2 + d) - 1) * strides[d] + kernel[d];
        int64_t have = inShape[2 + d] + pads[d] + pads[2 + d];
        pads[2 + d] += std::max<int64_t>(0, span - have);
      }
      return ane::PoolOp::create(b_, loc, outType, half(in, loc),
                                 b_.getStringAttr(kind),
                                 b_.getDenseI64ArrayAttr(kernel),
                                 b_.getDenseI64ArrayAttr(strides),
                                 b_.getDenseI64ArrayAttr(pads),
                                 countPad ? b_.getUnitAttr() : UnitAttr(),
                                 IntegerAttr(), IntegerAttr(), UnitAttr())
          .getResult();
    };
    if (auto mp = dyn_cast<aigraph::MaxPoolOp>(op))
      return pool("max", mp.getInput(), mp.getKernelShape(), mp.getStrides(),
                  mp.getPads(), false);
    if (auto ap = dyn_cast<aigraph::AveragePoolOp>(op))
      return pool("avg", ap.getInput(), ap.getKernelShape(), ap.getStrides(),
                  ap.getPads(), ap.getCountIncludePad());
    if (auto gp = dyn_cast<aigraph::GlobalAveragePoolOp>(op)) {
      ArrayRef<int64_t> in = gp.getInput().getType().getShape();
      return pool("avg", gp.getInput(), {in[2], in[3]}, {1, 1}, {0, 0, 0, 0},
                  false);
    }
    if (auto sm = dyn_cast<aigraph::SoftmaxOp>(op))
      return ane::SoftmaxOp::create(b_, loc, outType, half(sm.getInput(), loc),
                                    IntegerAttr(), IntegerAttr(), UnitAttr())
          .getResult();
    if (auto ln = dyn_cast<aigraph::LayerNormOp>(op)) {
      int64_t c = outType.getShape().back();
      Value input = half(ln.getInput(), loc);
      Value scale = constant({c}, valuesOf(constantOf(ln.getScale())), loc);
      Value bias = ln.getBias()
                       ? constant({c}, valuesOf(constantOf(ln.getBias())), loc)
                       : Value();
      return ane::LayerNormOp::create(
                 b_, loc, outType, input, scale, bias,
                 b_.getF32FloatAttr(ln.getEpsilon().convertToDouble()),
                 IntegerAttr(), IntegerAttr(), UnitAttr())
          .getResult();
    }
    if (auto t = dyn_cast<aigraph::TransposeOp>(op))
      return ane::TransposeOp::create(b_, loc, outType, half(t.getInput(), loc),
                                      t.getPermAttr())
          .getResult();
    if (auto slice = dyn_cast<aigraph::SliceOp>(op))
      return ane::SliceOp::create(b_, loc, outType, half(slice.getInput(), loc),
                                  slice.getStartsAttr())
          .getResult();
    if (auto concat = dyn_cast<aigraph::ConcatOp>(op)) {
      SmallVector<Value> inputs;
      for (Value v : concat.getInputs())
        inputs.push_back(half(v, loc));
      int64_t axis = concat.getAxis();
      if (axis < 0)
        axis += outType.getRank();
      return ane::ConcatOp::create(b_, loc, outType, inputs,
                                   b_.getI64IntegerAttr(axis))
          .getResult();
    }
    return op->emitError("no neural-engine lowering for this op");
  }

  func::FuncOp func_;
  const EngineDescription &engine_;
  OpBuilder b_;
  IRMapping half_;
  Operation *prologueEnd_ = nullptr;
};

struct LegalizeToANE
    : coreai::anelower::impl::LegalizeToANEBase<LegalizeToANE> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    FailureOr<EngineDescription> engine =
        coreai::anelower::loadEngine(func.getLoc(), arch);
    if (failed(engine) || failed(Legalizer(func, *engine).run()))
      signalPassFailure();
  }
};

} // namespace

//===- PromoteAccumulation.cpp - f16/bf16 accumulations in f32 ------------===//
#include "lib/Transforms/Passes.h"

#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
namespace ag = coreai::aigraph;

namespace coreai {
#define GEN_PASS_DEF_PROMOTEACCUMULATION
#include "lib/Transforms/Passes.h.inc"
} // namespace coreai

namespace {

bool isLowPrecision(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && (rt.getElementType().isF16() || rt.getElementType().isBF16());
}

bool accumulates(Operation *op) {
  return isa<ag::MatMulOp, ag::GemmOp, ag::ConvOp, ag::AveragePoolOp,
             ag::GlobalAveragePoolOp, ag::SoftmaxOp, ag::LogSoftmaxOp,
             ag::BatchNormOp, ag::LayerNormOp, ag::ReduceSumOp,
             ag::ReduceMeanOp, ag::ReduceProdOp, ag::ReduceL1Op,
             ag::ReduceL2Op, ag::ReduceSumSquareOp, ag::ReduceLogSumOp,
             ag::ReduceLogSumExpOp>(op);
}

Value castTo(OpBuilder &b, Location loc, Value v, Type et) {
  auto t = cast<RankedTensorType>(v.getType());
  return ag::CastOp::create(b, loc, RankedTensorType::get(t.getShape(), et), v,
                            TypeAttr::get(et), b.getBoolAttr(true),
                            b.getStringAttr("up"));
}

struct PromoteAccumulation
    : coreai::impl::PromoteAccumulationBase<PromoteAccumulation> {
  void runOnOperation() override {
    SmallVector<Operation *> work;
    getOperation().walk([&](Operation *op) {
      if (accumulates(op) && llvm::any_of(op->getResultTypes(), isLowPrecision))
        work.push_back(op);
    });
    OpBuilder b(&getContext());
    Type f32 = b.getF32Type();
    for (Operation *op : work) {
      b.setInsertionPoint(op);
      for (OpOperand &operand : op->getOpOperands())
        if (isLowPrecision(operand.get().getType()))
          operand.set(castTo(b, op->getLoc(), operand.get(), f32));
      b.setInsertionPointAfter(op);
      for (OpResult r : op->getResults()) {
        auto t = dyn_cast<RankedTensorType>(r.getType());
        if (!isLowPrecision(t))
          continue;
        r.setType(RankedTensorType::get(t.getShape(), f32));
        Value back = castTo(b, op->getLoc(), r, t.getElementType());
        r.replaceAllUsesExcept(back, back.getDefiningOp());
      }
    }
  }
};

} // namespace

//===- Legalize.cpp - Graph ops to the neural engine's fp16 layers --------===//
//
// Drives the layer patterns (LayerPatterns.h) over a segment placed on the
// engine, in program order: each graph op is matched, and either lowered or
// reported with its pattern's reason.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/ANE/LayerPatterns.h"
#include "lib/Target/ANE/Passes.h"

#include "dialects/AIGraph/AIGraph.h"

namespace coreai::anelower {
#define GEN_PASS_DEF_LEGALIZETOANE
#include "lib/Target/ANE/Passes.h.inc"
} // namespace coreai::anelower

using namespace mlir;
namespace aigraph = coreai::aigraph;
namespace ane = coreai::ane;
using namespace coreai::anelower;

namespace {

LogicalResult legalize(func::FuncOp func, const EngineDescription &engine) {
  const LayerPatternSet &patterns = engineLayerPatterns();
  LayerBuilder layers(func, engine);
  OpBuilder &b = layers.builder();
  Block &body = func.getBody().front();
  SmallVector<Operation *> graphOps;
  for (Operation &op : body.without_terminator())
    if (isa<aigraph::AIGraphDialect>(op.getDialect()))
      graphOps.push_back(&op);
  for (Operation *op : graphOps) {
    if (isa<aigraph::ConstantOp>(op))
      continue; // materialized in fp16 where used
    if (std::string why = patterns.whyNot(op, engine); !why.empty())
      return op->emitError("cannot run on the neural engine: ") << why;
    b.setInsertionPoint(op);
    FailureOr<Value> result = patterns.lookup(op)->lower(op, layers);
    if (failed(result))
      return failure();
    layers.map(op->getResult(0), *result);
  }
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  b.setInsertionPoint(ret);
  for (OpOperand &operand : ret->getOpOperands()) {
    Value v = operand.get();
    Value h = layers.half(v, ret.getLoc());
    auto want = cast<RankedTensorType>(v.getType());
    if (h.getType() != want) {
      h = ane::ConvertOp::create(b, v.getLoc(), want, h);
    } else if (!h.getDefiningOp() ||
               isa<ane::ReshapeOp, arith::ConstantOp>(h.getDefiningOp())) {
      // An fp16 result that no layer writes (an argument, a view, a
      // constant) is copied into its output buffer by a one-input concat.
      h = ane::ConcatOp::create(b, v.getLoc(), want, ValueRange{h},
                                b.getI64IntegerAttr(0));
    }
    operand.set(h);
  }
  for (Operation *op : llvm::reverse(graphOps))
    if (op->use_empty())
      op->erase();
  return success();
}

struct LegalizeToANE
    : coreai::anelower::impl::LegalizeToANEBase<LegalizeToANE> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    FailureOr<EngineDescription> engine =
        coreai::anelower::loadEngine(func.getLoc(), arch);
    if (failed(engine) || failed(legalize(func, *engine)))
      signalPassFailure();
  }
};

} // namespace

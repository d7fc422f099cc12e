//===- Place.cpp - Choose a compute unit per op ---------------------------===//
#include "lib/Placement/Passes.h"

#include "lib/Target/ANE/GraphOps.h"
#include "lib/Target/ANE/Passes.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_PLACE
#include "lib/Placement/Passes.h.inc"
} // namespace coreai

namespace {

bool operandOnANE(Operation &op) {
  if (op.getNumOperands() == 0)
    return false;
  Operation *def = op.getOperand(0).getDefiningOp();
  auto unit = def ? def->getAttrOfType<StringAttr>(coreai::kUnitAttr)
                  : StringAttr();
  return unit && unit.getValue() == "ane";
}

struct Place : coreai::impl::PlaceBase<Place> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Builder b(&getContext());
    std::optional<coreai::runtime::ane::EngineDescription> engine;
    for (const std::string &unit : units) {
      if (unit == "ane") {
        FailureOr<coreai::runtime::ane::EngineDescription> e =
            coreai::anelower::loadEngine(func.getLoc(), aneArch);
        if (failed(e))
          return signalPassFailure();
        engine = *e;
      } else if (unit != "gpu" && unit != "cpu") {
        func.emitError("unknown compute unit '") << unit << "'";
        return signalPassFailure();
      }
    }
    for (Operation &op : func.getBody().front().without_terminator()) {
      if (op.hasTrait<OpTrait::ConstantLike>() || op.hasAttr(coreai::kUnitAttr))
        continue;
      std::string chosen = "cpu";
      for (const std::string &unit : units) {
        bool fits =
            unit == "gpu"   ? coreai::placement::whyNotOnGPU(&op).empty()
            : unit == "ane" ? coreai::anelower::whyNotOnANE(&op, *engine)
                                      .empty() &&
                                  (!coreai::anelower::isLayoutOnly(&op) ||
                                   operandOnANE(op))
                            : false;
        if (fits) {
          chosen = unit;
          break;
        }
      }
      op.setAttr(coreai::kUnitAttr, b.getStringAttr(chosen));
    }
  }
};
} // namespace

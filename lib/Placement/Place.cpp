//===- Place.cpp - Choose a compute unit per op ---------------------------===//
#include "lib/Placement/Passes.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_PLACE
#include "lib/Placement/Passes.h.inc"
} // namespace coreai

namespace {
struct Place : coreai::impl::PlaceBase<Place> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Builder b(&getContext());
    for (const std::string &unit : units)
      if (unit != "gpu" && unit != "cpu") {
        func.emitError("unknown compute unit '") << unit << "'";
        return signalPassFailure();
      }
    for (Operation &op : func.getBody().front().without_terminator()) {
      if (op.hasTrait<OpTrait::ConstantLike>() || op.hasAttr(coreai::kUnitAttr))
        continue;
      std::string chosen = "cpu";
      for (const std::string &unit : units)
        if (unit == "gpu" && coreai::placement::whyNotOnGPU(&op).empty()) {
          chosen = unit;
          break;
        }
      op.setAttr(coreai::kUnitAttr, b.getStringAttr(chosen));
    }
  }
};
} // namespace

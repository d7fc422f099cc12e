//===- TileForSRAM.cpp - Tile loops that fit the engine's SRAM ------------===//
#include "lib/Target/ANE/Passes.h"
#include "lib/Target/ANE/Tiling.h"

#include "mlir/IR/Builders.h"

namespace coreai::anelower {
#define GEN_PASS_DEF_TILEFORSRAM
#include "lib/Target/ANE/Passes.h.inc"
} // namespace coreai::anelower

using namespace mlir;

namespace {
struct TileForSRAM : coreai::anelower::impl::TileForSRAMBase<TileForSRAM> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    FailureOr<coreai::runtime::ane::EngineDescription> engine =
        coreai::anelower::loadEngine(func.getLoc(), arch);
    if (failed(engine))
      return signalPassFailure();
    Builder b(&getContext());
    WalkResult result = func.walk([&](Operation *op) {
      if (!coreai::anelower::isTiled(op))
        return WalkResult::advance();
      std::string why;
      FailureOr<coreai::anelower::TilePlan> plan =
          coreai::anelower::chooseTile(op, *engine, why);
      if (failed(plan)) {
        op->emitError("layer does not fit the engine's SRAM: ") << why;
        return WalkResult::interrupt();
      }
      op->setAttr("tile_rows", b.getI64IntegerAttr(plan->rows));
      op->setAttr("tile_channels", b.getI64IntegerAttr(plan->channels));
      if (plan->streamWeights)
        op->setAttr("stream_weights", b.getUnitAttr());
      else
        op->removeAttr("stream_weights");
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

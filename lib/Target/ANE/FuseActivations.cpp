//===- FuseActivations.cpp - relu and clip inside the producing layer -----===//
#include "lib/Target/ANE/Passes.h"

#include "mlir/IR/Builders.h"

namespace coreai::anelower {
#define GEN_PASS_DEF_FUSEACTIVATIONS
#include "lib/Target/ANE/Passes.h.inc"
} // namespace coreai::anelower

using namespace mlir;
namespace ane = coreai::ane;

namespace {

/// True if `v` is an fp16 value, so clamping commutes with rounding to fp16.
bool isHalfValue(std::optional<APFloat> v) {
  if (!v)
    return false;
  APFloat h = *v;
  bool lost = false;
  h.convert(APFloat::IEEEhalf(), APFloat::rmNearestTiesToEven, &lost);
  return !lost;
}

struct FuseActivations
    : coreai::anelower::impl::FuseActivationsBase<FuseActivations> {
  void runOnOperation() override {
    SmallVector<ane::ActivationOp> activations;
    getOperation().walk(
        [&](ane::ActivationOp act) { activations.push_back(act); });
    Builder b(&getContext());
    for (ane::ActivationOp act : activations) {
      bool clip = act.getKind() == ane::ActivationKind::clip;
      if (act.getKind() != ane::ActivationKind::relu &&
          !(clip && isHalfValue(act.getMin()) && isHalfValue(act.getMax())))
        continue;
      Operation *producer = act.getInput().getDefiningOp();
      if (!producer ||
          !isa<ane::ConvOp, ane::MatMulOp, ane::ElementwiseOp>(producer) ||
          producer->hasAttr("fused_activation") ||
          !producer->getResult(0).hasOneUse())
        continue;
      producer->setAttr("fused_activation", act.getKindAttr());
      if (clip) {
        producer->setAttr("fused_min", act.getMinAttr());
        producer->setAttr("fused_max", act.getMaxAttr());
      }
      producer->setLoc(
          FusedLoc::get(&getContext(), {producer->getLoc(), act.getLoc()}));
      act.replaceAllUsesWith(producer->getResult(0));
      act.erase();
    }
  }
};

} // namespace

//===- LoweringPipeline.cpp - aigraph to tiled neural-engine layers -------===//
#include "lib/Target/ANE/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void coreai::anelower::buildLoweringPipeline(OpPassManager &pm,
                                             const std::string &arch) {
  pm.addNestedPass<func::FuncOp>(
      createLegalizeToANE(LegalizeToANEOptions{arch}));
  // Folds reshape chains and drops conversions nothing uses.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createFuseActivations());
  pm.addNestedPass<func::FuncOp>(createTileForSRAM(TileForSRAMOptions{arch}));
}

namespace {
struct LoweringOptions : PassPipelineOptions<LoweringOptions> {
  Option<std::string> arch{*this, "arch",
                           llvm::cl::desc("engine: a built-in name "
                                          "(targets/ane) or a .json path"),
                           llvm::cl::init("ane-16c-4mb")};
};
} // namespace

void coreai::anelower::registerLoweringPipeline() {
  static PassPipelineRegistration<LoweringOptions> pipeline(
      "coreai-ane-lowering",
      "The neural-engine lowering of coreai-build: aigraph (a segment placed "
      "on the engine) to fp16 ane layers with tile loops",
      [](OpPassManager &pm, const LoweringOptions &o) {
        buildLoweringPipeline(pm, o.arch);
      });
}

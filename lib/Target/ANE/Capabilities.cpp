//===- Capabilities.cpp - What the neural engine can run ------------------===//
#include "lib/Target/ANE/LayerPatterns.h"
#include "lib/Target/ANE/Passes.h"

#include "lib/Placement/UnitCapabilities.h"

namespace coreai::anelower {
namespace {

/// The engine takes what its layer patterns match: their reasons are the
/// engine's refusals, in placement and in the legalization alike.
class EngineCapabilities : public placement::UnitCapabilities {
public:
  explicit EngineCapabilities(EngineDescription engine)
      : engine_(std::move(engine)) {}

  runtime::ComputeUnit unit() const override {
    return runtime::ComputeUnit::NeuralEngine;
  }

  std::string whyNot(mlir::Operation *op) const override {
    return engineLayerPatterns().whyNot(op, engine_);
  }

  std::string whyNotAlone(mlir::Operation *op) const override {
    // Alone, it would only add a rounding to fp16 and two unit boundaries.
    const LayerPattern *pattern = engineLayerPatterns().lookup(op);
    if (pattern && pattern->movesNoData())
      return "it moves no data and its operand is not on the engine";
    return "";
  }

  placement::UnitModel costModel() const override {
    return placement::unitModel(unit(), &engine_);
  }

private:
  EngineDescription engine_;
};

} // namespace

void registerEngineCapabilities() {
  placement::registerUnitCapabilities(
      runtime::ComputeUnit::NeuralEngine,
      [](mlir::Location loc, llvm::StringRef arch)
          -> mlir::FailureOr<std::unique_ptr<placement::UnitCapabilities>> {
        mlir::FailureOr<EngineDescription> engine = loadEngine(loc, arch.str());
        if (mlir::failed(engine))
          return mlir::failure();
        return std::unique_ptr<placement::UnitCapabilities>(
            std::make_unique<EngineCapabilities>(std::move(*engine)));
      });
}

} // namespace coreai::anelower

//===- Passes.h - The neural engine's lowering ----------------------------===//
#ifndef COREAI_LIB_TARGET_ANE_PASSES_H
#define COREAI_LIB_TARGET_ANE_PASSES_H

#include "dialects/ANE/ANE.h"
#include "lib/NeuralEngine/EngineDescription.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <string>
#include <vector>

namespace coreai::anelower {

#define GEN_PASS_DECL
#include "lib/Target/ANE/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Target/ANE/Passes.h.inc"

/// Declares what the engine can run to placement (UnitCapabilities.h): what
/// its layer patterns match, for the engine the placement names.
void registerEngineCapabilities();

/// The engine `arch` names, or an error at `loc` saying why there is none.
mlir::FailureOr<runtime::ane::EngineDescription>
loadEngine(mlir::Location loc, const std::string &arch);

/// aigraph (a neural-engine segment, after the graph pipeline) to tiled ane
/// layers for engine `arch`.
void buildLoweringPipeline(mlir::OpPassManager &pm, const std::string &arch);

/// Registers the pipeline as `coreai-ane-lowering{arch=NAME}`.
void registerLoweringPipeline();

/// Builds one command stream (schemas/ane_stream.fbs) for an engine: one
/// program per lowered segment function.
class CommandStreamWriter {
public:
  explicit CommandStreamWriter(const runtime::ane::EngineDescription &engine);
  ~CommandStreamWriter();
  /// Adds `func` (lowered by buildLoweringPipeline, every compute layer
  /// tiled) as program `name`. Errors are emitted at the offending op.
  mlir::LogicalResult addProgram(mlir::func::FuncOp func,
                                 const std::string &name);
  size_t numPrograms() const;
  /// The serialized stream; deterministic for the same programs.
  std::vector<uint8_t> finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace coreai::anelower

#endif // COREAI_LIB_TARGET_ANE_PASSES_H

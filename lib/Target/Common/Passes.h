//===- Passes.h - Passes and pipeline steps both GPU and CPU run ----------===//
#ifndef COREAI_LIB_TARGET_COMMON_PASSES_H
#define COREAI_LIB_TARGET_COMMON_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace coreai {

#define GEN_PASS_DECL
#include "lib/Target/Common/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Target/Common/Passes.h.inc"

/// Appends a built-in textual pipeline to `pm`. The text is part of the
/// compiler, so a parse failure is a compiler bug: fatal, naming `unit`.
void addBuiltinPipeline(mlir::OpPassManager &pm, llvm::StringRef pipeline,
                        llvm::StringRef unit);

/// Appends the steps every linalg-based unit starts with: aigraph to linalg
/// on tensors, elementwise fusion by `fuseElementwisePass` (each unit has
/// its own), the boundary fixes bufferization needs, then bufferization of
/// whole functions with results as caller-provided out params.
void addTensorsToBuffersPipeline(mlir::OpPassManager &pm,
                                 llvm::StringRef fuseElementwisePass);

} // namespace coreai

#endif // COREAI_LIB_TARGET_COMMON_PASSES_H

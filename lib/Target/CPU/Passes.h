//===- Passes.h - CPU target passes and code emission ---------------------===//
#ifndef COREAI_LIB_TARGET_CPU_PASSES_H
#define COREAI_LIB_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <string>
#include <vector>

namespace coreai {

/// Module attribute recording each function's argument layout before
/// bufferization: {F = [num_inputs, num_constants, num_outputs]}.
inline constexpr llvm::StringLiteral kABILayoutAttr = "coreai.abi_layout";

#define GEN_PASS_DECL
#include "lib/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Target/CPU/Passes.h.inc"

namespace cpu {

/// Adds the passes from aigraph (after graph passes and constant hoisting)
/// to the LLVM dialect with kernel ABI entry points.
void buildLoweringPipeline(mlir::OpPassManager &pm);

/// The host architecture name as stored in bundles ("x86_64").
std::string hostArch();

/// Translates an LLVM-dialect module to LLVM IR, optimizes it, emits an
/// object for the host and links it into a shared object with ld.lld.
/// Deterministic. On failure returns false and sets `error`.
bool emitSharedObject(mlir::ModuleOp module, std::vector<uint8_t> &out,
                      std::string &error);

} // namespace cpu
} // namespace coreai

#endif // COREAI_LIB_TARGET_CPU_PASSES_H

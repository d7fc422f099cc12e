//===- Passes.h - CPU target passes and code emission ---------------------===//
#ifndef COREAI_LIB_TARGET_CPU_PASSES_H
#define COREAI_LIB_TARGET_CPU_PASSES_H

#include "dialects/AIGraph/AttributeNames.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <string>
#include <vector>

namespace coreai {

#define GEN_PASS_DECL
#include "lib/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Target/CPU/Passes.h.inc"

/// Declares what the CPU unit can run (everything) to placement
/// (UnitCapabilities.h).
void registerCPUUnitCapabilities();

namespace cpu {

/// Adds the passes from aigraph (after graph passes and constant hoisting)
/// to the LLVM dialect with kernel ABI entry points: the dispatch pipeline
/// followed by the code-generation pipeline.
void buildLoweringPipeline(mlir::OpPassManager &pm);

/// From aigraph to buffers with every loop nest outlined into a dispatch
/// (coreai-cpu-form-dispatches); extractDispatchProgram reads the result.
void buildDispatchPipeline(mlir::OpPassManager &pm);

/// From the dispatch pipeline's output to the LLVM dialect with kernel ABI
/// entry points (KernelABI.h).
void buildCodegenPipeline(mlir::OpPassManager &pm);

/// A function after buildDispatchPipeline, as the runtime replays it.
struct DispatchProgram {
  struct Buffer {
    bool scratch = false;  // an allocation (else a function argument)
    unsigned argument = 0; // the argument number (buffers-level signature:
                           // inputs, constants, outputs)
    uint64_t bytes = 0;    // scratch only
  };
  struct Dispatch {
    std::string entry;             // KernelABI.h dispatch symbol
    std::vector<unsigned> buffers; // binding i = buffers[bindings[i]]
    uint32_t workgroups = 1;
    std::string source; // source nodes
  };
  std::vector<Buffer> buffers; // every argument first, in order
  std::vector<Dispatch> dispatches;
};

/// Reads `host` (a function after buildDispatchPipeline) as buffers and
/// dispatches; emits an error at the first op it cannot place.
mlir::FailureOr<DispatchProgram>
extractDispatchProgram(mlir::func::FuncOp host);

/// An architecture variant of the CPU code (--cpu-arch).
struct CPUVariant {
  const char *name;     // "x86-64-v3": as users and bundles spell it
  const char *triple;   // LLVM target triple
  const char *cpu;      // LLVM CPU name
  const char *features; // extra LLVM target features
  // The kernels' 16-lane f32 vectors that the registers hold (32 zmm; 16
  // ymm hold 8), what kVectorRegistersSymbol reads as in its code.
  int64_t vectorRegisters;
};

/// A symbol whose address the kernels read as the number of their vectors
/// the target's registers hold, to choose register tiles per variant from
/// one module: each variant's object replaces it by its own count before
/// optimization folds the choice (SharedObjectEmitter.cpp).
inline constexpr llvm::StringLiteral kVectorRegistersSymbol =
    "coreai_cpu_vector_registers";

/// The variants the compiler can generate, in order of reach.
llvm::ArrayRef<CPUVariant> cpuVariants();

/// The variant called `name`, or null.
const CPUVariant *findCPUVariant(llvm::StringRef name);

/// Translates an LLVM-dialect module to LLVM IR and, for each of
/// `variants` (on threads of their own), optimizes it, emits an object and
/// links it into a shared object with ld.lld: out[i] is variants[i]'s.
/// Deterministic. On failure returns false and sets `error`.
bool emitSharedObjects(mlir::ModuleOp module,
                       llvm::ArrayRef<const CPUVariant *> variants,
                       std::vector<std::vector<uint8_t>> &out,
                       std::string &error);

} // namespace cpu
} // namespace coreai

#endif // COREAI_LIB_TARGET_CPU_PASSES_H

//===- Passes.h - GPU target passes and kernel extraction -----------------===//
#ifndef COREAI_LIB_TARGET_GPU_PASSES_H
#define COREAI_LIB_TARGET_GPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace coreai {

#define GEN_PASS_DECL
#include "lib/Target/GPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Target/GPU/Passes.h.inc"

/// Declares what the GPU unit can run to placement (UnitCapabilities.h).
void registerGPUUnitCapabilities();

namespace spv {

/// Adds the passes from aigraph (after graph passes and constant hoisting)
/// to a host function of gpu.launch_func ops over buffers and one
/// spirv.module per kernel.
void buildLoweringPipeline(mlir::OpPassManager &pm);

/// One SPIR-V compute kernel.
struct Kernel {
  std::string entry;           // entry point name
  std::vector<uint32_t> spirv; // the serialized module
  std::array<uint32_t, 3> workgroup{1, 1, 1};
  std::vector<std::string> capabilities; // SPIR-V capabilities it needs
  std::string source;                    // source nodes, "conv1 (Conv)"
};

/// A buffer of a lowered GPU function.
struct Buffer {
  enum class Kind { Argument, Scratch, Constant };
  Kind kind = Kind::Argument;
  unsigned argument = 0;         // Argument: host function argument index
  uint64_t bytes = 0;            // Scratch and Constant
  mlir::DenseElementsAttr value; // Constant: its contents (a memref.global)
};

struct Dispatch {
  unsigned kernel = 0;
  std::vector<unsigned> buffers; // binding i = buffers[i]
  std::array<uint32_t, 3> groups{1, 1, 1};
};

/// What the GPU runs for one lowered function: its buffers and dispatches in
/// order. Arguments are the function's own (inputs, then one out-param per
/// result).
struct Program {
  std::vector<Buffer> buffers;
  std::vector<Kernel> kernels;
  std::vector<Dispatch> dispatches;
};

/// Reads the program of `host` (lowered by buildLoweringPipeline) and
/// serializes its kernels. Emits an error at the offending op on failure.
mlir::FailureOr<Program> extractProgram(mlir::ModuleOp module,
                                        mlir::func::FuncOp host);

} // namespace spv
} // namespace coreai

#endif // COREAI_LIB_TARGET_GPU_PASSES_H

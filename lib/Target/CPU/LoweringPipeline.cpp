//===- LoweringPipeline.cpp - aigraph -> LLVM dialect for the CPU ---------===//
//
// Upstream passes only, spelled as a textual pipeline so the same string is
// readable in docs and reproducible with coreai-opt. Two halves: up to
// dispatches on buffers (what the schedule is read from), then code
// generation. Matmuls and convolutions become vector kernels
// (coreai-cpu-vectorize-contractions); the rest are loops.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "lib/Conversion/Passes.h"
#include "lib/Target/Common/Passes.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

void coreai::cpu::buildDispatchPipeline(OpPassManager &pm) {
  coreai::addBuiltinPipeline(
      pm,
      // Each function's argument layout, before bufferization changes it.
      "coreai-cpu-record-abi", "CPU");
  addTensorsToBuffersPipeline(pm, "coreai-cpu-fuse-elementwise");
  coreai::addBuiltinPipeline(
      pm,
      // Buffers -> parallel loop nests; nests over the same iteration space
      // where the second reads only what the first wrote at the same point
      // (fill + conv + bias + activation) fuse into one pass over memory;
      // scratch planned into one arena (what dispatches bind), then one
      // dispatch per nest. Fusion runs first: it tells buffers apart by
      // their roots, and views of one arena share a root.
      // Matmuls and convolutions (with the ops that initialize and consume
      // their outputs) become register-tiled vector kernels first.
      "func.func(coreai-copies-to-loops), coreai-cpu-vectorize-contractions,"
      "func.func(convert-linalg-to-parallel-loops,"
      "  canonicalize, coreai-cpu-fuse-parallel-loops,"
      "  coreai-plan-scratch-arena),"
      "coreai-cpu-form-dispatches, canonicalize,"
      // Repeated layers share their dispatches' code.
      "coreai-cpu-deduplicate-dispatches,"
      // What each entry's buffers must be, for the runtime to check.
      "coreai-cpu-record-argument-tables",
      "CPU");
}

void coreai::cpu::buildCodegenPipeline(OpPassManager &pm) {
  coreai::addBuiltinPipeline(
      pm,
      // Scratch freed in the functions that run whole (the schedule's
      // arena replaces it when the runtime runs dispatches itself).
      "buffer-deallocation-pipeline,"
      "func.func("
      // Half-precision math and bf16 arithmetic run in f32 (x86-64 has no
      // native support; converting at each op matches ONNX Runtime).
      "  math-extend-to-supported-types{extra-types=f16 target-type=f32},"
      "  arith-emulate-unsupported-floats{source-types=bf16 target-type=f32},"
      "  coreai-cpu-approximate-vector-math, canonicalize),"
      // Buffers -> loops -> LLVM dialect, bare pointers at the boundary.
      "expand-strided-metadata, lower-affine, convert-scf-to-cf,"
      "arith-expand{include-bf16=1}, convert-math-to-funcs, "
      "convert-math-to-llvm,"
      "convert-math-to-libm, convert-vector-to-llvm,"
      "finalize-memref-to-llvm, convert-arith-to-llvm, convert-index-to-llvm,"
      "convert-cf-to-llvm, convert-ub-to-llvm,"
      "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
      "reconcile-unrealized-casts, coreai-cpu-entry-points, canonicalize",
      "CPU");
}

void coreai::cpu::buildLoweringPipeline(OpPassManager &pm) {
  buildDispatchPipeline(pm);
  buildCodegenPipeline(pm);
}

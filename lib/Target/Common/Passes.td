//===- Passes.td - Passes both GPU and CPU lowerings run ---*- tablegen -*-===//
//
// The first steps of every unit that lowers aigraph through linalg to
// buffers (the CPU and the GPU): what bufferization and the boundary
// conventions need, whatever code the unit generates afterwards.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TARGET_COMMON_PASSES
#define COREAI_TARGET_COMMON_PASSES

include "mlir/Pass/PassBase.td"

def CopiesToLoops : Pass<"coreai-copies-to-loops", "::mlir::func::FuncOp"> {
  let summary = "Rewrite memref.copy as linalg.copy so it lowers to loops";
  let description = [{
    The LLVM lowering of a strided memref.copy calls `memrefCopy` from
    MLIR's C runner utils, which bundles cannot link against. As a
    linalg.copy it becomes an inline loop nest like every other kernel.
    A copy onto the same memory (the same value, or equal subviews of it:
    what bufferization leaves where an op computed in place into its slice
    of a Concat) is erased.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def CloneSharedFills : Pass<"coreai-clone-shared-fills", "::mlir::func::FuncOp"> {
  let summary = "Give every reader of a filled tensor its own fill";
  let description = [{
    CSE merges the identical zero fills that initialize every convolution
    and matmul without a bias into one tensor. One-shot bufferization then
    fills one buffer and copies it for every op that accumulates into it
    (an extra pass over memory each), and the fill is no longer next to
    the op it initializes, where kernel generation fuses it into the
    accumulators. Each use gets a clone of the fill (and of its
    tensor.empty) right before it, with the location of the op it
    initializes. Runs after the last CSE before bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def DistinctResults : Pass<"coreai-distinct-results", "::mlir::func::FuncOp"> {
  let summary = "Give every returned tensor its own value";
  let description = [{
    A model may list one tensor as several outputs. Each output is written
    to its own caller buffer, so a value returned more than once is copied
    (linalg.copy into a fresh tensor) for every repeat; buffer-results-to-
    out-params cannot handle repeated results in MLIR 22. Runs right before
    bufferization, after canonicalization (which would fold the copies).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def FlattenEmptyBoundaries : Pass<"coreai-flatten-empty-boundaries", "::mlir::func::FuncOp"> {
  let summary = "Give zero-sized arguments and results a 1-D type";
  let description = [{
    func-to-llvm's bare-pointer convention has no form for a memref whose
    canonical strides collapse to zero (a zero dim before other dims, e.g.
    2x0x4). Such tensors hold no data: a zero-sized argument becomes
    tensor<0xT> and its uses read an empty tensor of the original shape; a
    zero-sized result returns an empty tensor<0xT>. The kernel ABI is
    unchanged (one pointer per tensor); the bundle keeps the real shapes.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

#endif // COREAI_TARGET_COMMON_PASSES

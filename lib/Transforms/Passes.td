//===- Passes.td - coreai-build graph passes ---------------*- tablegen -*-===//
#ifndef COREAI_TRANSFORMS_PASSES
#define COREAI_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def HoistConstants : Pass<"aigraph-hoist-constants", "::mlir::ModuleOp"> {
  let summary = "Turn large constants into function arguments bound to bundle data";
  let description = [{
    Weights must be mmap-ed from the bundle, not compiled into code. Every
    `aigraph.constant` of at least `min-bytes` becomes a new trailing
    argument of its function carrying the data in a `coreai.constant`
    argument attribute; identical constants share one argument. The module
    records the argument layout in `coreai.abi` (inputs, constants), and all
    arguments are marked read-only for bufferization.
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"64",
           "Constants smaller than this stay inline (and keep folding)">
  ];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def ImageInputs : Pass<"aigraph-image-inputs", "::mlir::ModuleOp"> {
  let summary = "Feed chosen float inputs with pixel buffers, converted in the function";
  let description = [{
    Each of `inputs` ("NAME=FORMAT[,mean=A:B:C][,std=A:B:C][,scale=K]", as
    coreai-build compile --image-input takes it; in a pipeline string,
    separate its fields with ';') names a float32 [N, C, H, W] input of the model's functions
    (an error when none has it). The input
    becomes a uint8 pixel buffer [N, H, W, bytes per pixel] (rgb8, bgr8: 3;
    rgba8, bgra8: 4; gray8: 1), and the function starts by converting it:
    cast to float32, the model's channels picked in order (BGR swapped,
    alpha dropped), transposed to NCHW, then `pixel * scale / std - mean /
    std` per channel (scale defaults to 1/255, mean to 0, std to 1). The
    argument keeps its name and gets `coreai.image` = {format, mean, std,
    scale}, which the bundle records as the input's image descriptor.
  }];
  let options = [
    ListOption<"inputs", "inputs", "std::string",
               "NAME=FORMAT[,mean=A:B:C][,std=A:B:C][,scale=K] per input">
  ];
  let dependentDialects = ["::coreai::aigraph::AIGraphDialect"];
}

def PromoteAccumulation : Pass<"aigraph-promote-accumulation", "::mlir::func::FuncOp"> {
  let summary = "Compute float16/bfloat16 accumulations in float32";
  let description = [{
    Ops that sum many products or terms (matmul, gemm, conv, average
    pooling, reductions, softmax, normalizations) lose precision when every
    partial sum rounds to 16 bits. As in ONNX Runtime and most accelerators,
    their 16-bit float operands are extended to f32, the op computes in f32
    and its results round back once. Elementwise ops are left alone: they
    round once anyway.
  }];
}

def TransposeGemmWeights : Pass<"aigraph-transpose-gemm-weights", "::mlir::func::FuncOp"> {
  let summary = "Store Gemm and one-row MatMul weights in the layout read";
  let description = [{
    A constant used only as the B of Gemms with `transB = true` is
    transposed at compile time and they get `transB = false`: fully connected
    layers exported as Gemm(x, W[N, K], transB=1) then read contiguous rows
    of W^T along the output dim, the layout vector kernels load. A Gemm with
    one row (batch 1) keeps W: its dot products read W's rows as stored,
    except in a function with enumerated shapes (`coreai.shape_group`),
    whose variants share one layout of their weights.

    A MatMul with one row (every dim of its left operand but the last is 1)
    by constant [K, N] weights that only such MatMuls read, outside a shape
    group, becomes that Gemm at batch 1: Gemm(x, W^T, transB = true) on
    the stored transpose (reshaped to and from one row as needed), so each
    output is a dot product along a contiguous row of W^T instead of a
    walk down a column of W.
  }];
}

def BlockConvolutionWeights
    : Pass<"aigraph-block-convolution-weights", "::mlir::func::FuncOp"> {
  let summary = "Store small-image convolution weights in blocks of output channels";
  let description = [{
    A 2-D convolution over a small output image (at most `maxPixels`
    pixels, `maxPointwisePixels` for 1x1 kernels: a ResNet's 7x7 and 14x14
    stages, MobileNet's last blocks), not grouped, whose f32 weights
    [F, C, KH, KW] are a constant that only such convolutions read and whose
    F is a multiple of `block`, reads its weights
    through `reshape(transpose(Wb, [0, 4, 1, 2, 3]))` of the constant
    `Wb[F / block, C, KH, KW, block]` made at compile time. The CPU kernels
    recognize that form (`coreai-cpu-vectorize-contractions`) and vectorize
    such a convolution along its output channels, reading `Wb` as one
    contiguous stream per block, instead of along image rows that fill few
    lanes (7 of 16 on a 7x7 image); any other consumer computes the same
    convolution through the transpose. The CPU pipeline alone adds this
    pass (bundles with other units keep the weights as they are), and it
    skips functions with enumerated shapes, whose variants share weights.
  }];
  let options = [
    Option<"block", "block", "int64_t", "16",
           "Output channels per block (the AVX-512 vector's f32 lanes)">,
    Option<"maxPixels", "max-pixels", "int64_t", "196",
           "Largest output image (OH * OW) of a blocked windowed convolution">,
    Option<"maxPointwisePixels", "max-pointwise-pixels", "int64_t", "49",
           "Largest output image (OH * OW) of a blocked 1x1 convolution">,
  ];
}

def PlanScratchArena : Pass<"coreai-plan-scratch-arena", "::mlir::func::FuncOp"> {
  let summary = "Place a function's scratch buffers in one arena by liveness";
  let description = [{
    Static memory planning on buffers (after bufferization, before the
    function is split into dispatches or launches). Every top-level
    `memref.alloc` of a static, dense, whole-byte type that does not escape
    the function becomes a `memref.view` of one 64-byte aligned
    `memref<Nxi8>` arena at an offset planned from liveness: a buffer lives
    from its allocation to the last top-level op that uses it (directly or
    through views or anything else that may alias it, such as the results
    of a loop that carries it), and buffers alive at the same time never
    share bytes. Offsets are assigned greedily by size, as TFLite's arena
    planner does: largest first, each at the lowest multiple of 64 clear of
    the buffers already placed that are alive at the same time. Other allocations (i1 buffers, allocations inside loops) are
    left alone. The arena is one more buffer for what follows: one scratch
    slot of the schedule, allocated once by the runtime.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // COREAI_TRANSFORMS_PASSES

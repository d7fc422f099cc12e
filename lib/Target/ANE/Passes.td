//===- Passes.td - The neural engine's lowering ------------*- tablegen -*-===//
#ifndef COREAI_TARGET_ANE_PASSES
#define COREAI_TARGET_ANE_PASSES

include "mlir/Pass/PassBase.td"

def LegalizeToANE : Pass<"coreai-ane-legalize", "::mlir::func::FuncOp"> {
  let summary = "Lower a neural-engine segment's graph ops to ane layers in fp16";
  let description = [{
    Rewrites every aigraph op of the function into ane ops on fp16 tensors:
    convolutions, matmuls (as the engine's 1x1 convolution, weights [K, N]),
    elementwise ops with per-channel operands, activations, pooling,
    softmax, concatenation and reshapes. Constants (aigraph.constant, or
    arguments marked `coreai.constant`) become fp16 `arith.constant`s, rounded
    to nearest even; Gemm's alpha and beta are folded into them. Every other
    fp32 argument is converted to fp16 once (`ane.convert`), and every fp32
    result converted back: the casts at the unit boundary. An op the engine
    cannot take is an error that says why (the capability check placement
    uses), so placement and lowering never disagree.
  }];
  let options = [
    Option<"arch", "arch", "std::string", "\"ane-16c-4mb\"",
           "engine: a built-in name (targets/ane) or a .json description">
  ];
  let dependentDialects = ["::coreai::ane::ANEDialect",
                           "::mlir::arith::ArithDialect"];
}

def FuseActivations : Pass<"coreai-ane-fuse-activations", "::mlir::func::FuncOp"> {
  let summary = "Apply relu and clip inside the layer that computes their input";
  let description = [{
    An `ane.activation` relu, or clip with bounds that are fp16 values,
    whose input is the only use of a conv, matmul or elementwise layer
    becomes that layer's `fused_activation`: the engine applies it to the
    accumulator before the output is rounded and written, so the pair costs
    one layer overhead and one round trip through DRAM instead of two. Both
    commute with rounding to fp16, so the results are bit-identical. The
    fused layer's location lists both source nodes.
  }];
}

def TileForSRAM : Pass<"coreai-ane-tile", "::mlir::func::FuncOp"> {
  let summary = "Choose each layer's tile loop so its working set fits SRAM";
  let description = [{
    Sets `tile_rows` and `tile_channels` on every compute layer: the tile of
    output rows x output channels whose working set (input window rows,
    weights of the tile's channels, output tile; rows padded to the engine's
    row alignment) fits the engine's SRAM. Weights stay resident when they
    fit with one output row; otherwise output channels are split and the
    layer streams its weights (`stream_weights`), one channel tile at a time.
    Among the tiles that fit, the one with the least DRAM traffic wins, then
    the fewest tiles. A layer that does not fit even as one row of one
    channel is an error.
  }];
  let options = [
    Option<"arch", "arch", "std::string", "\"ane-16c-4mb\"",
           "engine: a built-in name (targets/ane) or a .json description">
  ];
}

#endif // COREAI_TARGET_ANE_PASSES

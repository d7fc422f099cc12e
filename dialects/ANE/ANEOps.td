//===- ANEOps.td - The neural engine's layers --------------*- tablegen -*-===//
//
// Engine-level ops of the modeled neural engine (targets/ane): what one
// command-stream layer does. Every tensor is fp16 except at `ane.convert`,
// the cast at a unit boundary. Compute layers carry their tile loop after
// coreai-ane-tile: `tile_rows` output rows and `tile_channels` output
// channels per tile, and `stream_weights` when the layer's weights do not
// stay in SRAM for the whole loop.
//
//===----------------------------------------------------------------------===//

#ifndef ANE_OPS
#define ANE_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def ANE_Dialect : Dialect {
  let name = "ane";
  let cppNamespace = "::coreai::ane";
  let summary = "Layers of the modeled neural engine, in fp16, with tiles";
  let description = [{
    The neural-engine unit of coreai-build lowers the graph ops it places on
    the engine to these ops (coreai-ane-legalize), chooses each layer's tile
    loop so its working set fits the engine's SRAM (coreai-ane-tile), and
    serializes the result as a command stream (schemas/ane_stream.fbs).
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Registers the layer-kind attributes (defined with the ops).
    void registerAttributes();
  }];
}

// What a layer computes, as enums: the verifier of each op then only states
// the constraints between attributes, and the command stream spells each case
// the way the ODS case names it (schemas/ane_stream.fbs reads these names).
def ANE_ElementwiseKind : I32EnumAttr<"ElementwiseKind",
    "the operation of an elementwise layer", [
      I32EnumAttrCase<"add", 0>,
      I32EnumAttrCase<"sub", 1>,
      I32EnumAttrCase<"mul", 2>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::coreai::ane";
}
def ANE_ElementwiseKindAttr
    : EnumAttr<ANE_Dialect, ANE_ElementwiseKind, "elementwise_kind">;

def ANE_ActivationKind : I32EnumAttr<"ActivationKind",
    "an activation: exact (relu, clip) or by lookup table (the others)", [
      I32EnumAttrCase<"relu", 0>,
      I32EnumAttrCase<"clip", 1>,
      I32EnumAttrCase<"sigmoid", 2>,
      I32EnumAttrCase<"tanh", 3>,
      I32EnumAttrCase<"erf", 4>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::coreai::ane";
}
def ANE_ActivationKindAttr
    : EnumAttr<ANE_Dialect, ANE_ActivationKind, "activation">;

def ANE_PoolKind : I32EnumAttr<"PoolKind", "max or average pooling", [
      I32EnumAttrCase<"max", 0>,
      I32EnumAttrCase<"avg", 1>]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::coreai::ane";
}
def ANE_PoolKindAttr : EnumAttr<ANE_Dialect, ANE_PoolKind, "pool_kind">;

class ANE_Op<string mnemonic, list<Trait> traits = []>
    : Op<ANE_Dialect, mnemonic, !listconcat(traits, [Pure])>;

def ANE_F16Tensor : RankedTensorOf<[F16]>;

/// The tile loop of a compute layer (set by coreai-ane-tile).
class ANE_TiledOp<string mnemonic, list<Trait> traits = []>
    : ANE_Op<mnemonic, traits> {
  dag tileArgs = (ins OptionalAttr<I64Attr>:$tile_rows,
                      OptionalAttr<I64Attr>:$tile_channels,
                      UnitAttr:$stream_weights);
}

/// An activation the layer applies before rounding its output (set by
/// coreai-ane-fuse-activations): relu, or clip with fused_min/fused_max.
class ANE_FusibleOp<string mnemonic, list<Trait> traits = []>
    : ANE_TiledOp<mnemonic, traits> {
  dag fusionArgs = (ins OptionalAttr<ANE_ActivationKindAttr>:$fused_activation,
                        OptionalAttr<F32Attr>:$fused_min,
                        OptionalAttr<F32Attr>:$fused_max);
}

def ANE_ConvertOp : ANE_Op<"convert"> {
  let summary = "fp32 <-> fp16 at a unit boundary (round to nearest even)";
  let arguments = (ins RankedTensorOf<[F16, F32]>:$input);
  let results = (outs RankedTensorOf<[F16, F32]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def ANE_ConvOp : ANE_FusibleOp<"conv"> {
  let summary = "2-D convolution, NCHW, grouped or depthwise";
  let description = [{
    Weights are [F, C / groups, KH, KW] constants; bias is [F]. `pads` is
    top, left, bottom, right.
  }];
  let arguments = !con((ins ANE_F16Tensor:$input, ANE_F16Tensor:$weight,
                            Optional<ANE_F16Tensor>:$bias,
                            DenseI64ArrayAttr:$strides,
                            DenseI64ArrayAttr:$pads,
                            DenseI64ArrayAttr:$dilations,
                            I64Attr:$groups), tileArgs, fusionArgs);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def ANE_MatMulOp : ANE_FusibleOp<"matmul"> {
  let summary = "[M, K] x [K, N] + bias[N]: a 1x1 convolution on the engine";
  let arguments = !con((ins ANE_F16Tensor:$input, ANE_F16Tensor:$weight,
                            Optional<ANE_F16Tensor>:$bias), tileArgs,
                       fusionArgs);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def ANE_BatchMatMulOp : ANE_TiledOp<"batch_matmul"> {
  let summary = "[B, M, K] x [B, K, N]: a product of two engine tensors";
  let description = [{
    Both operands are computed on the engine (attention's Q x K^T and
    P x V); the right one is read from DRAM like streamed weights, one
    [K, tile] slice per batch and channel tile.
  }];
  let arguments = !con((ins ANE_F16Tensor:$lhs, ANE_F16Tensor:$rhs), tileArgs);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def ANE_ElementwiseOp : ANE_FusibleOp<"elementwise"> {
  let summary = "add, sub or mul; rhs has lhs's shape or one value per channel";
  let description = [{
    A per-channel `rhs` is [C] where C is dim 1 of a rank-4 lhs
    ([N, C, H, W]) and the last dim otherwise; every result is rounded to
    fp16.
  }];
  let arguments = !con((ins ANE_F16Tensor:$lhs, ANE_F16Tensor:$rhs,
                            ANE_ElementwiseKindAttr:$kind), tileArgs,
                       fusionArgs);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = [{
    $kind $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def ANE_ActivationOp : ANE_TiledOp<"activation"> {
  let summary = "relu, clip (exact) or sigmoid, tanh, erf (lookup table)";
  let arguments = !con((ins ANE_F16Tensor:$input,
                            ANE_ActivationKindAttr:$kind,
                            OptionalAttr<F32Attr>:$min,
                            OptionalAttr<F32Attr>:$max,
                            OptionalAttr<I64Attr>:$table_entries), tileArgs);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = "$kind $input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def ANE_PoolOp : ANE_TiledOp<"pool"> {
  let summary = "max or average pooling, NCHW";
  let arguments = !con((ins ANE_F16Tensor:$input, ANE_PoolKindAttr:$kind,
                            DenseI64ArrayAttr:$kernel,
                            DenseI64ArrayAttr:$strides,
                            DenseI64ArrayAttr:$pads,
                            UnitAttr:$count_include_pad), tileArgs);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = "$kind $input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def ANE_SoftmaxOp : ANE_TiledOp<"softmax"> {
  let summary = "softmax over the last axis";
  let arguments = !con((ins ANE_F16Tensor:$input), tileArgs);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def ANE_LayerNormOp : ANE_TiledOp<"layer_norm"> {
  let summary = "normalization over the last axis, then scale and bias";
  let description = [{
    (x - mean) / sqrt(variance + epsilon) * scale + bias over the last
    axis, computed in fp32 and rounded once; scale and bias are [C].
  }];
  let arguments = !con((ins ANE_F16Tensor:$input, ANE_F16Tensor:$scale,
                            Optional<ANE_F16Tensor>:$bias, F32Attr:$epsilon),
                       tileArgs);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def ANE_TransposeOp : ANE_Op<"transpose"> {
  let summary = "a permutation of dims: a strided DMA copy";
  let arguments = (ins ANE_F16Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def ANE_SliceOp : ANE_Op<"slice"> {
  let summary = "a box of the input starting at `starts`: a strided DMA copy";
  let arguments = (ins ANE_F16Tensor:$input, DenseI64ArrayAttr:$starts);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def ANE_ConcatOp : ANE_Op<"concat"> {
  let summary = "concatenation: DMA copies of each input into one tensor";
  let arguments = (ins Variadic<ANE_F16Tensor>:$inputs, I64Attr:$axis);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def ANE_ReshapeOp : ANE_Op<"reshape"> {
  let summary = "a new shape for the same fp16 elements (no data movement)";
  let arguments = (ins ANE_F16Tensor:$input);
  let results = (outs ANE_F16Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // ANE_OPS

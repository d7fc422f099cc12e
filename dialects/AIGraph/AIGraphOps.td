//===- AIGraphOps.td - The aigraph dialect -----------------*- tablegen -*-===//
//
// Value-semantic tensor ops at the level of ONNX / Core ML. Every op infers
// its result type from its operands and attributes (InferTypeOpInterface), so
// the verifier checks shapes and front ends never spell result types out.
// Attributes are normalized by the importer: explicit pads (no auto_pad),
// full-rank slice parameters, resolved reshape targets.
//
//===----------------------------------------------------------------------===//

#ifndef AIGRAPH_OPS
#define AIGRAPH_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def AIGraph_Dialect : Dialect {
  let name = "aigraph";
  let cppNamespace = "::coreai::aigraph";
  let summary = "Model-graph level tensor operations";
  let description = [{
    The graph dialect of coreai-build: ops at the level of ONNX operators,
    on ranked tensors with value semantics. Front ends (the ONNX importer,
    other tools emitting MLIR) produce it; the unit lowerings consume it.
  }];
  let hasConstantMaterializer = 1;
  // The enum attributes of AIGraphEnums.td round-trip in IR text through the
  // generated attribute parser and printer.
  let useDefaultAttributePrinterParser = 1;
}

include "dialects/AIGraph/AIGraphEnums.td"

// Result-type rules many ops share, as traits that define the
// inferReturnTypes(Adaptor) that InferTypeOpAdaptor declares; an op without
// one defines it in ShapeInference*.cpp. The C++ trait classes are in
// AIGraph.h.

// The result has the type of the `input` operand.
def AIGraph_ResultTypeOfInput : NativeOpTrait<"ResultTypeOfInput", [], [{}], [{
  ::llvm::LogicalResult $cppClass::inferReturnTypes(
      ::mlir::MLIRContext *, std::optional<::mlir::Location>, Adaptor adaptor,
      ::llvm::SmallVectorImpl<::mlir::Type> &types) {
    types.push_back(adaptor.getInput().getType());
    return ::mlir::success();
  }
}]> {
  let cppNamespace = "::coreai::aigraph";
}

// `lhs` and `rhs` broadcast (numpy rules); the result has lhs's element type.
def AIGraph_BroadcastResult : NativeOpTrait<"BroadcastResult", [], [{}], [{
  ::llvm::LogicalResult $cppClass::inferReturnTypes(
      ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
      Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
    return ::coreai::aigraph::inferBroadcastResult(
        loc, {adaptor.getLhs(), adaptor.getRhs()},
        ::coreai::aigraph::rankedOf(adaptor.getLhs()).getElementType(), types);
  }
}]> {
  let cppNamespace = "::coreai::aigraph";
}

// `lhs` and `rhs` broadcast (numpy rules); the result is i1.
def AIGraph_BroadcastPredicate : NativeOpTrait<"BroadcastPredicate", [], [{}],
                                               [{
  ::llvm::LogicalResult $cppClass::inferReturnTypes(
      ::mlir::MLIRContext *ctx, std::optional<::mlir::Location> loc,
      Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &types) {
    return ::coreai::aigraph::inferBroadcastResult(
        loc, {adaptor.getLhs(), adaptor.getRhs()},
        ::mlir::IntegerType::get(ctx, 1), types);
  }
}]> {
  let cppNamespace = "::coreai::aigraph";
}

class AIGraph_Op<string mnemonic, list<Trait> traits = []>
    : Op<AIGraph_Dialect, mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])>;

def AIGraph_FloatTensor : RankedTensorOf<[AnyFloat]>;
def AIGraph_Tensor : RankedTensorOf<[AnyType]>;
def AIGraph_IndexTensor : RankedTensorOf<[I32, I64]>;

//===----------------------------------------------------------------------===//
// Constants and identity
//===----------------------------------------------------------------------===//

def AIGraph_ConstantOp : Op<AIGraph_Dialect, "constant",
    [ConstantLike, Pure, InferTypeOpAdaptor]> {
  let summary = "A constant tensor (weights, shapes)";
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def AIGraph_IdentityOp : AIGraph_Op<"identity"> {
  let summary = "Returns its input";
  let arguments = (ins AIGraph_Tensor:$input);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def AIGraph_ShapeOp : AIGraph_Op<"shape"> {
  let summary = "The static shape of a tensor, as a 1-D int64 tensor";
  let description = [{ ONNX Shape with `start`/`end` already applied. Folds to
    a constant: shapes are static once symbolic dims are bound. }];
  let arguments = (ins AIGraph_Tensor:$input,
                       DefaultValuedAttr<I64Attr, "0">:$start,
                       OptionalAttr<I64Attr>:$end);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise ops with numpy broadcasting
//===----------------------------------------------------------------------===//

class AIGraph_BinaryOp<string mnemonic, string desc>
    : AIGraph_Op<mnemonic, [SameOperandsElementType, AIGraph_BroadcastResult]> {
  let summary = desc # " with numpy broadcasting";
  let arguments = (ins AIGraph_Tensor:$lhs, AIGraph_Tensor:$rhs);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)
  }];
}

def AIGraph_AddOp : AIGraph_BinaryOp<"add", "Elementwise sum">;
def AIGraph_SubOp : AIGraph_BinaryOp<"sub", "Elementwise difference">;
def AIGraph_MulOp : AIGraph_BinaryOp<"mul", "Elementwise product">;
def AIGraph_DivOp : AIGraph_BinaryOp<"div", "Elementwise quotient">;
def AIGraph_PowOp : AIGraph_Op<"pow", [AIGraph_BroadcastResult]> {
  let summary = "Elementwise power; the exponent may have another numeric type";
  let arguments = (ins AIGraph_Tensor:$lhs, AIGraph_Tensor:$rhs);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)
  }];
}

class AIGraph_UnaryOp<string mnemonic, string desc>
    : AIGraph_Op<mnemonic, [AIGraph_ResultTypeOfInput]> {
  let summary = desc;
  let arguments = (ins AIGraph_FloatTensor:$input);
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def AIGraph_ReluOp : AIGraph_UnaryOp<"relu", "max(x, 0)">;
def AIGraph_SigmoidOp : AIGraph_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def AIGraph_TanhOp : AIGraph_UnaryOp<"tanh", "Hyperbolic tangent">;
def AIGraph_ErfOp : AIGraph_UnaryOp<"erf", "Gauss error function">;
def AIGraph_ExpOp : AIGraph_UnaryOp<"exp", "Exponential">;
def AIGraph_SqrtOp : AIGraph_UnaryOp<"sqrt", "Square root">;

def AIGraph_ClipOp : AIGraph_Op<"clip", [AttrSizedOperandSegments]> {
  let summary = "Clamps values to [min, max] (absent bounds do not clamp)";
  let description = [{ `min` and `max` are scalar (rank-0 or one-element)
    tensors of the input's element type; constants or run-time values. }];
  let arguments = (ins AIGraph_Tensor:$input, Optional<AIGraph_Tensor>:$min,
                       Optional<AIGraph_Tensor>:$max);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = [{
    $input (`min` $min^)? (`max` $max^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def AIGraph_ConvOp : AIGraph_Op<"conv"> {
  let summary = "N-D convolution, NCHW, optionally grouped or depthwise";
  let description = [{
    `pads` holds the begin pads of every spatial dim followed by the end
    pads (ONNX order); `auto_pad` is resolved by the importer.
  }];
  let arguments = (ins AIGraph_FloatTensor:$input, AIGraph_FloatTensor:$weight,
                       Optional<AIGraph_FloatTensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$group);
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def AIGraph_GemmOp : AIGraph_Op<"gemm"> {
  let summary = "alpha * op(A) * op(B) + beta * C";
  let arguments = (ins AIGraph_FloatTensor:$a, AIGraph_FloatTensor:$b,
                       Optional<AIGraph_FloatTensor>:$c,
                       DefaultValuedAttr<F64Attr, "1.0">:$alpha,
                       DefaultValuedAttr<F64Attr, "1.0">:$beta,
                       DefaultValuedAttr<BoolAttr, "false">:$transA,
                       DefaultValuedAttr<BoolAttr, "false">:$transB);
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
}

def AIGraph_MatMulOp : AIGraph_Op<"matmul", [SameOperandsElementType]> {
  let summary = "numpy matmul: batched, with broadcast batch dims";
  let arguments = (ins AIGraph_FloatTensor:$lhs, AIGraph_FloatTensor:$rhs);
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)
  }];
}

//===----------------------------------------------------------------------===//
// Pooling, normalization, softmax
//===----------------------------------------------------------------------===//

class AIGraph_PoolOp<string mnemonic, string desc> : AIGraph_Op<mnemonic> {
  let summary = desc;
  let description = [{ `pads` as in aigraph.conv; `ceil_mode` selects the
    rounding of the output size. }];
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def AIGraph_MaxPoolOp : AIGraph_PoolOp<"max_pool", "Max pooling, NCHW"> {
  let arguments = (ins AIGraph_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
}

def AIGraph_AveragePoolOp : AIGraph_PoolOp<"average_pool", "Average pooling, NCHW"> {
  let arguments = (ins AIGraph_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
}

def AIGraph_GlobalAveragePoolOp : AIGraph_Op<"global_average_pool"> {
  let summary = "Mean over all spatial dims, keeping them as size 1";
  let arguments = (ins AIGraph_FloatTensor:$input);
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def AIGraph_SoftmaxOp : AIGraph_Op<"softmax", [AIGraph_ResultTypeOfInput]> {
  let summary = "Softmax along one axis (ONNX opset >= 13 semantics)";
  let arguments = (ins AIGraph_FloatTensor:$input, I64Attr:$axis);
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def AIGraph_BatchNormOp : AIGraph_Op<"batch_norm"> {
  let summary = "Inference-mode batch normalization over dim 1";
  let arguments = (ins AIGraph_FloatTensor:$input, AIGraph_FloatTensor:$scale,
                       AIGraph_FloatTensor:$bias, AIGraph_FloatTensor:$mean,
                       AIGraph_FloatTensor:$variance,
                       DefaultValuedAttr<F64Attr, "1e-5">:$epsilon);
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def AIGraph_LayerNormOp : AIGraph_Op<"layer_norm"> {
  let summary = "Normalization over the dims from `axis` on";
  let arguments = (ins AIGraph_FloatTensor:$input, AIGraph_FloatTensor:$scale,
                       Optional<AIGraph_FloatTensor>:$bias,
                       I64Attr:$axis,
                       DefaultValuedAttr<F64Attr, "1e-5">:$epsilon);
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def AIGraph_FlattenOp : AIGraph_Op<"flatten"> {
  let summary = "Collapses dims [0, axis) and [axis, rank) into a 2-D tensor";
  let arguments = (ins AIGraph_Tensor:$input, I64Attr:$axis);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def AIGraph_ReshapeOp : AIGraph_Op<"reshape"> {
  let summary = "Reshape to a static target shape (0 and -1 resolved)";
  let arguments = (ins AIGraph_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def AIGraph_TransposeOp : AIGraph_Op<"transpose"> {
  let summary = "Permutes dims: output dim i is input dim perm[i]";
  let arguments = (ins AIGraph_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def AIGraph_ConcatOp : AIGraph_Op<"concat", [SameOperandsElementType]> {
  let summary = "Concatenation along one axis";
  let arguments = (ins Variadic<AIGraph_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
}

def AIGraph_SliceOp : AIGraph_Op<"slice"> {
  let summary = "Strided slice with one start/end/step per dim";
  let description = [{ Parameters are normalized for every dim: 0 <= start,
    clamped ends, step != 0 (ONNX Slice after clamping). }];
  let arguments = (ins AIGraph_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$steps);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def AIGraph_GatherOp : AIGraph_Op<"gather"> {
  let summary = "Gathers slices of `data` along `axis` at `indices`";
  let arguments = (ins AIGraph_Tensor:$data, AIGraph_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

include "dialects/AIGraph/AIGraphElementwiseOps.td"
include "dialects/AIGraph/AIGraphReductionOps.td"
include "dialects/AIGraph/AIGraphIndexingOps.td"

def AIGraph_GatherElementsOp : AIGraph_Op<"gather_elements"> {
  let summary = "out[i] = data[i with dim `axis` replaced by indices[i]]";
  let arguments = (ins AIGraph_Tensor:$data, AIGraph_IndexTensor:$indices,
                       I64Attr:$axis);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

#endif // AIGRAPH_OPS

//===- AIGraphElementwiseOps.td - More elementwise ops -----*- tablegen -*-===//
//
// Math, activations, comparisons, logic, bitwise ops and casts. All
// elementwise with numpy broadcasting; result types are inferred.
//
//===----------------------------------------------------------------------===//

// Float unary math (same type in and out).
def AIGraph_CeilOp : AIGraph_UnaryOp<"ceil", "Round toward +inf">;
def AIGraph_FloorOp : AIGraph_UnaryOp<"floor", "Round toward -inf">;
def AIGraph_RoundOp : AIGraph_UnaryOp<"round", "Round half to even">;
def AIGraph_ReciprocalOp : AIGraph_UnaryOp<"reciprocal", "1 / x">;
def AIGraph_LogOp : AIGraph_UnaryOp<"log", "Natural logarithm">;
def AIGraph_SinOp : AIGraph_UnaryOp<"sin", "Sine">;
def AIGraph_CosOp : AIGraph_UnaryOp<"cos", "Cosine">;
def AIGraph_TanOp : AIGraph_UnaryOp<"tan", "Tangent">;
def AIGraph_AsinOp : AIGraph_UnaryOp<"asin", "Arc sine">;
def AIGraph_AcosOp : AIGraph_UnaryOp<"acos", "Arc cosine">;
def AIGraph_AtanOp : AIGraph_UnaryOp<"atan", "Arc tangent">;
def AIGraph_SinhOp : AIGraph_UnaryOp<"sinh", "Hyperbolic sine">;
def AIGraph_CoshOp : AIGraph_UnaryOp<"cosh", "Hyperbolic cosine">;
def AIGraph_AsinhOp : AIGraph_UnaryOp<"asinh", "Inverse hyperbolic sine">;
def AIGraph_AcoshOp : AIGraph_UnaryOp<"acosh", "Inverse hyperbolic cosine">;
def AIGraph_AtanhOp : AIGraph_UnaryOp<"atanh", "Inverse hyperbolic tangent">;
def AIGraph_SoftplusOp : AIGraph_UnaryOp<"softplus", "log(1 + exp(x))">;
def AIGraph_SoftsignOp : AIGraph_UnaryOp<"softsign", "x / (1 + |x|)">;
def AIGraph_MishOp : AIGraph_UnaryOp<"mish", "x * tanh(softplus(x))">;
def AIGraph_HardSwishOp : AIGraph_UnaryOp<"hard_swish", "x * max(0, min(1, x/6 + 1/2))">;
def AIGraph_GeluOp : AIGraph_UnaryOp<"gelu", "x * Phi(x), exact (erf) form">;
def AIGraph_GeluTanhOp : AIGraph_UnaryOp<"gelu_tanh", "Gelu, tanh approximation">;

// Unary ops on any numeric type.
class AIGraph_NumericUnaryOp<string mnemonic, string desc>
    : AIGraph_Op<mnemonic, [AIGraph_ResultTypeOfInput]> {
  let summary = desc;
  let arguments = (ins AIGraph_Tensor:$input);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}
def AIGraph_AbsOp : AIGraph_NumericUnaryOp<"abs", "Absolute value">;
def AIGraph_NegOp : AIGraph_NumericUnaryOp<"neg", "Negation">;
def AIGraph_SignOp : AIGraph_NumericUnaryOp<"sign", "-1, 0 or 1">;
def AIGraph_NotOp : AIGraph_NumericUnaryOp<"not", "Logical not (i1)">;
def AIGraph_BitwiseNotOp : AIGraph_NumericUnaryOp<"bitwise_not", "Bitwise not">;

// Float unary ops with up to two parameters (defaults applied by importers).
class AIGraph_ParamUnaryOp<string mnemonic, string desc>
    : AIGraph_Op<mnemonic, [AIGraph_ResultTypeOfInput]> {
  let summary = desc;
  let arguments = (ins AIGraph_FloatTensor:$input, F64Attr:$alpha,
                       F64Attr:$beta);
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}
def AIGraph_LeakyReluOp : AIGraph_ParamUnaryOp<"leaky_relu", "x < 0 ? alpha * x : x">;
def AIGraph_EluOp : AIGraph_ParamUnaryOp<"elu", "x < 0 ? alpha * (exp(x) - 1) : x">;
def AIGraph_SeluOp : AIGraph_ParamUnaryOp<"selu", "beta * (x <= 0 ? alpha * (exp(x) - 1) : x) (beta = gamma)">;
def AIGraph_CeluOp : AIGraph_ParamUnaryOp<"celu", "max(0, x) + min(0, alpha * (exp(x / alpha) - 1))">;
def AIGraph_HardSigmoidOp : AIGraph_ParamUnaryOp<"hard_sigmoid", "max(0, min(1, alpha * x + beta))">;
def AIGraph_ThresholdedReluOp : AIGraph_ParamUnaryOp<"thresholded_relu", "x > alpha ? x : 0">;
def AIGraph_ShrinkOp : AIGraph_ParamUnaryOp<"shrink", "x < -beta ? x + alpha : x > beta ? x - alpha : 0 (alpha = bias, beta = lambd)">;

// Float predicates -> i1.
class AIGraph_PredicateOp<string mnemonic, string desc> : AIGraph_Op<mnemonic> {
  let summary = desc;
  let arguments = (ins AIGraph_FloatTensor:$input,
                       DefaultValuedAttr<BoolAttr, "true">:$negative,
                       DefaultValuedAttr<BoolAttr, "true">:$positive);
  let results = (outs RankedTensorOf<[I1]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}
def AIGraph_IsNaNOp : AIGraph_PredicateOp<"is_nan", "x is NaN">;
def AIGraph_IsInfOp : AIGraph_PredicateOp<"is_inf", "x is an infinity of a selected sign">;

// More binary ops with broadcasting (same element type on both sides).
def AIGraph_MaxOp : AIGraph_BinaryOp<"max", "Elementwise maximum (NaN-propagating)">;
def AIGraph_MinOp : AIGraph_BinaryOp<"min", "Elementwise minimum (NaN-propagating)">;
def AIGraph_ModOp : AIGraph_BinaryOp<"mod", "Integer modulo with the divisor's sign">;
def AIGraph_FModOp : AIGraph_BinaryOp<"fmod", "Remainder with the dividend's sign (C fmod)">;
def AIGraph_PReluOp : AIGraph_BinaryOp<"prelu", "x < 0 ? slope * x : x">;
def AIGraph_AndOp : AIGraph_BinaryOp<"and", "Logical and (i1)">;
def AIGraph_OrOp : AIGraph_BinaryOp<"or", "Logical or (i1)">;
def AIGraph_XorOp : AIGraph_BinaryOp<"xor", "Logical xor (i1)">;
def AIGraph_BitwiseAndOp : AIGraph_BinaryOp<"bitwise_and", "Bitwise and">;
def AIGraph_BitwiseOrOp : AIGraph_BinaryOp<"bitwise_or", "Bitwise or">;
def AIGraph_BitwiseXorOp : AIGraph_BinaryOp<"bitwise_xor", "Bitwise xor">;
def AIGraph_ShiftLeftOp : AIGraph_BinaryOp<"shift_left", "Logical shift left">;
def AIGraph_ShiftRightOp : AIGraph_BinaryOp<"shift_right", "Logical shift right">;

// Comparisons -> i1.
class AIGraph_CompareOp<string mnemonic, string desc>
    : AIGraph_Op<mnemonic, [SameOperandsElementType, AIGraph_BroadcastPredicate]> {
  let summary = desc # " with numpy broadcasting, giving i1";
  let arguments = (ins AIGraph_Tensor:$lhs, AIGraph_Tensor:$rhs);
  let results = (outs RankedTensorOf<[I1]>:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($output)
  }];
}
def AIGraph_EqualOp : AIGraph_CompareOp<"equal", "lhs == rhs">;
def AIGraph_LessOp : AIGraph_CompareOp<"less", "lhs < rhs">;
def AIGraph_LessEqualOp : AIGraph_CompareOp<"less_equal", "lhs <= rhs">;
def AIGraph_GreaterOp : AIGraph_CompareOp<"greater", "lhs > rhs">;
def AIGraph_GreaterEqualOp : AIGraph_CompareOp<"greater_equal", "lhs >= rhs">;

def AIGraph_WhereOp : AIGraph_Op<"where"> {
  let summary = "cond ? lhs : rhs, with numpy broadcasting of all three";
  let arguments = (ins RankedTensorOf<[I1]>:$cond, AIGraph_Tensor:$lhs,
                       AIGraph_Tensor:$rhs);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = [{
    $cond `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def AIGraph_CastOp : AIGraph_Op<"cast"> {
  let summary = "Converts elements to another type (ONNX Cast semantics)";
  let description = [{ Float to integer truncates toward zero; to i1 is
    `x != 0`; from i1 is 0 or 1. To 4- and 2-bit integers keeps the low
    bits. To float8 and float4 rounds to nearest even; out-of-range values
    saturate to the largest finite value when `saturate` is set, else become
    infinity or NaN as the type has them (float4e2m1 always saturates). To
    float8e8m0 rounds the exponent as `round_mode` says (up, down, nearest). }];
  let arguments = (ins AIGraph_Tensor:$input, TypeAttr:$to,
                       DefaultValuedAttr<BoolAttr, "true">:$saturate,
                       DefaultValuedStrAttr<StrAttr, "up">:$round_mode);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def AIGraph_BitcastOp : AIGraph_Op<"bitcast"> {
  let summary = "Reinterprets each element's bits as another type of the same width (ONNX BitCast)";
  let description = [{ bool reinterprets as a one-byte integer (0 or 1). }];
  let arguments = (ins AIGraph_Tensor:$input, TypeAttr:$to);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def AIGraph_ExpandOp : AIGraph_Op<"expand"> {
  let summary = "Broadcasts the input to the numpy broadcast of its shape and `shape`";
  let arguments = (ins AIGraph_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

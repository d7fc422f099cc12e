//===- AIGraphReductionOps.td - Reductions -----------------*- tablegen -*-===//
//
// Reductions over a set of axes (normalized by importers: sorted,
// non-negative, non-empty). `keepdims` keeps reduced dims as size 1.
//
//===----------------------------------------------------------------------===//

class AIGraph_ReduceOp<string mnemonic, string desc> : AIGraph_Op<mnemonic> {
  let summary = desc;
  let arguments = (ins AIGraph_Tensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def AIGraph_ReduceSumOp : AIGraph_ReduceOp<"reduce_sum", "Sum">;
def AIGraph_ReduceMeanOp : AIGraph_ReduceOp<"reduce_mean", "Mean">;
def AIGraph_ReduceMaxOp : AIGraph_ReduceOp<"reduce_max", "Maximum">;
def AIGraph_ReduceMinOp : AIGraph_ReduceOp<"reduce_min", "Minimum">;
def AIGraph_ReduceProdOp : AIGraph_ReduceOp<"reduce_prod", "Product">;
def AIGraph_ReduceL1Op : AIGraph_ReduceOp<"reduce_l1", "Sum of |x|">;
def AIGraph_ReduceL2Op : AIGraph_ReduceOp<"reduce_l2", "sqrt(sum of x^2)">;
def AIGraph_ReduceSumSquareOp : AIGraph_ReduceOp<"reduce_sum_square", "Sum of x^2">;
def AIGraph_ReduceLogSumOp : AIGraph_ReduceOp<"reduce_log_sum", "log(sum)">;
def AIGraph_ReduceLogSumExpOp : AIGraph_ReduceOp<"reduce_log_sum_exp", "log(sum(exp(x))), computed stably">;

class AIGraph_ArgOp<string mnemonic, string desc> : AIGraph_Op<mnemonic> {
  let summary = desc;
  let arguments = (ins AIGraph_Tensor:$input, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                       DefaultValuedAttr<BoolAttr, "false">:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}
def AIGraph_ArgMaxOp : AIGraph_ArgOp<"arg_max", "Index of the maximum along an axis">;
def AIGraph_ArgMinOp : AIGraph_ArgOp<"arg_min", "Index of the minimum along an axis">;

def AIGraph_LogSoftmaxOp : AIGraph_Op<"log_softmax", [AIGraph_ResultTypeOfInput]> {
  let summary = "log(softmax(x)) along one axis, computed stably";
  let arguments = (ins AIGraph_FloatTensor:$input, I64Attr:$axis);
  let results = (outs AIGraph_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

//===- AIGraphIndexingOps.td - Scatter, gather_nd, top_k ---*- tablegen -*-===//
//
// Ops that read or write at run-time indices. Negative indices count from
// the end of their dim, as ONNX specifies; the lowerings clamp indices that
// are still out of range rather than access memory out of bounds. A scatter's
// `reduction` (AIGraphEnums.td) is none, add, mul, max or min.
//
//===----------------------------------------------------------------------===//

def AIGraph_ScatterElementsOp : AIGraph_Op<"scatter_elements"> {
  let summary = "out = data; out[i with dim `axis` = indices[i]] (op)= updates[i]";
  let description = [{ `indices` and `updates` have one shape, of the rank of
    `data`. Updates apply in row-major order, so with `none` the last of
    several updates to one element wins. }];
  let arguments = (ins AIGraph_Tensor:$data, AIGraph_IndexTensor:$indices,
                       AIGraph_Tensor:$updates, I64Attr:$axis,
                       DefaultValuedAttr<AIGraph_ScatterReductionAttr,
                         "::coreai::aigraph::ScatterReduction::None">:$reduction);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
}

def AIGraph_ScatterNDOp : AIGraph_Op<"scatter_nd"> {
  let summary = "out = data; out[indices[i][:]] (op)= updates[i] (slices)";
  let description = [{ `indices` is [..., k]: each row addresses a slice of
    `data` by its first k coordinates; `updates` is indices' shape without
    its last dim followed by data's dims from k on. }];
  let arguments = (ins AIGraph_Tensor:$data, AIGraph_IndexTensor:$indices,
                       AIGraph_Tensor:$updates,
                       DefaultValuedAttr<AIGraph_ScatterReductionAttr,
                         "::coreai::aigraph::ScatterReduction::None">:$reduction);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
}

def AIGraph_GatherNDOp : AIGraph_Op<"gather_nd"> {
  let summary = "out[b, i] = data[b, indices[b, i][:]] (slices)";
  let description = [{ The first `batch_dims` dims of `data` and `indices`
    are shared batch dims; the last dim of `indices` (k) holds coordinates
    into the next k dims of `data`. The result is indices' shape without
    its last dim followed by data's dims from batch_dims + k on. }];
  let arguments = (ins AIGraph_Tensor:$data, AIGraph_IndexTensor:$indices,
                       DefaultValuedAttr<I64Attr, "0">:$batch_dims);
  let results = (outs AIGraph_Tensor:$output);
  let assemblyFormat = [{
    $data `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

def AIGraph_TopKOp : AIGraph_Op<"top_k"> {
  let summary = "The k largest (or smallest) elements along an axis, sorted";
  let description = [{ Values come in order, best first; equal values keep
    the order of their indices (the lower index first). `indices` holds
    their positions along `axis`. }];
  let arguments = (ins AIGraph_Tensor:$input, I64Attr:$k, I64Attr:$axis,
                       DefaultValuedAttr<BoolAttr, "true">:$largest);
  let results = (outs AIGraph_Tensor:$values, RankedTensorOf<[I64]>:$indices);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type(results)";
}

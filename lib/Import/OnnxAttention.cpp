//===- OnnxAttention.cpp - ONNX Attention as aigraph ops ------------------===//
//
// Attention (opset 23+) is decomposed into the aigraph ops of its ONNX
// function body: head split, past concatenation, grouped-query head
// repetition, scaled QK^T, bias/causal masks, softcap, softmax, and the
// weighted sum of V. Each intermediate keeps the node's location.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include <cmath>

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

static LogicalResult importAttentionOp(GraphImporter &g) {
  Value q = g.input(0), k = g.input(1), v = g.input(2);
  auto qt = typeOf(q), kt = typeOf(k), vt = typeOf(v);
  Type et = qt.getElementType();
  if (!isa<FloatType>(et) || kt.getElementType() != et ||
      vt.getElementType() != et)
    return g.error() << "Q, K and V must share one floating-point type";
  if (!qt.hasStaticShape() || !kt.hasStaticShape() || !vt.hasStaticShape())
    return g.error() << "needs static shapes";
  int64_t rank = qt.getRank();
  if (rank != 3 && rank != 4)
    return g.error() << "Q must be 3-D or 4-D, got " << qt;
  if (kt.getRank() != rank || vt.getRank() != rank)
    return g.error() << "K and V must have Q's rank " << rank << ", got " << kt
                     << " and " << vt;
  int64_t batch = qt.getDimSize(0);

  Emitter e{g};
  // Bring Q, K, V to [B, heads, S, H].
  int64_t qHeads, kvHeads;
  if (rank == 3) {
    qHeads = g.intAttr("q_num_heads", 0);
    kvHeads = g.intAttr("kv_num_heads", 0);
    if (qHeads <= 0 || kvHeads <= 0 || qt.getDimSize(2) % qHeads ||
        kt.getDimSize(2) % kvHeads || vt.getDimSize(2) % kvHeads)
      return g.error() << "3-D inputs need q_num_heads and kv_num_heads "
                          "that divide the hidden sizes";
    auto split = [&](Value x, int64_t heads) {
      auto t = typeOf(x);
      Value r = e.reshape(x, {t.getDimSize(0), t.getDimSize(1), heads,
                              t.getDimSize(2) / heads});
      return e.transpose(r, {0, 2, 1, 3});
    };
    q = split(q, qHeads);
    k = split(k, kvHeads);
    v = split(v, kvHeads);
  } else {
    qHeads = qt.getDimSize(1);
    kvHeads = kt.getDimSize(1);
  }
  if (!e.ok)
    return failure();
  if (qHeads <= 0 || kvHeads <= 0 || qHeads % kvHeads)
    return g.error() << "q heads (" << qHeads
                     << ") must be a multiple of kv heads (" << kvHeads << ")";
  int64_t headSize = typeOf(q).getDimSize(3);
  int64_t seqQ = typeOf(q).getDimSize(2);

  // Past keys/values go first along the sequence; the results are the
  // present_key/present_value outputs.
  if (g.hasInput(4))
    k = e.make<aigraph::ConcatOp>(ValueRange{g.input(4), k},
                                  g.builder.getI64IntegerAttr(2));
  if (g.hasInput(5))
    v = e.make<aigraph::ConcatOp>(ValueRange{g.input(5), v},
                                  g.builder.getI64IntegerAttr(2));
  if (!e.ok)
    return failure();
  g.setOutput(1, k);
  g.setOutput(2, v);
  int64_t seqKV = typeOf(k).getDimSize(2);

  // Grouped-query attention: each kv head serves qHeads/kvHeads q heads.
  if (qHeads != kvHeads) {
    int64_t rep = qHeads / kvHeads;
    auto repeat = [&](Value x) {
      auto t = typeOf(x);
      Value r = e.reshape(x, {batch, kvHeads, 1, t.getDimSize(2),
                              t.getDimSize(3)});
      r = e.make<aigraph::ExpandOp>(
          r, g.builder.getDenseI64ArrayAttr(
                 {batch, kvHeads, rep, t.getDimSize(2), t.getDimSize(3)}));
      return e.reshape(r, {batch, qHeads, t.getDimSize(2), t.getDimSize(3)});
    };
    k = repeat(k);
    v = repeat(v);
  }

  double scale = g.attr("scale") ? g.floatAttr("scale", 1)
                                 : 1.0 / std::sqrt((double)headSize);
  Value kT = e.transpose(k, {0, 1, 3, 2});
  Value scores = e.make<aigraph::MatMulOp>(q, kT);
  scores = e.make<aigraph::MulOp>(scores, e.scalar(et, scale));
  int64_t mode = g.intAttr("qk_matmul_output_mode", 0);
  Value qkOut = scores;

  double cap = g.floatAttr("softcap", 0);
  auto softcap = [&](Value x) {
    Value s = e.make<aigraph::DivOp>(x, e.scalar(et, cap));
    s = e.make<aigraph::TanhOp>(s);
    return e.make<aigraph::MulOp>(s, e.scalar(et, cap));
  };
  Value rawScores = scores;
  // Softcap applies to the raw scores, before any mask, so masked entries
  // stay -inf (as in the ONNX function body).
  if (cap > 0)
    scores = softcap(scores);

  // One additive bias from the mask (boolean masks allow where true) and
  // the causal structure.
  Value bias;
  if (Value mask = g.input(3)) {
    bias = mask;
    if (typeOf(mask).getElementType().isInteger(1))
      bias = e.make<aigraph::WhereOp>(mask, e.scalar(et, 0),
                                      e.scalar(et, -INFINITY));
    else if (typeOf(mask).getElementType() != et)
      return g.error() << "attn_mask must be bool or " << et;
    // (An Emitter step that failed leaves null values: stop at it.)
    if (!e.ok)
      return failure();
    // A mask shorter than the keys (a cache padded past it) masks the rest.
    auto bt = typeOf(bias);
    if (bt.getRank() > 0 && bt.getShape().back() < seqKV) {
      SmallVector<int64_t> shape(bt.getShape());
      shape.back() = seqKV - shape.back();
      Value rest = g.constant(DenseElementsAttr::get(
          RankedTensorType::get(shape, et),
          FloatAttr::get(et, -INFINITY)));
      bias = e.make<aigraph::ConcatOp>(
          ValueRange{bias, rest}, g.builder.getI64IntegerAttr(bt.getRank() - 1));
    }
  }
  if (g.intAttr("is_causal", 0) && g.hasInput(6)) {
    // With nonpad_kv_seqlen the causal diagonal is bottom-right aligned per
    // batch: query i sees keys j <= i + nonpad_kv_seqlen[b] - seqQ.
    Type i64 = g.builder.getIntegerType(64);
    Value jMinusI = diagonalIndices(g, seqQ, seqKV);
    Value offset = e.make<aigraph::SubOp>(
        e.reshape(e.make<aigraph::CastOp>(g.input(6), TypeAttr::get(i64)),
                  {batch, 1, 1, 1}),
        e.intScalar(i64, seqQ));
    Value seen = e.make<aigraph::LessEqualOp>(jMinusI, offset);
    Value causal = e.make<aigraph::WhereOp>(seen, e.scalar(et, 0),
                                            e.scalar(et, -INFINITY));
    bias = bias ? e.make<aigraph::AddOp>(bias, causal) : causal;
  } else if (g.intAttr("is_causal", 0)) {
    // Query i sees keys j <= i + past (upper-left aligned after the past).
    int64_t past = g.hasInput(4) ? typeOf(g.input(4)).getDimSize(2) : 0;
    SmallVector<Attribute> values;
    for (int64_t i = 0; i < seqQ; ++i)
      for (int64_t j = 0; j < seqKV; ++j)
        values.push_back(FloatAttr::get(et, j <= i + past ? 0.0 : -INFINITY));
    Value causal = g.constant(DenseElementsAttr::get(
        RankedTensorType::get({seqQ, seqKV}, et), values));
    bias = bias ? e.make<aigraph::AddOp>(bias, causal) : causal;
  }
  // nonpad_kv_seqlen[b]: keys at or past it are padding for batch b.
  if (Value lens = g.input(6)) {
    Type i64 = g.builder.getIntegerType(64);
    Value keys = iotaAlong(g, seqKV, 0, 1, i64);
    Value len = e.reshape(e.make<aigraph::CastOp>(lens, TypeAttr::get(i64)),
                          {batch, 1, 1, 1});
    Value valid = e.make<aigraph::LessOp>(keys, len);
    Value pad = e.make<aigraph::WhereOp>(valid, e.scalar(et, 0),
                                         e.scalar(et, -INFINITY));
    bias = bias ? e.make<aigraph::AddOp>(bias, pad) : pad;
  }
  if (bias)
    scores = e.make<aigraph::AddOp>(scores, bias);
  // The optional QK output reports the stages in the spec's order: matmul,
  // + bias, softcap, softmax.
  if (mode == 1 || mode == 2)
    qkOut = bias ? e.make<aigraph::AddOp>(rawScores, bias) : rawScores;
  if (mode == 2 && cap > 0)
    qkOut = softcap(qkOut);
  Value probs = e.make<aigraph::SoftmaxOp>(scores,
                                           g.builder.getI64IntegerAttr(3));
  // Rows whose keys are all masked give zeros, not NaN.
  if (!e.ok)
    return failure();
  if (bias) {
    int64_t biasRank = typeOf(bias).getRank();
    Value rowMax = e.make<aigraph::ReduceMaxOp>(
        bias, g.builder.getDenseI64ArrayAttr({biasRank - 1}),
        g.builder.getBoolAttr(true));
    Value masked = e.make<aigraph::EqualOp>(rowMax, e.scalar(et, -INFINITY));
    probs = e.make<aigraph::WhereOp>(masked, e.scalar(et, 0), probs);
  }
  if (mode == 3)
    qkOut = probs;
  Value y = e.make<aigraph::MatMulOp>(probs, v);
  if (!e.ok)
    return failure();
  if (rank == 3) {
    int64_t hv = typeOf(y).getDimSize(3);
    y = e.transpose(y, {0, 2, 1, 3});
    y = e.reshape(y, {batch, seqQ, qHeads * hv});
  }
  if (!e.ok)
    return failure();
  g.setOutput(0, y);
  g.setOutput(3, qkOut);
  return success();
}

void coreai::onnx_import::populateAttentionImporters(OpImporterTable &table) {
  table["Attention"] = {importAttentionOp, 3};
}

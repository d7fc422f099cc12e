//===- OnnxLinearAttention.cpp - LinearAttention unrolled over time -------===//
//
// A recurrent state S [batch, kv heads, dk, dv] is updated once per time step
// and read by the queries, as in the ONNX function body:
//   gated, gated_delta:  S = S * exp(decay_t)        (per key dim or head)
//   linear, gated:       S = S + k_t^T v_t
//   delta, gated_delta:  S = S + k_t^T (beta_t * (v_t - k_t S))
//   output_t = scale * q_t S   (each kv head serves q_heads / kv_heads queries)
// The sequence length is static, so the steps unroll. float16 inputs compute
// in float32, like the function body.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include <cmath>

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

LogicalResult coreai::onnx_import::importLinearAttentionOp(GraphImporter &g) {
  Value q = g.input(0), k = g.input(1), v = g.input(2);
  auto qt = typeOf(q), kt = typeOf(k), vt = typeOf(v);
  Type et = qt.getElementType();
  if (!isa<FloatType>(et) || qt.getRank() != 3 || kt.getRank() != 3 ||
      vt.getRank() != 3)
    return g.error() << "expects float query, key and value of shape "
                        "[batch, seq, heads * size]";
  if (!qt.hasStaticShape() || !kt.hasStaticShape() || !vt.hasStaticShape())
    return g.error() << "needs static query, key and value shapes, got " << qt
                     << ", " << kt << " and " << vt;
  int64_t hq = g.intAttr("q_num_heads", 0), hkv = g.intAttr("kv_num_heads", 0);
  if (hq <= 0 || hkv <= 0 || hq % hkv || qt.getDimSize(2) % hq ||
      kt.getDimSize(2) % hkv || vt.getDimSize(2) % hkv)
    return g.error() << "q_num_heads and kv_num_heads must divide the hidden "
                        "sizes, and kv heads the q heads";
  std::string rule = g.stringAttr("update_rule", "gated_delta");
  bool gated = rule == "gated" || rule == "gated_delta";
  bool delta = rule == "delta" || rule == "gated_delta";
  if (!gated && !delta && rule != "linear")
    return g.error() << "update_rule '" << rule << "' is not supported";
  if (gated && !g.hasInput(4))
    return g.error() << "the " << rule << " rule needs decay (input 4)";
  if (delta && !g.hasInput(5))
    return g.error() << "the " << rule << " rule needs beta (input 5)";
  int64_t b = qt.getDimSize(0), steps = qt.getDimSize(1);
  int64_t dk = qt.getDimSize(2) / hq, dv = vt.getDimSize(2) / hkv;
  if (kt.getDimSize(2) / hkv != dk)
    return g.error() << "query and key head sizes differ";
  double scale = g.attr("scale") ? g.floatAttr("scale", 1.0f)
                                 : 1.0 / std::sqrt((double)dk);

  Emitter e{g};
  Type f32 = g.builder.getF32Type();
  auto compute = [&](Value x) -> Value {
    if (!x || typeOf(x).getElementType() == f32)
      return x;
    return e.make<aigraph::CastOp>(x, TypeAttr::get(f32));
  };
  // [B, T, H * D] -> [B, H, T, D].
  auto heads = [&](Value x, int64_t h) {
    Value r = e.reshape(compute(x), {b, steps, h, typeOf(x).getDimSize(2) / h});
    return e.transpose(r, {0, 2, 1, 3});
  };
  Value q4 = heads(q, hq), k4 = heads(k, hkv), v4 = heads(v, hkv);
  Value decay4, beta4;
  if (gated) {
    Value d = g.input(4);
    if (typeOf(d).getRank() != 3)
      return g.error() << "decay (input 4) must have rank 3, got " << typeOf(d);
    int64_t per = typeOf(d).getDimSize(2) / hkv; // dk, or 1 per head
    decay4 = heads(d, hkv);
    if (per != dk && per != 1)
      return g.error() << "decay needs kv_heads * dk or kv_heads values per "
                          "step";
  }
  if (delta) {
    Value bt = g.input(5);
    if (typeOf(bt).getRank() != 3)
      return g.error() << "beta (input 5) must have rank 3, got " << typeOf(bt);
    int64_t n = typeOf(bt).getDimSize(2); // kv heads, or 1 shared
    beta4 = e.transpose(e.reshape(compute(bt), {b, steps, n, 1}), {0, 2, 1, 3});
  }
  Value state = compute(g.input(3));
  if (!state)
    state = g.constant(DenseElementsAttr::get(
        RankedTensorType::get({b, hkv, dk, dv}, f32),
        g.builder.getZeroAttr(f32)));
  // Step t of a [B, H, T, D] tensor as [B, H, 1, D].
  auto at = [&](Value x, int64_t t) { return e.sliceAxis(x, 2, t, t + 1); };
  auto mm = [&](Value x, Value y) { return e.make<aigraph::MatMulOp>(x, y); };
  SmallVector<Value> outs;
  int64_t group = hq / hkv;
  for (int64_t t = 0; t < steps && e.ok; ++t) {
    Value kRow = at(k4, t), vRow = at(v4, t);       // [B, Hkv, 1, dk|dv]
    Value kCol = e.transpose(kRow, {0, 1, 3, 2});   // [B, Hkv, dk, 1]
    if (gated) // exp(decay) per key dim: a column scaling the state's rows
      state = e.make<aigraph::MulOp>(
          state, e.transpose(e.make<aigraph::ExpOp>(at(decay4, t)),
                             {0, 1, 3, 2}));
    Value write = vRow;
    if (delta) {
      Value retrieved = mm(kRow, state); // [B, Hkv, 1, dv]
      write = e.make<aigraph::MulOp>(at(beta4, t),
                                     e.make<aigraph::SubOp>(vRow, retrieved));
    }
    state = e.make<aigraph::AddOp>(state, mm(kCol, write));
    Value read = state;
    if (group > 1) {
      read = e.make<aigraph::ExpandOp>(
          e.reshape(state, {b, hkv, 1, dk, dv}),
          g.builder.getDenseI64ArrayAttr({b, hkv, group, dk, dv}));
      read = e.reshape(read, {b, hq, dk, dv});
    }
    Value o = mm(at(q4, t), read); // [B, Hq, 1, dv]
    outs.push_back(e.make<aigraph::MulOp>(o, e.scalar(f32, scale)));
  }
  if (!e.ok)
    return failure();
  Value out = outs.size() == 1 ? outs.front()
                               : e.make<aigraph::ConcatOp>(
                                     outs, g.builder.getI64IntegerAttr(2));
  out = e.reshape(e.transpose(out, {0, 2, 1, 3}), {b, steps, hq * dv});
  auto back = [&](Value x) {
    return et == f32 ? x : e.make<aigraph::CastOp>(x, TypeAttr::get(et));
  };
  if (failed(e.bind(0, back(out))))
    return failure();
  if (g.node->output_size() > 1)
    return e.bind(1, back(state));
  return success();
}

void coreai::onnx_import::populateLinearAttentionImporters(
    OpImporterTable &table) {
  table["LinearAttention"] = {importLinearAttentionOp, 3};
}

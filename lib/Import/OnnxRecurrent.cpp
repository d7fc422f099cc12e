//===- OnnxRecurrent.cpp - RNN, GRU and LSTM unrolled over time -----------===//
//
// The sequence length is a static dim, so each layer unrolls into one step
// per time step: the input projections of all steps are one batched matmul,
// then per step the recurrent matmul and the gates. sequence_lens, when
// given, masks steps past each batch entry's length (state carried over,
// output zero), which is what ONNX specifies for the forward direction.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

enum class Cell { RNN, GRU, LSTM };

struct Layer {
  GraphImporter &g;
  Emitter &e;
  Type et;
  int64_t hidden;
  SmallVector<std::string> activations; // per direction: f, g, h

  Value act(StringRef name, Value x) {
    if (!e.ok)
      return nullptr;
    if (name == "Sigmoid")
      return e.make<aigraph::SigmoidOp>(x);
    if (name == "Tanh")
      return e.make<aigraph::TanhOp>(x);
    if (name == "Relu")
      return e.make<aigraph::ReluOp>(x);
    g.error() << "activation " << name << " is not supported";
    e.ok = false;
    return nullptr;
  }
  /// Gate `k` (hidden columns [k*H, (k+1)*H)) of a [.., G*H] projection.
  Value gate(Value v, int64_t k) {
    if (!e.ok) // `v` is null
      return nullptr;
    return e.sliceAxis(v, typeOf(v).getRank() - 1, k * hidden,
                       (k + 1) * hidden);
  }
  Value add(Value a, Value b) { return b ? e.make<aigraph::AddOp>(a, b) : a; }
  Value mul(Value a, Value b) { return e.make<aigraph::MulOp>(a, b); }
};

template <Cell C> LogicalResult importRecurrent(GraphImporter &g) {
  constexpr int gates = C == Cell::RNN ? 1 : C == Cell::GRU ? 3 : 4;
  Value x = g.input(0), w = g.input(1), r = g.input(2);
  auto xt = typeOf(x), wt = typeOf(w);
  Type et = xt.getElementType();
  if (!isa<FloatType>(et) || xt.getRank() != 3 || wt.getRank() != 3)
    return g.error() << "expects float X of rank 3 and W of rank 3, got " << xt
                     << " and " << wt;
  int64_t hidden = g.intAttr("hidden_size", wt.getDimSize(1) / gates);
  std::string direction = g.stringAttr("direction", "forward");
  int64_t dirs = direction == "bidirectional" ? 2 : 1;
  if (direction != "forward" && direction != "reverse" && dirs != 2)
    return g.error() << "unknown direction '" << direction << "'";
  if (hidden < 0 || wt.getDimSize(0) != dirs ||
      wt.getDimSize(1) != gates * hidden)
    return g.error() << "W must be " << dirs << " x " << gates * hidden
                     << " x input_size, got " << wt;
  if (g.attr("clip"))
    return g.error() << "clip is not supported yet";
  if (C == Cell::LSTM && g.intAttr("input_forget", 0))
    return g.error() << "input_forget is not supported yet";
  bool batchFirst = g.intAttr("layout", 0) == 1;
  Emitter e{g};
  if (batchFirst)
    x = e.transpose(x, {1, 0, 2});
  if (!e.ok)
    return failure();
  int64_t steps = typeOf(x).getDimSize(0), batch = typeOf(x).getDimSize(1);
  if (ShapedType::isDynamic(steps) || ShapedType::isDynamic(batch))
    return g.error() << "needs static sequence and batch dimensions, got "
                     << xt;

  SmallVector<std::string> acts;
  if (const auto *a = g.attr("activations"))
    for (const auto &s : a->strings())
      acts.push_back(s);
  SmallVector<std::string> defaults =
      C == Cell::RNN   ? SmallVector<std::string>{"Tanh"}
      : C == Cell::GRU ? SmallVector<std::string>{"Sigmoid", "Tanh"}
                       : SmallVector<std::string>{"Sigmoid", "Tanh", "Tanh"};
  if (acts.empty())
    for (int64_t d = 0; d < dirs; ++d)
      acts.append(defaults.begin(), defaults.end());
  if (acts.size() != defaults.size() * dirs)
    return g.error() << "activations needs " << defaults.size() * dirs
                     << " entries";
  if (g.attr("activation_alpha") || g.attr("activation_beta"))
    return g.error() << "activation_alpha/beta are not supported yet";

  // Steps past a batch entry's length keep the state and output zeros.
  Value lens = g.input(4);
  if (lens && dirs == 1 && direction == "reverse")
    if (DenseElementsAttr c = g.constantInput(4))
      if (llvm::all_of(c.getValues<APInt>(), [&](const APInt &v) {
            return v.getSExtValue() == steps;
          }))
        lens = nullptr;
  if (lens && direction != "forward")
    return g.error() << "sequence_lens with the " << direction
                     << " direction is not supported yet";
  Value lensF;
  if (lens)
    lensF = e.reshape(e.make<aigraph::CastOp>(lens, TypeAttr::get(et)),
                      {batch, 1});

  Layer L{g, e, et, hidden, {}};
  SmallVector<Value> ys(steps * dirs), hLast, cLast;
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = direction == "reverse" || d == 1;
    auto dirSlice = [&](Value v) -> Value {
      if (!v)
        return nullptr;
      Value s = e.sliceAxis(v, 0, d, d + 1);
      if (!e.ok)
        return nullptr;
      SmallVector<int64_t> shape(typeOf(s).getShape().drop_front());
      return e.reshape(s, shape);
    };
    Value wd = dirSlice(w), rd = dirSlice(r);
    Value wT = e.transpose(wd, {1, 0}), rT = e.transpose(rd, {1, 0});
    Value wb, rb;
    if (Value b = dirSlice(g.input(3))) {
      wb = e.sliceAxis(b, 0, 0, gates * hidden);
      rb = e.sliceAxis(b, 0, gates * hidden, 2 * gates * hidden);
    }
    Value zeros = g.constant(DenseElementsAttr::get(
        RankedTensorType::get({batch, hidden}, et), g.builder.getZeroAttr(et)));
    Value h = dirSlice(g.input(5));
    if (!h)
      h = zeros;
    Value c = C == Cell::LSTM ? dirSlice(g.input(6)) : Value();
    if (C == Cell::LSTM && !c)
      c = zeros;
    Value p = C == Cell::LSTM ? dirSlice(g.input(7)) : Value();
    // All steps' input projections at once: [steps, batch, G*H].
    Value xw = L.add(e.make<aigraph::MatMulOp>(x, wT), wb);
    StringRef f = acts[d * defaults.size()];
    StringRef gAct = defaults.size() > 1 ? StringRef(acts[d * defaults.size() + 1]) : f;
    StringRef hAct = defaults.size() > 2 ? StringRef(acts[d * defaults.size() + 2]) : f;
    for (int64_t s = 0; s < steps; ++s) {
      int64_t t = reverse ? steps - 1 - s : s;
      if (!e.ok)
        return failure();
      Value xt = e.reshape(e.sliceAxis(xw, 0, t, t + 1), {batch, gates * hidden});
      Value hNew, cNew;
      if constexpr (C == Cell::RNN) {
        Value hr = L.add(e.make<aigraph::MatMulOp>(h, rT), rb);
        hNew = L.act(f, e.make<aigraph::AddOp>(xt, hr));
      } else if constexpr (C == Cell::GRU) {
        // Gates z, r, h; R's h block applies to r * H unless
        // linear_before_reset.
        Value hr = e.make<aigraph::MatMulOp>(h, rT);
        Value rbAll = rb;
        Value z = L.act(f, L.add(L.add(L.gate(xt, 0), L.gate(hr, 0)),
                                 rb ? L.gate(rbAll, 0) : Value()));
        Value rg = L.act(f, L.add(L.add(L.gate(xt, 1), L.gate(hr, 1)),
                                  rb ? L.gate(rbAll, 1) : Value()));
        Value cand;
        if (g.intAttr("linear_before_reset", 0)) {
          Value rh = L.add(L.gate(hr, 2), rb ? L.gate(rbAll, 2) : Value());
          cand = L.act(gAct, e.make<aigraph::AddOp>(L.gate(xt, 2), L.mul(rg, rh)));
        } else {
          Value rhT = e.sliceAxis(rT, 1, 2 * hidden, 3 * hidden);
          Value rh = L.add(e.make<aigraph::MatMulOp>(L.mul(rg, h), rhT),
                           rb ? L.gate(rbAll, 2) : Value());
          cand = L.act(gAct, e.make<aigraph::AddOp>(L.gate(xt, 2), rh));
        }
        Value one = e.scalar(et, 1.0);
        hNew = e.make<aigraph::AddOp>(
            L.mul(e.make<aigraph::SubOp>(one, z), cand), L.mul(z, h));
      } else {
        // Gates i, o, f, c; peepholes P = [Pi, Po, Pf].
        Value pre = L.add(L.add(xt, e.make<aigraph::MatMulOp>(h, rT)), rb);
        auto peep = [&](int k, Value state) -> Value {
          return p ? L.mul(e.sliceAxis(p, 0, k * hidden, (k + 1) * hidden),
                           state)
                   : Value();
        };
        Value i = L.act(f, L.add(L.gate(pre, 0), peep(0, c)));
        Value fg = L.act(f, L.add(L.gate(pre, 2), peep(2, c)));
        Value cand = L.act(gAct, L.gate(pre, 3));
        cNew = e.make<aigraph::AddOp>(L.mul(fg, c), L.mul(i, cand));
        Value o = L.act(f, L.add(L.gate(pre, 1), peep(1, cNew)));
        hNew = L.mul(o, L.act(hAct, cNew));
      }
      Value y = hNew;
      if (lensF) {
        // Valid where t < length: keep the new state, else the old one.
        Value valid = e.make<aigraph::LessOp>(
            e.scalar(et, (double)t), lensF);
        hNew = e.make<aigraph::WhereOp>(valid, hNew, h);
        if (cNew)
          cNew = e.make<aigraph::WhereOp>(valid, cNew, c);
        y = e.make<aigraph::WhereOp>(valid, y, zeros);
      }
      h = hNew;
      if (cNew)
        c = cNew;
      ys[t * dirs + d] = y;
    }
    hLast.push_back(h);
    cLast.push_back(c);
  }
  if (!e.ok)
    return failure();
  // Y: [steps, dirs, batch, hidden] (or batch first); Y_h, Y_c: [dirs, batch,
  // hidden] (or [batch, dirs, hidden]).
  auto stackAll = [&](ArrayRef<Value> parts, SmallVector<int64_t> shape) {
    SmallVector<Value> reshaped;
    SmallVector<int64_t> one = {1, batch, hidden};
    for (Value v : parts)
      reshaped.push_back(e.reshape(v, one));
    Value cat = reshaped.size() == 1
                    ? reshaped.front()
                    : e.make<aigraph::ConcatOp>(reshaped,
                                                g.builder.getI64IntegerAttr(0));
    return e.reshape(cat, shape);
  };
  if (g.node->output_size() > 0 && !g.node->output(0).empty()) {
    Value y = stackAll(ys, {steps, dirs, batch, hidden});
    if (batchFirst)
      y = e.transpose(y, {2, 0, 1, 3});
    if (failed(e.bind(0, y)))
      return failure();
  }
  auto finalState = [&](int out, ArrayRef<Value> parts) {
    if (g.node->output_size() <= out || g.node->output(out).empty())
      return success();
    Value v = stackAll(parts, {dirs, batch, hidden});
    if (batchFirst)
      v = e.transpose(v, {1, 0, 2});
    return e.bind(out, v);
  };
  if (failed(finalState(1, hLast)))
    return failure();
  if (C == Cell::LSTM && failed(finalState(2, cLast)))
    return failure();
  return success();
}

} // namespace

void coreai::onnx_import::populateRecurrentImporters(OpImporterTable &table) {
  table["RNN"] = {importRecurrent<Cell::RNN>, 3};
  table["GRU"] = {importRecurrent<Cell::GRU>, 3};
  table["LSTM"] = {importRecurrent<Cell::LSTM>, 3};
}

//===- OnnxControlFlow.cpp - If, Loop and Scan at compile time ------------===//
//
// Ahead-of-time code has no data-dependent control flow, so:
// - If with a condition known at compile time imports only the taken
//   branch; otherwise both branches are imported and each output is a Where
//   on the condition (the branches must agree on shapes).
// - Loop and Scan are unrolled: the trip count (Loop's M, Scan's sequence
//   length) must be known at compile time, as must a Loop's condition at
//   every step. Scan outputs are stacked along their axis.
// Sequences and optionals in branches or bodies stay unsupported.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// Bodies are unrolled; beyond this the code size is not worth it.
constexpr int64_t kMaxUnroll = 4096;

/// Stacks per-iteration values along a new `axis` (Scan/Loop outputs).
Value stack(GraphImporter &g, Emitter &e, ArrayRef<Value> parts,
            int64_t axis) {
  SmallVector<Value> expanded;
  for (Value p : parts) {
    if (!e.ok)
      return nullptr;
    SmallVector<int64_t> shape(typeOf(p).getShape());
    shape.insert(shape.begin() + axis, 1);
    expanded.push_back(e.reshape(p, shape));
  }
  if (expanded.size() == 1)
    return expanded.front();
  return e.make<aigraph::ConcatOp>(expanded, g.builder.getI64IntegerAttr(axis));
}

/// Element `t` of `v` along `axis`, with that axis removed.
Value element(Emitter &e, Value v, int64_t axis, int64_t t) {
  Value s = e.sliceAxis(v, axis, t, t + 1);
  if (!e.ok)
    return nullptr;
  SmallVector<int64_t> shape(typeOf(s).getShape());
  shape.erase(shape.begin() + axis);
  return e.reshape(s, shape);
}

std::optional<bool> knownBool(DenseElementsAttr a) {
  if (!a || a.getNumElements() != 1)
    return std::nullopt;
  Attribute v = *a.getValues<Attribute>().begin();
  if (auto i = dyn_cast<IntegerAttr>(v))
    return i.getValue().getBoolValue();
  return std::nullopt;
}

} // namespace

namespace coreai::onnx_import {

static LogicalResult importIfOp(GraphImporter &g) {
  const onnx::GraphProto *thenG = g.graphAttr("then_branch"),
                         *elseG = g.graphAttr("else_branch");
  if (!thenG || !elseG)
    return g.error() << "needs then_branch and else_branch graphs";
  if (std::optional<bool> c = knownBool(g.constantInput(0))) {
    SmallVector<Value> outs;
    if (failed(g.importSubgraph(*c ? *thenG : *elseG, {}, outs)))
      return failure();
    for (auto [i, v] : llvm::enumerate(outs))
      g.setOutput(i, v);
    return success();
  }
  SmallVector<Value> thenOuts, elseOuts;
  if (failed(g.importSubgraph(*thenG, {}, thenOuts)) ||
      failed(g.importSubgraph(*elseG, {}, elseOuts)))
    return failure();
  if (thenOuts.size() != elseOuts.size())
    return g.error() << "the branches produce " << thenOuts.size() << " and "
                     << elseOuts.size() << " outputs";
  Emitter e{g};
  Value cond = g.input(0);
  if (typeOf(cond).getRank() > 0)
    cond = e.reshape(cond, {});
  if (!e.ok) // the condition is not one element, with its error
    return failure();
  for (auto [i, pair] : llvm::enumerate(llvm::zip(thenOuts, elseOuts))) {
    auto [t, f] = pair;
    if (typeOf(t) != typeOf(f))
      return g.error() << "with a condition known only at run time, both "
                          "branches must produce the same type; output "
                       << i << " is " << typeOf(t) << " vs " << typeOf(f);
    if (failed(e.bind(i, e.make<aigraph::WhereOp>(cond, t, f))))
      return failure();
  }
  return success();
}

/// Loop(M, cond, v_initial...): body(iteration, cond, v...) -> (cond,
/// v..., scan outputs...).
static LogicalResult importLoopOp(GraphImporter &g) {
  const onnx::GraphProto *body = g.graphAttr("body");
  if (!body)
    return g.error() << "needs a body graph";
  int64_t trips = kMaxUnroll + 1;
  if (g.hasInput(0)) {
    DenseElementsAttr m = g.constantInput(0);
    if (!m)
      return g.notConstant(0, "the trip count M",
                           "it decides how often the body runs");
    if (!isa<IntegerType>(m.getElementType()) || m.getNumElements() != 1)
      return g.error() << "the trip count M must be one integer, got "
                       << m.getType();
    trips = (*m.getValues<APInt>().begin()).getSExtValue();
  }
  std::optional<bool> cond = true;
  if (g.hasInput(1)) {
    cond = knownBool(g.constantInput(1));
    if (!cond)
      return g.notConstant(1, "the loop condition",
                           "it decides how often the body runs");
  }
  int numStates = g.node->input_size() - 2;
  if (numStates < 0)
    return g.error() << "expects at least 2 inputs (M and cond, which may be "
                        "empty)";
  SmallVector<Value> states;
  for (int i = 0; i < numStates; ++i) {
    states.push_back(g.input(2 + i));
    if (!states.back())
      return g.error() << "loop-carried input " << 2 + i
                       << " must not be empty";
  }
  int numScans = body->output_size() - 1 - numStates;
  if (numScans < 0)
    return g.error() << "the body has too few outputs";
  SmallVector<SmallVector<Value>> scans(numScans);
  Emitter e{g};
  Type i64 = g.builder.getIntegerType(64), i1 = g.builder.getI1Type();
  int64_t t = 0;
  for (; t < trips && *cond; ++t) {
    if (t >= kMaxUnroll)
      return g.error() << "the loop runs more than " << kMaxUnroll
                       << " times (or has no trip count): too many to unroll";
    SmallVector<Value> ins = {e.intScalar(i64, t), e.intScalar(i1, 1)};
    ins.append(states);
    SmallVector<Value> outs;
    if (failed(g.importSubgraph(*body, ins, outs)))
      return failure();
    Value c = outs[0];
    auto cc = c.getDefiningOp<aigraph::ConstantOp>();
    cond = cc ? knownBool(dyn_cast<DenseElementsAttr>(cc.getValue()))
              : std::nullopt;
    if (!cond)
      return g.error() << "the loop condition computed by the body is not "
                          "known at compile time, so the loop cannot be "
                          "unrolled";
    for (int i = 0; i < numStates; ++i)
      states[i] = outs[1 + i];
    for (int i = 0; i < numScans; ++i)
      scans[i].push_back(outs[1 + numStates + i]);
  }
  for (int i = 0; i < numStates; ++i)
    g.setOutput(i, states[i]);
  for (int i = 0; i < numScans; ++i) {
    if (scans[i].empty())
      return g.error() << "the loop runs zero times: its scan outputs would "
                          "be empty, which is not supported";
    if (failed(e.bind(numStates + i, stack(g, e, scans[i], 0))))
      return failure();
  }
  return success();
}

/// Scan (opset 9+): states and scan inputs sliced along their axes; one
/// body import per step. Opset 8 adds a leading batch axis (and optional
/// sequence lengths, which must be absent), handled per batch element.
static LogicalResult importScanOp(GraphImporter &g) {
  const onnx::GraphProto *body = g.graphAttr("body");
  if (!body)
    return g.error() << "needs a body graph";
  int64_t numScanIn = g.intAttr("num_scan_inputs", 0);
  bool v8 = g.opset < 9;
  int first = v8 ? 1 : 0;
  if (v8 && g.hasInput(0))
    return g.error() << "sequence_lens is not supported";
  int numIn = g.node->input_size() - first;
  int numStates = numIn - (int)numScanIn;
  if (numScanIn <= 0 || numStates < 0)
    return g.error() << "num_scan_inputs must be in [1, " << numIn << "]";
  int numScanOut = body->output_size() - numStates;
  if (numScanOut < 0)
    return g.error() << "the body has too few outputs";
  for (int i = first; i < g.node->input_size(); ++i)
    if (!g.input(i))
      return g.error() << "input " << i << " must not be empty";
  auto attrOr = [&](StringRef name, int count) {
    SmallVector<int64_t> v = g.intsAttr(name);
    if (v.empty())
      v.assign(count, 0);
    return v;
  };
  SmallVector<int64_t> inDirs = attrOr(v8 ? "directions" : "scan_input_directions", numScanIn);
  SmallVector<int64_t> inAxes = attrOr("scan_input_axes", numScanIn);
  SmallVector<int64_t> outDirs = attrOr("scan_output_directions", numScanOut);
  SmallVector<int64_t> outAxes = attrOr("scan_output_axes", numScanOut);
  if ((int)inDirs.size() != numScanIn || (int)inAxes.size() != numScanIn ||
      (int)outDirs.size() != numScanOut || (int)outAxes.size() != numScanOut)
    return g.error() << "scan directions/axes need one entry per scan input "
                        "and output";
  int64_t batch = 1;
  if (v8) {
    // Every input leads with the same static batch dimension.
    auto bt = typeOf(g.input(first));
    batch = bt.getRank() > 0 ? bt.getDimSize(0) : ShapedType::kDynamic;
    if (ShapedType::isDynamic(batch))
      return g.error() << "needs a static batch dimension, got " << bt;
    for (int i = first; i < g.node->input_size(); ++i)
      if (typeOf(g.input(i)).getRank() == 0 ||
          typeOf(g.input(i)).getDimSize(0) != batch)
        return g.error() << "input " << i << " must lead with the batch "
                         << "dimension " << batch << ", got "
                         << typeOf(g.input(i));
  }
  SmallVector<SmallVector<Value>> finalStates(numStates), finalScans(numScanOut);
  Emitter e{g};
  for (int64_t bIdx = 0; bIdx < batch; ++bIdx) {
    // Opset 8: this batch element of every input, batch axis removed.
    SmallVector<Value> states, scanIns;
    for (int i = 0; i < numIn; ++i) {
      Value v = g.input(first + i);
      if (v8)
        v = element(e, v, 0, bIdx);
      (i < numStates ? states : scanIns).push_back(v);
    }
    if (!e.ok)
      return failure();
    int64_t len = -1;
    for (int i = 0; i < numScanIn; ++i) {
      auto t = typeOf(scanIns[i]);
      auto ax = normalizeAxis(g, inAxes[i], t.getRank());
      if (failed(ax))
        return failure();
      inAxes[i] = *ax;
      int64_t l = t.getDimSize(*ax);
      if (len >= 0 && l != len)
        return g.error() << "scan inputs have different lengths (" << len
                         << " and " << l << ")";
      len = l;
    }
    if (len <= 0 || len > kMaxUnroll)
      return g.error() << "the scan length " << len
                       << " is not supported (1 to " << kMaxUnroll << ")";
    SmallVector<SmallVector<Value>> scans(numScanOut);
    for (int64_t t = 0; t < len; ++t) {
      SmallVector<Value> ins(states);
      for (int i = 0; i < numScanIn; ++i)
        ins.push_back(element(e, scanIns[i], inAxes[i],
                              inDirs[i] ? len - 1 - t : t));
      if (!e.ok)
        return failure();
      SmallVector<Value> outs;
      if (failed(g.importSubgraph(*body, ins, outs)))
        return failure();
      for (int i = 0; i < numStates; ++i)
        states[i] = outs[i];
      for (int i = 0; i < numScanOut; ++i)
        scans[i].push_back(outs[numStates + i]);
    }
    for (int i = 0; i < numStates; ++i)
      finalStates[i].push_back(states[i]);
    for (int i = 0; i < numScanOut; ++i) {
      if (outDirs[i])
        std::reverse(scans[i].begin(), scans[i].end());
      int64_t rank = typeOf(scans[i].front()).getRank() + 1;
      auto ax = normalizeAxis(g, outAxes[i], rank);
      if (failed(ax))
        return failure();
      finalScans[i].push_back(stack(g, e, scans[i], *ax));
    }
  }
  for (int i = 0; i < numStates; ++i)
    if (failed(e.bind(i, v8 ? stack(g, e, finalStates[i], 0)
                            : finalStates[i].front())))
      return failure();
  for (int i = 0; i < numScanOut; ++i)
    if (failed(e.bind(numStates + i, v8 ? stack(g, e, finalScans[i], 0)
                                        : finalScans[i].front())))
      return failure();
  return success();
}

} // namespace coreai::onnx_import

void coreai::onnx_import::populateControlFlowImporters(OpImporterTable &table) {
  table["If"] = {importIfOp, 1};
  table["Loop"] = {importLoopOp};
  table["Scan"] = {importScanOp};
}

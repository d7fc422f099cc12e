//===- OnnxConstantFolding.cpp - Shape computations at compile time -------===//
//
// Exporters compute reshape targets at run time from Shape, Gather, Concat,
// Slice and integer arithmetic. With all shapes static these are compile-time
// constants; evaluating them here lets Reshape, Slice and friends see plain
// constant operands. Only small integer tensors are folded.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

constexpr int64_t kMaxFoldElements = 4096;

/// A small integer tensor.
struct IntTensor {
  SmallVector<int64_t> shape;
  SmallVector<int64_t> values;
  unsigned bits = 64;
};

std::optional<IntTensor> asInts(DenseElementsAttr a) {
  auto it = dyn_cast<IntegerType>(a.getElementType());
  if (!it || !it.isSignless() || a.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  IntTensor t;
  t.shape.assign(a.getType().getShape().begin(), a.getType().getShape().end());
  t.bits = it.getWidth();
  for (const APInt &v : a.getValues<APInt>())
    t.values.push_back(t.bits == 1 ? (int64_t)v.getZExtValue()
                                   : v.getSExtValue());
  return t;
}

Value emit(GraphImporter &g, const IntTensor &t) {
  auto type = RankedTensorType::get(t.shape, g.builder.getIntegerType(t.bits));
  if (t.bits == 1) {
    SmallVector<bool> v;
    for (int64_t x : t.values)
      v.push_back(x != 0);
    return g.constant(DenseElementsAttr::get(type, ArrayRef<bool>(v)));
  }
  SmallVector<APInt> v;
  for (int64_t x : t.values)
    v.push_back(APInt(t.bits, (uint64_t)x, /*isSigned=*/true,
                      /*implicitTrunc=*/true));
  return g.constant(DenseElementsAttr::get(type, v));
}

/// Evaluates `fn` elementwise over numpy-broadcast operands.
std::optional<IntTensor>
foldBroadcast(ArrayRef<IntTensor> ins, unsigned bits,
              function_ref<std::optional<int64_t>(ArrayRef<int64_t>)> fn) {
  SmallVector<int64_t> shape;
  for (const IntTensor &t : ins) {
    auto b = aigraph::broadcastShapes(shape, t.shape);
    if (failed(b))
      return std::nullopt;
    shape = *b;
  }
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  IntTensor out{shape, {}, bits};
  SmallVector<int64_t> coord(shape.size(), 0), args(ins.size());
  for (int64_t f = 0; f < count; ++f) {
    for (size_t k = 0; k < ins.size(); ++k) {
      const IntTensor &t = ins[k];
      int64_t idx = 0, offset = shape.size() - t.shape.size();
      for (size_t d = 0; d < t.shape.size(); ++d)
        idx = idx * t.shape[d] + (t.shape[d] == 1 ? 0 : coord[offset + d]);
      args[k] = t.values[idx];
    }
    auto v = fn(args);
    if (!v)
      return std::nullopt;
    out.values.push_back(*v);
    for (int64_t d = (int64_t)shape.size() - 1; d >= 0; --d) {
      if (++coord[d] < shape[d])
        break;
      coord[d] = 0;
    }
  }
  return out;
}

std::optional<IntTensor> foldElementwise(StringRef op, ArrayRef<IntTensor> ins) {
  using R = std::optional<int64_t>;
  unsigned bits = ins[0].bits;
  auto binary = [&](function_ref<R(int64_t, int64_t)> f, unsigned outBits) {
    if (ins.size() != 2)
      return std::optional<IntTensor>();
    return foldBroadcast(ins, outBits,
                         [&](ArrayRef<int64_t> a) { return f(a[0], a[1]); });
  };
  auto unary = [&](function_ref<R(int64_t)> f) {
    return foldBroadcast(ins.take_front(1), bits,
                         [&](ArrayRef<int64_t> a) { return f(a[0]); });
  };
  if (op == "Add")
    return binary([](int64_t a, int64_t b) -> R { return a + b; }, bits);
  if (op == "Sub")
    return binary([](int64_t a, int64_t b) -> R { return a - b; }, bits);
  if (op == "Mul")
    return binary([](int64_t a, int64_t b) -> R { return a * b; }, bits);
  if (op == "Div") // ONNX integer Div truncates like C.
    return binary([](int64_t a, int64_t b) -> R {
      return b ? R(a / b) : std::nullopt;
    }, bits);
  if (op == "Mod")
    return binary([](int64_t a, int64_t b) -> R {
      if (!b)
        return std::nullopt;
      int64_t r = a % b;
      return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    }, bits);
  if (op == "Max" && ins.size() == 2)
    return binary([](int64_t a, int64_t b) -> R { return std::max(a, b); },
                  bits);
  if (op == "Min" && ins.size() == 2)
    return binary([](int64_t a, int64_t b) -> R { return std::min(a, b); },
                  bits);
  if (op == "Equal")
    return binary([](int64_t a, int64_t b) -> R { return a == b; }, 1);
  if (op == "Less")
    return binary([](int64_t a, int64_t b) -> R { return a < b; }, 1);
  if (op == "LessOrEqual")
    return binary([](int64_t a, int64_t b) -> R { return a <= b; }, 1);
  if (op == "Greater")
    return binary([](int64_t a, int64_t b) -> R { return a > b; }, 1);
  if (op == "GreaterOrEqual")
    return binary([](int64_t a, int64_t b) -> R { return a >= b; }, 1);
  if (op == "And")
    return binary([](int64_t a, int64_t b) -> R { return a && b; }, 1);
  if (op == "Or")
    return binary([](int64_t a, int64_t b) -> R { return a || b; }, 1);
  if (op == "Xor")
    return binary([](int64_t a, int64_t b) -> R { return !a != !b; }, 1);
  if (op == "Not")
    return unary([](int64_t a) -> R { return !a; });
  if (op == "Neg")
    return unary([](int64_t a) -> R { return -a; });
  if (op == "Abs")
    return unary([](int64_t a) -> R { return a < 0 ? -a : a; });
  if (op == "Sign")
    return unary([](int64_t a) -> R { return (a > 0) - (a < 0); });
  if (op == "Where" && ins.size() == 3)
    return foldBroadcast(ins, ins[1].bits, [](ArrayRef<int64_t> a) -> R {
      return a[0] ? a[1] : a[2];
    });
  return std::nullopt;
}

} // namespace

bool coreai::onnx_import::tryFoldNode(GraphImporter &g) {
  const onnx::NodeProto &n = *g.node;
  StringRef op = n.op_type();

  if (op == "Shape") {
    Value in = g.input(0);
    if (!in)
      return false;
    auto type = cast<RankedTensorType>(in.getType());
    if (!type.hasStaticShape())
      return false;
    int64_t rank = type.getRank();
    auto clampAxis = [&](int64_t a) {
      return std::clamp<int64_t>(a < 0 ? a + rank : a, 0, rank);
    };
    int64_t start = clampAxis(g.intAttr("start", 0));
    int64_t end = clampAxis(g.intAttr("end", rank));
    IntTensor t{{std::max<int64_t>(end - start, 0)}, {}, 64};
    for (int64_t i = start; i < end; ++i)
      t.values.push_back(type.getDimSize(i));
    g.setOutput(0, emit(g, t));
    return true;
  }

  // Everything else folds only when every input is a known small integer
  // tensor.
  SmallVector<IntTensor> ins;
  for (int i = 0; i < n.input_size(); ++i) {
    if (n.input(i).empty()) {
      ins.push_back({});
      continue;
    }
    DenseElementsAttr c = g.constantInput(i);
    if (!c)
      return false;
    auto t = asInts(c);
    if (!t)
      return false;
    ins.push_back(*t);
  }
  if (ins.empty())
    return false;

  std::optional<IntTensor> out;
  if (op == "Identity") {
    out = ins[0];
  } else if (op == "Cast") {
    int64_t to = g.intAttr("to", 0);
    if (to == onnx::TensorProto::INT64 || to == onnx::TensorProto::INT32) {
      out = ins[0];
      out->bits = to == onnx::TensorProto::INT64 ? 64 : 32;
    } else if (to == onnx::TensorProto::BOOL) {
      out = ins[0];
      out->bits = 1;
      for (int64_t &v : out->values)
        v = v != 0;
    }
  } else if (op == "Concat") {
    // 1-D vectors along axis 0: the shape-building case.
    out = IntTensor{{0}, {}, ins[0].bits};
    for (const IntTensor &t : ins) {
      if (t.shape.size() != 1) {
        out.reset();
        break;
      }
      llvm::append_range(out->values, t.values);
      out->shape[0] += t.shape[0];
    }
  } else if (op == "Gather" && ins.size() == 2 && ins[0].shape.size() == 1 &&
             g.intAttr("axis", 0) == 0) {
    int64_t dim = ins[0].shape[0];
    out = IntTensor{ins[1].shape, {}, ins[0].bits};
    for (int64_t idx : ins[1].values) {
      int64_t i = idx < 0 ? idx + dim : idx;
      if (i < 0 || i >= dim) {
        out.reset();
        break;
      }
      out->values.push_back(ins[0].values[i]);
    }
  } else if (op == "Slice" && g.opset >= 10 && ins.size() >= 3 &&
             ins[0].shape.size() == 1 && ins[1].values.size() == 1 &&
             ins[2].values.size() == 1 &&
             (ins.size() < 4 || ins[3].values.empty() ||
              ins[3].values[0] == 0 || ins[3].values[0] == -1)) {
    int64_t dim = ins[0].shape[0];
    int64_t step =
        ins.size() >= 5 && !ins[4].values.empty() ? ins[4].values[0] : 1;
    if (step != 0) {
      auto [s, e] =
          clampSliceBounds(ins[1].values[0], ins[2].values[0], step, dim);
      out = IntTensor{{0}, {}, ins[0].bits};
      for (int64_t i = s; step > 0 ? i < e : i > e; i += step)
        out->values.push_back(ins[0].values[i]);
      out->shape[0] = out->values.size();
    }
  }
  bool missingInput = llvm::any_of(
      n.input(), [](const std::string &name) { return name.empty(); });
  if (!out && n.output_size() == 1 && !missingInput)
    out = foldElementwise(op, ins);
  if (!out)
    return false;
  g.setOutput(0, emit(g, *out));
  return true;
}

bool coreai::onnx_import::foldsWithoutImporter(StringRef opType) {
  // Shape reads only its input's type, which is static once --shape bound
  // the inputs; every other op tryFoldNode evaluates has an importer for
  // non-constant inputs.
  return opType == "Shape";
}

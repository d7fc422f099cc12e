//===- OnnxOps.cpp - ONNX operators -> aigraph ops ------------------------===//
//
// One function per ONNX operator (or family). Each reads attributes per
// opset version (attributes that became inputs, changed defaults) and
// normalizes them into the aigraph form: explicit pads, non-negative axes,
// resolved reshape targets.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"
#include "lib/Import/RuntimeDims.h"

#include "llvm/ADT/Sequence.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace coreai::onnx_import {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Checks that required operands exist and that every operand is a ranked
/// tensor; returns failure with a message otherwise.
LogicalResult requireInputs(GraphImporter &g, int count) {
  for (int i = 0; i < count; ++i)
    if (!g.input(i))
      return g.error() << "expects at least " << count << " inputs";
  return success();
}

LogicalResult requireFloat(GraphImporter &g, Value v) {
  if (!isa<FloatType>(typeOf(v).getElementType()))
    return g.error() << "expects a floating-point input, got " << typeOf(v);
  return success();
}

FailureOr<SmallVector<Value>> presentInputs(GraphImporter &g) {
  SmallVector<Value> inputs;
  for (int i = 0; i < g.node->input_size(); ++i)
    if (Value v = g.input(i))
      inputs.push_back(v);
  if (inputs.empty())
    return g.error() << "needs at least one input";
  return inputs;
}

FailureOr<int64_t> normalizeAxis(GraphImporter &g, int64_t axis, int64_t rank,
                                 bool allowRank) {
  // Valid axes are [-rank, rank) (or [-rank, rank] where an axis may name
  // the position after the last dim, as in Flatten).
  if (axis < -rank || axis > (allowRank ? rank : rank - 1))
    return g.error() << "axis " << axis << " is out of range for rank "
                     << rank;
  return axis < 0 ? axis + rank : axis;
}

FailureOr<int64_t> axisAttr(GraphImporter &g, int64_t def, bool allowRank) {
  return normalizeAxis(g, g.intAttr("axis", def), typeOf(g.input(0)).getRank(),
                       allowRank);
}

FailureOr<SmallVector<int64_t>>
normalizeAxes(GraphImporter &g, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t a : axes) {
    auto n = normalizeAxis(g, a, rank);
    if (failed(n))
      return failure();
    out.push_back(*n);
  }
  return out;
}

SmallVector<int64_t> axesFrom(int64_t first, int64_t rank) {
  return llvm::to_vector(llvm::seq<int64_t>(first, rank));
}

SmallVector<int64_t> moveAxisLast(int64_t axis, int64_t rank) {
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      perm.push_back(i);
  perm.push_back(axis);
  return perm;
}

SmallVector<int64_t> invertPermutation(ArrayRef<int64_t> perm) {
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  return inverse;
}

std::pair<int64_t, int64_t> clampSliceBounds(int64_t start, int64_t end,
                                             int64_t step, int64_t dim) {
  start = start < 0 ? start + dim : start;
  end = end < 0 ? end + dim : end;
  if (step > 0)
    return {std::clamp<int64_t>(start, 0, dim),
            std::clamp<int64_t>(end, 0, dim)};
  return {std::clamp<int64_t>(start, 0, dim - 1),
          std::clamp<int64_t>(end, -1, dim - 1)};
}

std::pair<double, double> integerRange(IntegerType it) {
  unsigned w = it.getWidth();
  if (it.isUnsigned())
    return {0, std::ldexp(1.0, w) - 1};
  return {-std::ldexp(1.0, w - 1), std::ldexp(1.0, w - 1) - 1};
}

Value iotaAlong(GraphImporter &g, int64_t n, int64_t axis, int64_t rank,
                Type et) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = n;
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(isa<FloatType>(et) ? (Attribute)FloatAttr::get(et, i)
                                        : (Attribute)IntegerAttr::get(et, i));
  return g.constant(
      DenseElementsAttr::get(RankedTensorType::get(shape, et), values));
}

Value diagonalIndices(GraphImporter &g, int64_t rows, int64_t cols) {
  SmallVector<int64_t> diff;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      diff.push_back(j - i);
  return g.constant(DenseElementsAttr::get(
      RankedTensorType::get({rows, cols}, g.builder.getI64Type()),
      ArrayRef<int64_t>(diff)));
}

FailureOr<Value>
alongConstantOrRuntimeAxis(GraphImporter &g, int i, int64_t rank,
                           function_ref<FailureOr<Value>(int64_t)> build) {
  if (g.constantInput(i)) {
    auto a = constInts(g, i, "axis");
    if (failed(a))
      return failure();
    if (a->size() != 1)
      return g.error() << "axis must hold one value";
    auto axis = normalizeAxis(g, (*a)[0], rank);
    if (failed(axis))
      return failure();
    return build(*axis);
  }
  RankedTensorType at = typeOf(g.input(i));
  if (!at.hasStaticShape() || at.getNumElements() != 1 ||
      !isa<IntegerType>(at.getElementType()))
    return g.error() << "axis must be one integer, got " << at;
  if (rank == 0)
    return g.error() << "a scalar has no axis";
  RuntimeDims r{g};
  Emitter &e = r.e;
  Value a = r.normalized(e.reshape(g.input(i), {}), rank);
  if (!e.ok)
    return failure();
  FailureOr<Value> y = build(rank - 1);
  for (int64_t d = rank - 2; succeeded(y) && d >= 0; --d) {
    FailureOr<Value> along = build(d);
    if (failed(along))
      return failure();
    y = e.make<aigraph::WhereOp>(e.make<aigraph::EqualOp>(a, r.scalar(d)),
                                 *along, *y);
  }
  if (failed(y) || !e.ok)
    return failure();
  return *y;
}

FailureOr<SmallVector<int64_t>> intsAttrOrInput(GraphImporter &g,
                                                StringRef name,
                                                int64_t inputSince, int input) {
  if (g.opset < inputSince)
    return g.intsAttr(name);
  if (!g.hasInput(input))
    return SmallVector<int64_t>();
  return constInts(g, input, name);
}

/// Integer values of a constant 1-D input (Reshape shape, Slice starts...).
FailureOr<SmallVector<int64_t>> constInts(GraphImporter &g, int i,
                                          StringRef what) {
  DenseElementsAttr c = g.constantInput(i);
  if (!c)
    return g.notConstant(i, (what + " (input " + Twine(i) + ")").str(),
                         "values that depend on the model's data make "
                         "shapes dynamic");
  // Read as integers only when they are: a float or complex constant here
  // is a malformed model, not a reinterpretation.
  auto it = dyn_cast<IntegerType>(c.getElementType());
  if (!it || it.getWidth() > 64)
    return g.error() << what << " (input " << i
                     << ") must be an integer tensor, got " << c.getType();
  SmallVector<int64_t> out;
  for (const APInt &v : c.getValues<APInt>())
    out.push_back(v.getSExtValue());
  return out;
}

/// Resolves auto_pad and defaults for convolution and pooling windows.
LogicalResult windowAttrs(GraphImporter &g, ArrayRef<int64_t> inShape,
                          ArrayRef<int64_t> kernel, SmallVector<int64_t> &strides,
                          SmallVector<int64_t> &pads,
                          SmallVector<int64_t> &dilations) {
  size_t spatial = kernel.size();
  strides = g.intsAttr("strides");
  dilations = g.intsAttr("dilations");
  pads = g.intsAttr("pads");
  if (strides.empty())
    strides.assign(spatial, 1);
  if (dilations.empty())
    dilations.assign(spatial, 1);
  std::string autoPad = g.stringAttr("auto_pad", "NOTSET");
  if (strides.size() != spatial || dilations.size() != spatial)
    return g.error() << "strides/dilations need " << spatial << " entries";
  // Windows of the sizes a model can have: a zero stride or a kernel of
  // 2^40 is a malformed model, reported here rather than found by shape
  // inference later.
  constexpr int64_t kMaxWindow = int64_t(1) << 31;
  for (size_t i = 0; i < spatial; ++i) {
    if (kernel[i] < 1 || kernel[i] > kMaxWindow)
      return g.error() << "kernel_shape[" << i << "] = " << kernel[i]
                       << " is not between 1 and 2^31";
    if (strides[i] < 1 || strides[i] > kMaxWindow)
      return g.error() << "strides[" << i << "] = " << strides[i]
                       << " is not between 1 and 2^31";
    if (dilations[i] < 1 || dilations[i] > kMaxWindow)
      return g.error() << "dilations[" << i << "] = " << dilations[i]
                       << " is not between 1 and 2^31";
  }
  if (autoPad == "NOTSET") {
    if (pads.empty())
      pads.assign(2 * spatial, 0);
    if (pads.size() != 2 * spatial)
      return g.error() << "pads need " << 2 * spatial << " entries";
    for (int64_t pad : pads)
      if (pad < 0 || pad > kMaxWindow)
        return g.error() << "pads must be between 0 and 2^31, not " << pad;
    return success();
  }
  pads.assign(2 * spatial, 0);
  if (autoPad == "VALID")
    return success();
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return g.error() << "unknown auto_pad '" << autoPad << "'";
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = inShape[2 + i];
    if (in == ShapedType::kDynamic)
      return g.error() << "auto_pad needs static spatial dims";
    int64_t out = (in + strides[i] - 1) / strides[i];
    int64_t span = (kernel[i] - 1) * dilations[i] + 1;
    int64_t total = std::max<int64_t>((out - 1) * strides[i] + span - in, 0);
    int64_t small = total / 2, large = total - small;
    pads[i] = autoPad == "SAME_UPPER" ? small : large;
    pads[spatial + i] = autoPad == "SAME_UPPER" ? large : small;
  }
  return success();
}

} // namespace coreai::onnx_import

namespace {

LogicalResult importIdentity(GraphImporter &g) {
  return g.emit<aigraph::IdentityOp>(0, g.input(0));
}

/// A Constant's value_float(s) or value_int(s) attribute, or null.
DenseElementsAttr numericConstantValue(GraphImporter &g) {
  if (const auto *a = g.attr("value_float"))
    return DenseElementsAttr::get(
        RankedTensorType::get({}, g.builder.getF32Type()), a->f());
  if (const auto *a = g.attr("value_floats")) {
    SmallVector<float> v(a->floats().begin(), a->floats().end());
    return DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, g.builder.getF32Type()),
        ArrayRef<float>(v));
  }
  if (const auto *a = g.attr("value_int"))
    return DenseElementsAttr::get(
        RankedTensorType::get({}, g.builder.getI64Type()), (int64_t)a->i());
  if (const auto *a = g.attr("value_ints")) {
    SmallVector<int64_t> v(a->ints().begin(), a->ints().end());
    return DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, g.builder.getI64Type()),
        ArrayRef<int64_t>(v));
  }
  return nullptr;
}

LogicalResult importConstant(GraphImporter &g) {
  // A tensor `value` first, as in the spec's list of alternatives.
  auto value = g.tensorAttr("value", numericConstantValue(g));
  if (failed(value))
    return failure();
  if (!*value)
    return g.error() << "has no value attribute of a supported kind "
                        "(sparse and string constants are not supported)";
  g.setOutput(0, g.constant(*value));
  return success();
}

LogicalResult importClip(GraphImporter &g) {
  Type et = typeOf(g.input(0)).getElementType();
  Value lo, hi;
  if (g.opset < 11) {
    // Bounds were attributes; they become scalar constants.
    auto scalar = [&](float v) {
      auto t = RankedTensorType::get({}, et);
      return g.constant(DenseElementsAttr::get(
          t, ArrayRef<Attribute>{FloatAttr::get(et, v)}));
    };
    if (g.attr("min"))
      lo = scalar(g.floatAttr("min", 0));
    if (g.attr("max"))
      hi = scalar(g.floatAttr("max", 0));
  } else {
    lo = g.input(1);
    hi = g.input(2);
  }
  return g.emit<aigraph::ClipOp>(0, g.input(0), lo, hi);
}

LogicalResult importConv(GraphImporter &g) {
  auto in = typeOf(g.input(0)), w = typeOf(g.input(1));
  if (in.getRank() < 3 || w.getRank() != in.getRank())
    return g.error() << "expects N x C x spatial... input and matching "
                        "weight, got "
                     << in << " and " << w;
  SmallVector<int64_t> kernel = g.intsAttr("kernel_shape");
  if (kernel.empty())
    kernel.assign(w.getShape().begin() + 2, w.getShape().end());
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(windowAttrs(g, in.getShape(), kernel, strides, pads, dilations)))
    return failure();
  auto b = g.builder;
  return g.emit<aigraph::ConvOp>(0, g.input(0), g.input(1), g.input(2),
                     b.getDenseI64ArrayAttr(strides),
                     b.getDenseI64ArrayAttr(pads),
                     b.getDenseI64ArrayAttr(dilations),
                     b.getI64IntegerAttr(g.intAttr("group", 1)));
}

template <bool IsMax> LogicalResult importPool(GraphImporter &g) {
  if (IsMax && g.node->output_size() > 1 && !g.node->output(1).empty())
    return g.error() << "the Indices output of MaxPool is not supported";
  auto in = typeOf(g.input(0));
  if (!isa<FloatType>(in.getElementType()))
    return g.error() << "element type " << in.getElementType()
                     << " is not supported for pooling yet";
  SmallVector<int64_t> kernel = g.intsAttr("kernel_shape");
  if (kernel.empty() || (int64_t)kernel.size() != in.getRank() - 2)
    return g.error() << "kernel_shape must have one entry per spatial dim";
  SmallVector<int64_t> strides, pads, dilations;
  if (failed(windowAttrs(g, in.getShape(), kernel, strides, pads, dilations)))
    return failure();
  auto b = g.builder;
  bool ceil = g.intAttr("ceil_mode", 0) != 0;
  // A window larger than the padded input has no output: reported at the
  // node (tryCreate), never by an aborting builder.
  FailureOr<Value> out;
  if constexpr (IsMax)
    out = g.tryCreate<aigraph::MaxPoolOp>(
        g.input(0), b.getDenseI64ArrayAttr(kernel),
        b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
        b.getDenseI64ArrayAttr(dilations), b.getBoolAttr(ceil));
  else
    out = g.tryCreate<aigraph::AveragePoolOp>(
        g.input(0), b.getDenseI64ArrayAttr(kernel),
        b.getDenseI64ArrayAttr(strides), b.getDenseI64ArrayAttr(pads),
        b.getDenseI64ArrayAttr(dilations), b.getBoolAttr(ceil),
        b.getBoolAttr(g.intAttr("count_include_pad", 0) != 0));
  if (failed(out))
    return g.error() << "the window does not fit the input " << in;
  g.setOutput(0, *out);
  return success();
}

LogicalResult importGlobalAveragePool(GraphImporter &g) {
  return g.emit<aigraph::GlobalAveragePoolOp>(0, g.input(0));
}

LogicalResult importGemm(GraphImporter &g) {
  auto b = g.builder;
  return g.emit<aigraph::GemmOp>(0, g.input(0), g.input(1), g.input(2),
                     b.getF64FloatAttr(g.floatAttr("alpha", 1.0f)),
                     b.getF64FloatAttr(g.floatAttr("beta", 1.0f)),
                     b.getBoolAttr(g.intAttr("transA", 0) != 0),
                     b.getBoolAttr(g.intAttr("transB", 0) != 0));
}

LogicalResult importMatMul(GraphImporter &g) {
  Value l = g.input(0), r = g.input(1);
  if (typeOf(l).getElementType() != typeOf(r).getElementType() ||
      !isa<FloatType>(typeOf(l).getElementType()))
    return g.error() << "expects floating-point operands of one type, got "
                     << typeOf(l) << " and " << typeOf(r);
  return g.emit<aigraph::MatMulOp>(0, l, r);
}

LogicalResult importBatchNorm(GraphImporter &g) {
  for (int i = 1; i < g.node->output_size(); ++i)
    if (!g.node->output(i).empty())
      return g.error() << "training-mode outputs (running mean/variance) are "
                          "not supported";
  return g.emit<aigraph::BatchNormOp>(0, g.input(0), g.input(1), g.input(2),
                     g.input(3), g.input(4),
                     g.builder.getF64FloatAttr(g.floatAttr("epsilon", 1e-5f)));
}

LogicalResult importLayerNorm(GraphImporter &g) {
  for (int i = 1; i < g.node->output_size(); ++i)
    if (!g.node->output(i).empty())
      return importLayerNormStatsOp(g);
  auto axis = axisAttr(g, -1);
  if (failed(axis))
    return failure();
  return g.emit<aigraph::LayerNormOp>(0, g.input(0), g.input(1), g.input(2),
                     g.builder.getI64IntegerAttr(*axis),
                     g.builder.getF64FloatAttr(g.floatAttr("epsilon", 1e-5f)));
}

Value reshape(GraphImporter &g, Value v, ArrayRef<int64_t> shape) {
  if (typeOf(v).getShape() == shape)
    return v;
  return aigraph::ReshapeOp::create(g.builder, g.loc, v,
                                    g.builder.getDenseI64ArrayAttr(shape));
}

/// Softmax and LogSoftmax: one axis from opset 13 on; before, all dims from
/// `axis` on, as a 2-D [prod(<axis), prod(>=axis)] tensor.
template <typename OpT>
LogicalResult importSoftmaxLike(GraphImporter &g) {
  if (failed(requireFloat(g, g.input(0))))
    return failure();
  auto type = typeOf(g.input(0));
  int64_t rank = type.getRank();
  auto axis = axisAttr(g, g.opset < 13 ? 1 : -1);
  if (failed(axis))
    return failure();
  if (g.opset >= 13 || *axis == rank - 1)
    return g.emit<OpT>(0, g.input(0), g.builder.getI64IntegerAttr(*axis));
  if (!type.hasStaticShape())
    return g.error() << "needs a static shape";
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < *axis ? outer : inner) *= type.getDimSize(i);
  Value flat = reshape(g, g.input(0), {outer, inner});
  Value sm = OpT::create(g.builder, g.loc, flat, g.builder.getI64IntegerAttr(1));
  g.setOutput(0, reshape(g, sm, type.getShape()));
  return success();
}

LogicalResult importFlatten(GraphImporter &g) {
  auto axis = axisAttr(g, 1, /*allowRank=*/true);
  if (failed(axis))
    return failure();
  return g.emit<aigraph::FlattenOp>(0, g.input(0),
                                            g.builder.getI64IntegerAttr(*axis));
}

namespace {
/// Reshape to a shape known only at run time (static rank): 0 copies the
/// input's dim (unless allowzero), -1 takes the rest; a shape that does not
/// hold the input's elements fails the run.
LogicalResult importReshapeAtRuntime(GraphImporter &g) {
  RankedTensorType type = typeOf(g.input(0)), st = typeOf(g.input(1));
  if (!type.hasStaticShape() || !st.hasStaticShape() || st.getRank() != 1 ||
      st.getDimSize(0) == 0)
    return g.error() << "a target shape given at run time must be 1-D and "
                        "not empty, and the input's shape static; got "
                     << st << " and " << type;
  int64_t rank = st.getDimSize(0);
  RuntimeDims r{g};
  Emitter &e = r.e;
  Value s = e.make<aigraph::CastOp>(g.input(1), TypeAttr::get(r.i64));
  if (!g.intAttr("allowzero", 0)) {
    SmallVector<int64_t> copied;
    for (int64_t d = 0; d < rank; ++d)
      copied.push_back(d < type.getRank() ? type.getDimSize(d) : 0);
    s = e.make<aigraph::WhereOp>(e.make<aigraph::EqualOp>(s, r.scalar(0)),
                                 r.vector(copied, {rank}), s);
  }
  Value inferred = e.make<aigraph::EqualOp>(s, r.scalar(-1));
  Value known = e.make<aigraph::ReduceProdOp>(
      e.make<aigraph::WhereOp>(inferred, r.scalar(1), s),
      g.builder.getDenseI64ArrayAttr({0}), g.builder.getBoolAttr(false));
  // A zero product would divide by zero: the run then fails the count.
  known = e.make<aigraph::WhereOp>(e.make<aigraph::EqualOp>(known, r.scalar(0)),
                                   r.scalar(1), known);
  Value rest = e.make<aigraph::DivOp>(r.scalar(type.getNumElements()), known);
  s = e.make<aigraph::WhereOp>(inferred, rest, s);
  return r.bind(g.input(0), s, rank);
}

/// Squeeze or Unsqueeze by axes known only at run time (their count is
/// static, so the output rank is).
template <bool IsUnsqueeze>
LogicalResult importSqueezeLikeAtRuntime(GraphImporter &g) {
  RankedTensorType type = typeOf(g.input(0)), at = typeOf(g.input(1));
  if (!type.hasStaticShape() || !at.hasStaticShape() || at.getRank() != 1)
    return g.error() << "axes given at run time must be 1-D, and the "
                        "input's shape static; got "
                     << at << " and " << type;
  int64_t rank = type.getRank(), k = at.getDimSize(0);
  RuntimeDims r{g};
  Emitter &e = r.e;
  Value shape = r.vector(type.getShape(), {rank});
  if (!IsUnsqueeze) {
    if (k > rank)
      return g.error() << "cannot squeeze " << k << " axes of " << type;
    if (k == rank) { // every dim goes, whichever order the axes name them
      if (type.getNumElements() != 1)
        return g.error() << "cannot squeeze every dim of " << type;
      g.setOutput(0, reshape(g, g.input(0), SmallVector<int64_t>()));
      return success();
    }
    Value kept = e.make<aigraph::NotOp>(r.named(g.input(1), rank));
    return r.bind(g.input(0), r.compress(shape, kept, rank, rank - k),
                  rank - k);
  }
  int64_t outRank = rank + k;
  if (rank == 0) { // all ones, wherever the axes put them
    g.setOutput(0, reshape(g, g.input(0), SmallVector<int64_t>(outRank, 1)));
    return success();
  }
  // The input's dims fill the positions the axes leave, in order.
  Value inserted = r.named(g.input(1), outRank);
  Value spread =
      r.compress(r.iota(outRank, {outRank}), e.make<aigraph::NotOp>(inserted),
                 outRank, rank); // spread[d]: where input dim d goes
  Value at_ = e.make<aigraph::EqualOp>(e.reshape(spread, {1, rank}),
                                       r.iota(outRank, {outRank, 1}));
  Value dims = e.make<aigraph::ReduceSumOp>(
      e.make<aigraph::WhereOp>(at_, e.reshape(shape, {1, rank}), r.scalar(0)),
      g.builder.getDenseI64ArrayAttr({1}), g.builder.getBoolAttr(false));
  return r.bind(g.input(0),
                e.make<aigraph::WhereOp>(inserted, r.scalar(1), dims), outRank);
}
} // namespace

LogicalResult importReshape(GraphImporter &g) {
  auto type = typeOf(g.input(0));
  SmallVector<int64_t> shape;
  if (g.opset >= 5 && !g.constantInput(1))
    return importReshapeAtRuntime(g);
  if (g.opset < 5) {
    shape = g.intsAttr("shape");
  } else {
    auto s = constInts(g, 1, "the target shape");
    if (failed(s))
      return failure();
    shape = *s;
  }
  if (!type.hasStaticShape())
    return g.error() << "needs a static input shape, got " << type;
  bool allowZero = g.intAttr("allowzero", 0) != 0;
  int64_t known = 1, inferAt = -1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !allowZero) {
      if ((int64_t)i >= type.getRank())
        return g.error() << "target dim " << i
                         << " is 0 (copy) but the input has rank "
                         << type.getRank();
      d = type.getDimSize(i);
    }
    if (d == -1) {
      if (inferAt >= 0)
        return g.error() << "target shape has more than one -1";
      inferAt = i;
      continue;
    }
    if (d < 0)
      return g.error() << "target dim " << i << " is " << d;
    if (llvm::MulOverflow(known, d, known))
      return g.error() << "the target shape's element count overflows";
  }
  if (inferAt >= 0) {
    if (known == 0 || type.getNumElements() % known != 0)
      return g.error() << "cannot infer the -1 dim: " << type.getNumElements()
                       << " elements do not divide by " << known;
    shape[inferAt] = type.getNumElements() / known;
  }
  int64_t count = 1;
  for (int64_t d : shape)
    if (llvm::MulOverflow(count, d, count))
      return g.error() << "the target shape's element count overflows";
  if (count != type.getNumElements())
    return g.error() << "cannot reshape " << type << " to "
                     << shape.size() << "-D shape with " << count
                     << " elements";
  g.setOutput(0, reshape(g, g.input(0), shape));
  return success();
}

/// Unsqueeze and Squeeze are reshapes with axes from an attribute (before
/// opset 13) or a constant input.
template <bool IsUnsqueeze> LogicalResult importSqueezeLike(GraphImporter &g) {
  auto type = typeOf(g.input(0));
  if (!type.hasStaticShape())
    return g.error() << "needs a static input shape, got " << type;
  if (g.opset >= 13 && g.hasInput(1) && !g.constantInput(1) &&
      !(typeOf(g.input(1)).hasStaticShape() &&
        typeOf(g.input(1)).getNumElements() == 0))
    return importSqueezeLikeAtRuntime<IsUnsqueeze>(g);
  FailureOr<SmallVector<int64_t>> axesOrFailure =
      intsAttrOrInput(g, "axes", 13, 1);
  if (failed(axesOrFailure))
    return failure();
  SmallVector<int64_t> axes = *axesOrFailure;
  SmallVector<int64_t> shape(type.getShape());
  if (IsUnsqueeze) {
    int64_t outRank = type.getRank() + axes.size();
    SmallVector<bool> inserted(outRank, false);
    for (int64_t a : axes) {
      auto n = normalizeAxis(g, a, outRank);
      if (failed(n))
        return failure();
      if (inserted[*n])
        return g.error() << "axes names axis " << *n << " more than once";
      inserted[*n] = true;
    }
    SmallVector<int64_t> out;
    size_t next = 0;
    for (int64_t i = 0; i < outRank; ++i)
      out.push_back(inserted[i] ? 1 : shape[next++]);
    shape = out;
  } else {
    SmallVector<bool> drop(type.getRank(), false);
    if (axes.empty()) {
      for (int64_t i = 0; i < type.getRank(); ++i)
        drop[i] = shape[i] == 1;
    }
    for (int64_t a : axes) {
      auto n = normalizeAxis(g, a, type.getRank());
      if (failed(n))
        return failure();
      if (shape[*n] != 1)
        return g.error() << "cannot squeeze dim " << *n << " of size "
                         << shape[*n];
      drop[*n] = true;
    }
    SmallVector<int64_t> out;
    for (int64_t i = 0; i < type.getRank(); ++i)
      if (!drop[i])
        out.push_back(shape[i]);
    shape = out;
  }
  g.setOutput(0, reshape(g, g.input(0), shape));
  return success();
}

LogicalResult importTranspose(GraphImporter &g) {
  int64_t rank = typeOf(g.input(0)).getRank();
  SmallVector<int64_t> perm = g.intsAttr("perm");
  if (perm.empty())
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  return g.emit<aigraph::TransposeOp>(0, g.input(0),
                     g.builder.getDenseI64ArrayAttr(perm));
}

LogicalResult importConcat(GraphImporter &g) {
  auto inputs = presentInputs(g);
  if (failed(inputs))
    return failure();
  auto axis =
      normalizeAxis(g, g.intAttr("axis", 0), typeOf(inputs->front()).getRank());
  if (failed(axis))
    return failure();
  return g.emit<aigraph::ConcatOp>(0, *inputs,
                                   g.builder.getI64IntegerAttr(*axis));
}

namespace {
/// Slice whose starts, ends, axes or steps are known only at run time: for
/// each dim, its start, end and step are picked from the lists where the
/// axes name it (defaults elsewhere), clamped as ONNX says, and the dim is
/// gathered at start + step * i for every i below its size (its bound;
/// positions past the end are clamped into the input) with the slice's
/// length as its extent. A step of 0 counts as 1 (kernels cannot fail).
LogicalResult importSliceAtRuntime(GraphImporter &g) {
  Value x = g.input(0);
  RankedTensorType type = typeOf(x), st = typeOf(g.input(1));
  int64_t rank = type.getRank();
  if (!type.hasStaticShape() || !st.hasStaticShape() || st.getRank() != 1)
    return g.error() << "starts given at run time must be 1-D, and the "
                        "input's shape static; got "
                     << st << " and " << type;
  int64_t k = st.getDimSize(0);
  for (int i = 2; i <= 4; ++i)
    if (g.hasInput(i) && typeOf(g.input(i)).getShape() != st.getShape())
      return g.error() << "starts, ends, axes and steps differ in length";
  RuntimeDims r{g};
  Emitter &e = r.e;
  auto ints = [&](int i, int64_t fill) {
    if (g.hasInput(i))
      return e.make<aigraph::CastOp>(g.input(i), TypeAttr::get(r.i64));
    SmallVector<int64_t> v(k, fill);
    if (i == 3) // axes default to 0, 1, ..., k - 1
      for (int64_t j = 0; j < k; ++j)
        v[j] = j;
    return r.vector(v, {k});
  };
  Value starts = ints(1, 0), ends = ints(2, 0), steps = ints(4, 1);
  Value axes = r.normalized(ints(3, 0), rank);
  auto lessThan = [&](Value a, Value b) {
    return e.make<aigraph::LessOp>(a, b);
  };
  auto clamp = [&](Value v, Value lo, Value hi) {
    v = e.make<aigraph::WhereOp>(lessThan(v, lo), lo, v);
    return e.make<aigraph::WhereOp>(lessThan(hi, v), hi, v);
  };
  SmallVector<Value> lengths;
  Value y = x;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t n = type.getDimSize(d);
    // This dim's entry of a list, or `fallback` where no axis names it.
    Value here = e.make<aigraph::EqualOp>(axes, r.scalar(d)); // i1 [k]
    Value named = e.make<aigraph::GreaterOp>(
        e.make<aigraph::ReduceSumOp>(
            e.make<aigraph::WhereOp>(here, r.scalar(1), r.scalar(0)),
            g.builder.getDenseI64ArrayAttr({0}), g.builder.getBoolAttr(false)),
        r.scalar(0));
    auto pick = [&](Value list, int64_t fallback) {
      Value sum = e.make<aigraph::ReduceSumOp>(
          e.make<aigraph::WhereOp>(here, list, r.scalar(0)),
          g.builder.getDenseI64ArrayAttr({0}), g.builder.getBoolAttr(false));
      return e.make<aigraph::WhereOp>(named, sum, r.scalar(fallback));
    };
    Value start = pick(starts, 0), end = pick(ends, n), step = pick(steps, 1);
    step = e.make<aigraph::WhereOp>(e.make<aigraph::EqualOp>(step, r.scalar(0)),
                                    r.scalar(1), step);
    Value forward = e.make<aigraph::LessOp>(r.scalar(0), step);
    auto wrap = [&](Value v) { // negative counts from the end
      return e.make<aigraph::WhereOp>(
          lessThan(v, r.scalar(0)), e.make<aigraph::AddOp>(v, r.scalar(n)), v);
    };
    start = e.make<aigraph::WhereOp>(
        forward, clamp(wrap(start), r.scalar(0), r.scalar(n)),
        clamp(wrap(start), r.scalar(0), r.scalar(n - 1)));
    end = e.make<aigraph::WhereOp>(
        forward, clamp(wrap(end), r.scalar(0), r.scalar(n)),
        clamp(wrap(end), r.scalar(-1), r.scalar(n - 1)));
    // length = ceil((end - start) / step), at least 0.
    Value span =
        e.make<aigraph::WhereOp>(forward, e.make<aigraph::SubOp>(end, start),
                                 e.make<aigraph::SubOp>(start, end));
    Value stride = e.make<aigraph::WhereOp>(
        forward, step, e.make<aigraph::SubOp>(r.scalar(0), step));
    // (span - 1) / stride + 1 for a non-empty span: no overflow for any step.
    span = clamp(span, r.scalar(0), r.scalar(n));
    Value length = e.make<aigraph::AddOp>(
        e.make<aigraph::DivOp>(e.make<aigraph::SubOp>(span, r.scalar(1)),
                               stride),
        r.scalar(1));
    length = e.make<aigraph::WhereOp>(
        e.make<aigraph::EqualOp>(span, r.scalar(0)), r.scalar(0), length);
    lengths.push_back(e.reshape(length, {1}));
    if (n == 0)
      continue;
    Value index = e.make<aigraph::AddOp>(
        start, e.make<aigraph::MulOp>(r.iota(n, {n}), step));
    index = clamp(index, r.scalar(0), r.scalar(n - 1));
    y = e.make<aigraph::GatherOp>(y, index, g.builder.getI64IntegerAttr(d));
  }
  Value extents =
      rank ? e.make<aigraph::ConcatOp>(lengths, g.builder.getI64IntegerAttr(0))
           : r.vector({}, {0});
  if (!e.ok)
    return failure();
  g.setRuntimeShapedOutput(0, y, extents);
  return success();
}
} // namespace

LogicalResult importSlice(GraphImporter &g) {
  auto type = typeOf(g.input(0));
  int64_t rank = type.getRank();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (g.opset >= 10)
    for (int i = 1; i <= 4; ++i)
      if (g.hasInput(i) && !g.constantInput(i))
        return importSliceAtRuntime(g);
  if (g.opset < 10) {
    starts = g.intsAttr("starts");
    ends = g.intsAttr("ends");
    axes = g.intsAttr("axes");
  } else {
    auto s = constInts(g, 1, "starts");
    auto e = constInts(g, 2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s, ends = *e;
    if (g.hasInput(3)) {
      auto a = constInts(g, 3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (g.hasInput(4)) {
      auto st = constInts(g, 4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return g.error() << "starts, ends, axes and steps differ in length";
  SmallVector<int64_t> fs(rank, 0), fe(type.getShape()), fst(rank, 1);
  for (size_t i = 0; i < starts.size(); ++i) {
    auto axis = normalizeAxis(g, axes[i], rank);
    if (failed(axis))
      return failure();
    int64_t dim = type.getDimSize(*axis);
    if (dim == ShapedType::kDynamic)
      return g.error() << "needs a static size in sliced dim " << *axis;
    int64_t st = steps[i];
    if (st == 0)
      return g.error() << "slice step must not be 0";
    auto [s, e] = clampSliceBounds(starts[i], ends[i], st, dim);
    fs[*axis] = s, fe[*axis] = e, fst[*axis] = st;
  }
  auto b = g.builder;
  return g.emit<aigraph::SliceOp>(0, g.input(0), b.getDenseI64ArrayAttr(fs),
                     b.getDenseI64ArrayAttr(fe), b.getDenseI64ArrayAttr(fst));
}

LogicalResult importGather(GraphImporter &g) {
  auto axis = axisAttr(g, 0);
  if (failed(axis))
    return failure();
  auto it = typeOf(g.input(1)).getElementType();
  if (!it.isInteger(32) && !it.isInteger(64))
    return g.error() << "indices must be int32 or int64, got " << it;
  return g.emit<aigraph::GatherOp>(0, g.input(0),
                                           g.input(1),
                                           g.builder.getI64IntegerAttr(*axis));
}

LogicalResult importDropout(GraphImporter &g) {
  // Inference is the identity; training mode draws random masks, which a
  // compiled model cannot reproduce.
  if (g.hasInput(2)) {
    DenseElementsAttr training = g.constantInput(2);
    DenseElementsAttr ratio = g.constantInput(1);
    bool zeroRatio =
        ratio && isa<FloatType>(ratio.getElementType()) &&
        (*ratio.getValues<APFloat>().begin()).isZero();
    if (!training || (training.getValues<bool>()[0] && !zeroRatio))
      return g.error() << "training mode (random masks) is not supported";
  }
  if (g.node->output_size() > 1 && !g.node->output(1).empty()) {
    // Inference keeps everything: the mask is all true.
    auto t = typeOf(g.input(0));
    if (!t.hasStaticShape())
      return g.error() << "needs a static shape for the mask output";
    g.setOutput(1, g.constant(DenseElementsAttr::get(
                       RankedTensorType::get(t.getShape(),
                                             g.builder.getI1Type()),
                       true)));
  }
  // The training checks come first, so Dropout counts its operand here.
  if (failed(requireInputs(g, 1)))
    return failure();
  return importIdentity(g);
}

} // namespace

void coreai::onnx_import::populateCoreImporters(OpImporterTable &table) {
  table["Identity"] = {importIdentity, 1};
  table["Constant"] = {importConstant};
  table["Dropout"] = {importDropout};
  table["Clip"] = {importClip, 1};
  table["Conv"] = {importConv, 2};
  table["Gemm"] = {importGemm, 2};
  table["MatMul"] = {importMatMul, 2};
  table["MaxPool"] = {importPool<true>, 1};
  table["AveragePool"] = {importPool<false>, 1};
  table["GlobalAveragePool"] = {importGlobalAveragePool, 1};
  table["BatchNormalization"] = {importBatchNorm, 5};
  table["LayerNormalization"] = {importLayerNorm, 2};
  table["Softmax"] = {importSoftmaxLike<aigraph::SoftmaxOp>, 1};
  table["LogSoftmax"] = {importSoftmaxLike<aigraph::LogSoftmaxOp>, 1};
  table["Flatten"] = {importFlatten, 1};
  table["Reshape"] = {importReshape, 1};
  table["Unsqueeze"] = {importSqueezeLike<true>, 1};
  table["Squeeze"] = {importSqueezeLike<false>, 1};
  table["Transpose"] = {importTranspose, 1};
  table["Concat"] = {importConcat};
  table["Slice"] = {importSlice, 1};
  table["Gather"] = {importGather, 2};
}

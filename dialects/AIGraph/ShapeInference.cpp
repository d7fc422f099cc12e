//===- ShapeInference.cpp - Result types of aigraph ops -------------------===//
//
// Every aigraph op derives its result type here. The verifier compares the
// declared type with the inferred one, so these functions are also where
// operand shapes are checked: each message states the violated constraint.
//
//===----------------------------------------------------------------------===//
#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/Diagnostics.h"

#include <limits>

using namespace mlir;
using namespace coreai::aigraph;

namespace {
constexpr int64_t kDyn = ShapedType::kDynamic;

LogicalResult fail(std::optional<Location> loc, const Twine &msg) {
  return emitOptionalError(loc, msg);
}

std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ",";
    s += d == kDyn ? "?" : std::to_string(d);
  }
  return s + "]";
}

/// What product() returns when the count does not fit in 64 bits.
constexpr int64_t kOverflow = std::numeric_limits<int64_t>::min();

/// The element count of `dims`: kDyn if one is dynamic, kOverflow if it does
/// not fit (crafted models have such shapes; they are refused, not wrapped).
int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims) {
    if (d == kDyn)
      return kDyn;
    if (__builtin_mul_overflow(p, d, &p))
      return kOverflow;
  }
  return p;
}

/// Checks the window attributes of convolution and pooling ops against the
/// number of spatial dims.
LogicalResult checkWindow(std::optional<Location> loc, int64_t spatial,
                          ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                          ArrayRef<int64_t> dilations) {
  if ((int64_t)strides.size() != spatial)
    return fail(loc, "expected " + Twine(spatial) + " strides, got " +
                         Twine(strides.size()));
  if ((int64_t)dilations.size() != spatial)
    return fail(loc, "expected " + Twine(spatial) + " dilations, got " +
                         Twine(dilations.size()));
  if ((int64_t)pads.size() != 2 * spatial)
    return fail(loc, "expected " + Twine(2 * spatial) +
                         " pads (begin and end per spatial dim), got " +
                         Twine(pads.size()));
  for (int64_t s : strides)
    if (s < 1)
      return fail(loc, "strides must be >= 1");
  for (int64_t d : dilations)
    if (d < 1)
      return fail(loc, "dilations must be >= 1");
  for (int64_t p : pads)
    if (p < 0)
      return fail(loc, "pads must be >= 0");
  return success();
}
} // namespace

namespace coreai::aigraph {

FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> lhs,
                                                ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l == 1)
      out[i] = r;
    else if (r == 1 || l == r)
      out[i] = l;
    else if (l == kDyn || r == kDyn)
      out[i] = l == kDyn ? r : l;
    else
      return failure();
  }
  return out;
}

int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t dilation, int64_t padBegin, int64_t padEnd,
                         bool ceilMode) {
  if (in == kDyn)
    return kDyn;
  int64_t span = (kernel - 1) * dilation + 1;
  int64_t numer = in + padBegin + padEnd - span;
  if (numer < 0)
    return 0;
  int64_t out = (ceilMode ? (numer + stride - 1) / stride : numer / stride) + 1;
  // A last window that would start entirely in the end padding is dropped
  // (ONNX and PyTorch agree on this).
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

} // namespace coreai::aigraph

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getValue().getType());
  return success();
}

LogicalResult IdentityOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *ctx,
                                        std::optional<Location>,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  int64_t rank = rankedOf(adaptor.getInput()).getRank();
  auto clampAxis = [&](int64_t a) {
    if (a < 0)
      a += rank;
    return std::clamp<int64_t>(a, 0, rank);
  };
  int64_t start = clampAxis(adaptor.getStart());
  int64_t end = adaptor.getEnd() ? clampAxis(*adaptor.getEnd()) : rank;
  types.push_back(RankedTensorType::get({std::max<int64_t>(end - start, 0)},
                                        IntegerType::get(ctx, 64)));
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult
coreai::aigraph::inferBroadcastResult(std::optional<Location> loc,
                                      ValueRange values, Type elementType,
                                      SmallVectorImpl<Type> &types) {
  SmallVector<int64_t> shape;
  for (Value v : values) {
    auto b = broadcastShapes(shape, rankedOf(v).getShape());
    if (failed(b)) {
      std::string shapes;
      for (auto [i, operand] : llvm::enumerate(values))
        shapes += (i == 0                   ? ""
                   : i + 1 == values.size() ? " and "
                                            : ", ") +
                  shapeStr(rankedOf(operand).getShape());
      return fail(loc, "operand shapes " + shapes + " are not broadcastable");
    }
    shape = *b;
  }
  types.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult ConvOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput()), w = rankedOf(adaptor.getWeight());
  if (in.getRank() < 3 || in.getRank() != w.getRank())
    return fail(loc, "input " + shapeStr(in.getShape()) + " and weight " +
                         shapeStr(w.getShape()) +
                         " must have the same rank, at least 3 (N, C, spatial...)");
  int64_t spatial = in.getRank() - 2;
  if (failed(checkWindow(loc, spatial, adaptor.getStrides(),
                         adaptor.getPads(), adaptor.getDilations())))
    return failure();
  int64_t group = adaptor.getGroup();
  int64_t c = in.getDimSize(1), m = w.getDimSize(0), wc = w.getDimSize(1);
  if (group < 1)
    return fail(loc, "group must be >= 1");
  if (c != kDyn && c != wc * group)
    return fail(loc, "input channels " + Twine(c) + " != weight channels " +
                         Twine(wc) + " x group " + Twine(group));
  if (m % group != 0)
    return fail(loc, "output channels " + Twine(m) +
                         " are not divisible by group " + Twine(group));
  if (Value bias = adaptor.getBias()) {
    auto b = rankedOf(bias);
    if (b.getRank() != 1 || b.getDimSize(0) != m)
      return fail(loc, "bias must have shape [" + Twine(m) + "], got " +
                           shapeStr(b.getShape()));
  }
  SmallVector<int64_t> out{in.getDimSize(0), m};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t o = windowOutputSize(in.getDimSize(2 + i), w.getDimSize(2 + i),
                                 adaptor.getStrides()[i],
                                 adaptor.getDilations()[i], adaptor.getPads()[i],
                                 adaptor.getPads()[spatial + i], false);
    if (o == 0)
      return fail(loc, "kernel larger than padded input in spatial dim " +
                           Twine(i));
    out.push_back(o);
  }
  types.push_back(RankedTensorType::get(out, in.getElementType()));
  return success();
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  auto a = rankedOf(adaptor.getA()), b = rankedOf(adaptor.getB());
  if (a.getRank() != 2 || b.getRank() != 2)
    return fail(loc, "A and B must be 2-D, got " + shapeStr(a.getShape()) +
                         " and " + shapeStr(b.getShape()));
  bool ta = adaptor.getTransA(), tb = adaptor.getTransB();
  int64_t m = a.getDimSize(ta ? 1 : 0), ka = a.getDimSize(ta ? 0 : 1);
  int64_t kb = b.getDimSize(tb ? 1 : 0), n = b.getDimSize(tb ? 0 : 1);
  if (ka != kDyn && kb != kDyn && ka != kb)
    return fail(loc, "inner dims differ: op(A) is " + Twine(m) + "x" +
                         Twine(ka) + ", op(B) is " + Twine(kb) + "x" +
                         Twine(n));
  if (Value c = adaptor.getC()) {
    auto ct = rankedOf(c);
    auto shape = broadcastShapes(ct.getShape(), {m, n});
    if (failed(shape) || *shape != SmallVector<int64_t>{m, n})
      return fail(loc, "C " + shapeStr(ct.getShape()) +
                           " does not broadcast to [" + Twine(m) + "," +
                           Twine(n) + "]");
  }
  types.push_back(RankedTensorType::get({m, n}, a.getElementType()));
  return success();
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto l = rankedOf(adaptor.getLhs()), r = rankedOf(adaptor.getRhs());
  if (l.getRank() < 1 || r.getRank() < 1)
    return fail(loc, "matmul operands must have rank >= 1");
  SmallVector<int64_t> ls(l.getShape()), rs(r.getShape());
  bool lVec = ls.size() == 1, rVec = rs.size() == 1;
  if (lVec)
    ls.insert(ls.begin(), 1);
  if (rVec)
    rs.push_back(1);
  int64_t kl = ls.back(), kr = rs[rs.size() - 2];
  if (kl != kDyn && kr != kDyn && kl != kr)
    return fail(loc, "contracting dims differ: " + shapeStr(l.getShape()) +
                         " x " + shapeStr(r.getShape()));
  auto batch = broadcastShapes(ArrayRef<int64_t>(ls).drop_back(2),
                               ArrayRef<int64_t>(rs).drop_back(2));
  if (failed(batch))
    return fail(loc, "batch dims of " + shapeStr(l.getShape()) + " and " +
                         shapeStr(r.getShape()) + " are not broadcastable");
  SmallVector<int64_t> out(*batch);
  if (!lVec)
    out.push_back(ls[ls.size() - 2]);
  if (!rVec)
    out.push_back(rs.back());
  types.push_back(RankedTensorType::get(out, l.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferPool(std::optional<Location> loc, Adaptor adaptor,
                               SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  int64_t spatial = in.getRank() - 2;
  if (spatial < 1)
    return fail(loc, "pooling input must be N x C x spatial..., got " +
                         shapeStr(in.getShape()));
  if ((int64_t)adaptor.getKernelShape().size() != spatial)
    return fail(loc, "expected " + Twine(spatial) + " kernel dims, got " +
                         Twine(adaptor.getKernelShape().size()));
  if (failed(checkWindow(loc, spatial, adaptor.getStrides(),
                         adaptor.getPads(), adaptor.getDilations())))
    return failure();
  SmallVector<int64_t> out{in.getDimSize(0), in.getDimSize(1)};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t k = adaptor.getKernelShape()[i];
    if (adaptor.getPads()[i] >= k || adaptor.getPads()[spatial + i] >= k)
      return fail(loc, "pads must be smaller than the kernel");
    int64_t o = windowOutputSize(in.getDimSize(2 + i), k,
                                 adaptor.getStrides()[i],
                                 adaptor.getDilations()[i], adaptor.getPads()[i],
                                 adaptor.getPads()[spatial + i],
                                 adaptor.getCeilMode());
    if (o == 0)
      return fail(loc, "kernel larger than padded input in spatial dim " +
                           Twine(i));
    out.push_back(o);
  }
  types.push_back(RankedTensorType::get(out, in.getElementType()));
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return inferPool(loc, adaptor, types);
}

LogicalResult AveragePoolOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &types) {
  return inferPool(loc, adaptor, types);
}

LogicalResult GlobalAveragePoolOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  if (in.getRank() < 3)
    return fail(loc, "input must be N x C x spatial..., got " +
                         shapeStr(in.getShape()));
  SmallVector<int64_t> out(in.getShape());
  std::fill(out.begin() + 2, out.end(), 1);
  types.push_back(RankedTensorType::get(out, in.getElementType()));
  return success();
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  if (in.getRank() < 2)
    return fail(loc, "input must have rank >= 2");
  int64_t c = in.getDimSize(1);
  for (Value p : {adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
                  adaptor.getVariance()}) {
    auto t = rankedOf(p);
    if (t.getRank() != 1 || t.getDimSize(0) != c)
      return fail(loc, "scale, bias, mean and variance must have shape [" +
                           Twine(c) + "], got " + shapeStr(t.getShape()));
  }
  types.push_back(in);
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= in.getRank())
    return fail(loc, "axis " + Twine(axis) + " out of range for rank " +
                         Twine(in.getRank()));
  ArrayRef<int64_t> normShape = in.getShape().drop_front(axis);
  for (Value p : {adaptor.getScale(), adaptor.getBias()}) {
    if (!p)
      continue;
    auto t = rankedOf(p);
    auto b = broadcastShapes(t.getShape(), normShape);
    if (t.getRank() > (int64_t)normShape.size() || failed(b) ||
        ArrayRef<int64_t>(*b) != normShape)
      return fail(loc, "scale/bias " + shapeStr(t.getShape()) +
                           " does not broadcast to the normalized shape " +
                           shapeStr(normShape));
  }
  types.push_back(in);
  return success();
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis > in.getRank())
    return fail(loc, "axis " + Twine(axis) + " out of range for rank " +
                         Twine(in.getRank()));
  int64_t outer = product(in.getShape().take_front(axis)),
          inner = product(in.getShape().drop_front(axis));
  if (outer == kOverflow || inner == kOverflow)
    return fail(loc, "the element count of " + shapeStr(in.getShape()) +
                         " does not fit in 64 bits");
  types.push_back(RankedTensorType::get({outer, inner}, in.getElementType()));
  return success();
}

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> shape = adaptor.getShape();
  for (int64_t d : shape)
    if (d < 0)
      return fail(loc, "target shape " + shapeStr(shape) +
                           " must be resolved (no -1 or 0 placeholders)");
  int64_t inCount = product(in.getShape());
  if (inCount == kOverflow || product(shape) == kOverflow)
    return fail(loc, "the element count of " + shapeStr(in.getShape()) +
                         " or " + shapeStr(shape) + " does not fit in 64 bits");
  if (inCount != kDyn && inCount != product(shape))
    return fail(loc, "cannot reshape " + shapeStr(in.getShape()) + " (" +
                         Twine(inCount) + " elements) to " + shapeStr(shape));
  types.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if ((int64_t)perm.size() != in.getRank())
    return fail(loc, "perm has " + Twine(perm.size()) +
                         " entries for rank " + Twine(in.getRank()));
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> out;
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank() || seen[p])
      return fail(loc, "perm " + shapeStr(perm) + " is not a permutation");
    seen[p] = true;
    out.push_back(in.getDimSize(p));
  }
  types.push_back(RankedTensorType::get(out, in.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return fail(loc, "concat needs at least one input");
  auto first = rankedOf(adaptor.getInputs().front());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= first.getRank())
    return fail(loc, "axis " + Twine(axis) + " out of range for rank " +
                         Twine(first.getRank()));
  SmallVector<int64_t> out(first.getShape());
  out[axis] = 0;
  for (Value v : adaptor.getInputs()) {
    auto t = rankedOf(v);
    if (t.getRank() != first.getRank())
      return fail(loc, "all inputs must have rank " + Twine(first.getRank()));
    for (int64_t i = 0; i < t.getRank(); ++i) {
      if (i == axis)
        continue;
      if (t.getDimSize(i) != first.getDimSize(i))
        return fail(loc, "input shapes " + shapeStr(first.getShape()) +
                             " and " + shapeStr(t.getShape()) +
                             " differ outside axis " + Twine(axis));
    }
    out[axis] = (out[axis] == kDyn || t.getDimSize(axis) == kDyn)
                    ? kDyn
                    : out[axis] + t.getDimSize(axis);
  }
  types.push_back(RankedTensorType::get(out, first.getElementType()));
  return success();
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  ArrayRef<int64_t> starts = adaptor.getStarts(), ends = adaptor.getEnds(),
                    steps = adaptor.getSteps();
  int64_t rank = in.getRank();
  if ((int64_t)starts.size() != rank || (int64_t)ends.size() != rank ||
      (int64_t)steps.size() != rank)
    return fail(loc, "starts, ends and steps need one entry per dim (" +
                         Twine(rank) + ")");
  SmallVector<int64_t> out;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t s = starts[i], e = ends[i], st = steps[i];
    if (st == 0)
      return fail(loc, "slice step must not be 0");
    int64_t n = st > 0 ? (e - s + st - 1) / st : (s - e - st - 1) / (-st);
    out.push_back(std::max<int64_t>(n, 0));
  }
  types.push_back(RankedTensorType::get(out, in.getElementType()));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto data = rankedOf(adaptor.getData());
  auto indices = rankedOf(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= data.getRank())
    return fail(loc, "axis " + Twine(axis) + " out of range for rank " +
                         Twine(data.getRank()));
  SmallVector<int64_t> out(data.getShape().take_front(axis));
  llvm::append_range(out, indices.getShape());
  llvm::append_range(out, data.getShape().drop_front(axis + 1));
  types.push_back(RankedTensorType::get(out, data.getElementType()));
  return success();
}

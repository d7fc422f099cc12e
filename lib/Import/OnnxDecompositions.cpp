//===- OnnxDecompositions.cpp - ONNX ops expressed with other aigraph ops -===//
//
// Ops whose ONNX definition is a small composition of ops we already have:
// RMSNormalization, LayerNormalization's statistics outputs, Trilu, Pad and
// CumSum. Constant structure (masks, triangular matrices) is computed here,
// at compile time.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include "dialects/AIGraph/NarrowTypes.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

/// y = x / sqrt(mean(x^2 over axis..) + eps) * scale.
static LogicalResult importRMSNormalizationOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  if (!isa<FloatType>(t.getElementType()))
    return g.error() << "expects a floating-point input";
  auto axis = axisAttr(g, -1);
  if (failed(axis))
    return failure();
  Type et = t.getElementType();
  Emitter e{g};
  Value ms = e.reduceMeanKeep(e.make<aigraph::MulOp>(x, x),
                            axesFrom(*axis, t.getRank()));
  Value denom = e.make<aigraph::SqrtOp>(e.make<aigraph::AddOp>(
      ms, e.scalar(et, g.floatAttr("epsilon", 1e-5f))));
  Value y = e.make<aigraph::MulOp>(e.make<aigraph::DivOp>(x, denom),
                                   g.input(1));
  return e.bind(0, y);
}

/// LayerNormalization with its Mean and InvStdDev outputs requested.
LogicalResult coreai::onnx_import::importLayerNormStatsOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  auto axis = axisAttr(g, -1);
  if (failed(axis))
    return failure();
  Type et = t.getElementType();
  SmallVector<int64_t> axes = axesFrom(*axis, t.getRank());
  Emitter e{g};
  Value mean = e.reduceMeanKeep(x, axes);
  Value d = e.make<aigraph::SubOp>(x, mean);
  Value var = e.reduceMeanKeep(e.make<aigraph::MulOp>(d, d), axes);
  Value inv = e.make<aigraph::ReciprocalOp>(e.make<aigraph::SqrtOp>(
      e.make<aigraph::AddOp>(var,
                             e.scalar(et, g.floatAttr("epsilon", 1e-5f)))));
  Value y = e.make<aigraph::MulOp>(e.make<aigraph::MulOp>(d, inv), g.input(1));
  if (Value b = g.input(2))
    y = e.make<aigraph::AddOp>(y, b);
  return e.bindAll({y, mean, inv});
}

/// Trilu with a k known only at run time: compare (j - i) with k.
static LogicalResult importTriluRuntimeK(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  int64_t rows = t.getDimSize(t.getRank() - 2),
          cols = t.getDimSize(t.getRank() - 1);
  Type i64 = g.builder.getI64Type();
  Value d = diagonalIndices(g, rows, cols);
  Value k = g.input(1);
  if (typeOf(k).getElementType() != i64)
    return g.error() << "k must be int64";
  Emitter e{g};
  k = e.reshape(k, {});
  Value mask = g.intAttr("upper", 1) ? e.make<aigraph::GreaterEqualOp>(d, k)
                                     : e.make<aigraph::LessEqualOp>(d, k);
  Value y = e.make<aigraph::WhereOp>(mask, x, e.zero(t.getElementType()));
  return e.bind(0, y);
}

/// Trilu: x where the (constant) triangle mask holds, else 0.
static LogicalResult importTriluOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  if (t.getRank() < 2 || !t.hasStaticShape())
    return g.error() << "expects a static input of rank >= 2";
  int64_t k = 0;
  if (g.hasInput(1) && !g.constantInput(1))
    return importTriluRuntimeK(g);
  if (g.hasInput(1)) {
    auto kv = constInts(g, 1, "k");
    if (failed(kv))
      return failure();
    k = kv->empty() ? 0 : (*kv)[0];
  }
  bool upper = g.intAttr("upper", 1) != 0;
  int64_t rows = t.getDimSize(t.getRank() - 2), cols = t.getDimSize(t.getRank() - 1);
  SmallVector<bool> mask;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask.push_back(upper ? j - i >= k : j - i <= k);
  Value m = g.constant(DenseElementsAttr::get(
      RankedTensorType::get({rows, cols}, g.builder.getI1Type()),
      ArrayRef<bool>(mask)));
  Emitter e{g};
  return g.emit<aigraph::WhereOp>(0, m, x, e.zero(t.getElementType()));
}

/// Pad: per axis, negative pads slice and positive pads concatenate blocks
/// built from the input (edge, reflect, wrap) or the constant value.
static LogicalResult importPadOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  int64_t rank = t.getRank();
  if (!t.hasStaticShape())
    return g.error() << "needs a static input shape";
  SmallVector<int64_t> pads;
  Value constant;
  Emitter e{g};
  if (g.opset < 11) {
    pads = g.intsAttr("pads");
    Type et = t.getElementType();
    if (isa<FloatType>(et))
      constant = e.scalar(et, g.floatAttr("value", 0));
  } else {
    auto p = constInts(g, 1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    constant = g.input(2);
  }
  SmallVector<int64_t> axes;
  if (g.hasInput(3)) {
    auto a = constInts(g, 3, "axes");
    if (failed(a))
      return failure();
    auto n = normalizeAxes(g, *a, rank);
    if (failed(n))
      return failure();
    axes = *n;
  } else {
    axes = axesFrom(0, rank);
  }
  if (pads.size() != 2 * axes.size())
    return g.error() << "pads needs " << 2 * axes.size() << " entries";
  std::string mode = g.stringAttr("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect" &&
      mode != "wrap")
    return g.error() << "unknown mode '" << mode << "'";
  Type et = t.getElementType();
  if (!constant)
    constant = e.zero(et);
  else if (typeOf(constant).getRank() > 0)
    constant = e.reshape(constant, {});
  if (!e.ok) // a constant_value of several elements
    return failure();

  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t axis = axes[i], before = pads[i], after = pads[axes.size() + i];
    int64_t dim = typeOf(x).getDimSize(axis);
    if (before < 0)
      x = e.sliceAxis(x, axis, -before, dim), before = 0;
    if (!e.ok)
      return failure();
    dim = typeOf(x).getDimSize(axis);
    if (after < 0)
      x = e.sliceAxis(x, axis, 0, dim + after), after = 0;
    if (!e.ok)
      return failure();
    dim = typeOf(x).getDimSize(axis);
    auto block = [&](int64_t n, bool atStart) -> Value {
      SmallVector<int64_t> shape(typeOf(x).getShape());
      shape[axis] = n;
      if (mode == "constant")
        return e.make<aigraph::ExpandOp>(constant,
                                         g.builder.getDenseI64ArrayAttr(shape));
      if (dim == 0)
        return nullptr;
      if (mode == "edge") {
        Value edge = atStart ? e.sliceAxis(x, axis, 0, 1)
                             : e.sliceAxis(x, axis, dim - 1, dim);
        return e.make<aigraph::ExpandOp>(edge,
                                         g.builder.getDenseI64ArrayAttr(shape));
      }
      if (mode == "wrap") {
        if (n > dim)
          return nullptr;
        return atStart ? e.sliceAxis(x, axis, dim - n, dim)
                       : e.sliceAxis(x, axis, 0, n);
      }
      // reflect: mirror without repeating the edge element.
      if (n >= dim)
        return nullptr;
      return atStart ? e.sliceAxis(x, axis, n, 0, -1)
                     : e.sliceAxis(x, axis, dim - 2, dim - 2 - n, -1);
    };
    SmallVector<Value> parts;
    if (before > 0) {
      Value b = block(before, true);
      if (!b)
        return g.error() << mode << " padding of " << before
                         << " exceeds what dim " << axis << " allows";
      parts.push_back(b);
    }
    parts.push_back(x);
    if (after > 0) {
      Value a = block(after, false);
      if (!a)
        return g.error() << mode << " padding of " << after
                         << " exceeds what dim " << axis << " allows";
      parts.push_back(a);
    }
    if (parts.size() > 1)
      x = e.make<aigraph::ConcatOp>(parts, g.builder.getI64IntegerAttr(axis));
    if (!e.ok)
      return failure();
  }
  return e.bind(0, x);
}

/// CumSum as a matmul with a constant triangular matrix along the axis
/// (moved last); exclusive and reverse change the triangle.
static FailureOr<Value> floatCumSumAlong(GraphImporter &g, Value x,
                                         int64_t axis) {
  auto t = typeOf(x);
  Type et = t.getElementType();
  bool exclusive = g.intAttr("exclusive", 0), reverse = g.intAttr("reverse", 0);
  int64_t n = t.getDimSize(axis);
  SmallVector<int64_t> perm = moveAxisLast(axis, t.getRank());
  // out[.., j] = sum_i x[.., i] * T[i, j].
  SmallVector<Attribute> tri;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      bool take = reverse ? (exclusive ? i > j : i >= j)
                          : (exclusive ? i < j : i <= j);
      tri.push_back(FloatAttr::get(et, take ? 1.0 : 0.0));
    }
  Value m = g.constant(
      DenseElementsAttr::get(RankedTensorType::get({n, n}, et), tri));
  Emitter e{g};
  Value moved = e.transpose(x, perm);
  Value y = e.make<aigraph::MatMulOp>(moved, m);
  y = e.transpose(y, invertPermutation(perm));
  if (!e.ok)
    return failure();
  return y;
}

/// CumSum along the axis of operand 1 (a constant, or known only at run
/// time: alongConstantOrRuntimeAxis).
static LogicalResult importCumSumOp(GraphImporter &g) {
  Value x = g.input(0);
  if (!isa<FloatType>(typeOf(x).getElementType()))
    return importIntegerCumSumOp(g);
  FailureOr<Value> y =
      alongConstantOrRuntimeAxis(g, 1, typeOf(x).getRank(), [&](int64_t axis) {
        return floatCumSumAlong(g, x, axis);
      });
  if (failed(y))
    return failure();
  g.setOutput(0, *y);
  return success();
}

/// Swish: x * sigmoid(alpha * x).
static LogicalResult importSwishOp(GraphImporter &g) {
  Value x = g.input(0);
  Type et = typeOf(x).getElementType();
  if (!isa<FloatType>(et))
    return g.error() << "expects a floating-point input";
  Emitter e{g};
  Value s = e.make<aigraph::SigmoidOp>(
      e.make<aigraph::MulOp>(x, e.scalar(et, g.floatAttr("alpha", 1.0f))));
  Value y = e.make<aigraph::MulOp>(x, s);
  return e.bind(0, y);
}

/// Hardmax: 1 at the first maximum along the axis, 0 elsewhere.
static LogicalResult importHardmaxOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  if (!isa<FloatType>(t.getElementType()) || !t.hasStaticShape())
    return g.error() << "expects a static floating-point input";
  int64_t rank = t.getRank();
  auto axis = axisAttr(g, g.opset < 13 ? 1 : -1);
  if (failed(axis))
    return failure();
  if (g.opset < 13 && *axis != rank - 1)
    return g.error() << "Hardmax before opset 13 over several dims is not "
                        "supported yet";
  Emitter e{g};
  Value idx = e.make<aigraph::ArgMaxOp>(x, g.builder.getI64IntegerAttr(*axis),
                                        g.builder.getBoolAttr(true),
                                        g.builder.getBoolAttr(false));
  Value iota = iotaAlong(g, t.getDimSize(*axis), *axis, rank,
                         g.builder.getI64Type());
  Value hit = e.make<aigraph::EqualOp>(idx, iota);
  Value y = e.make<aigraph::CastOp>(hit, TypeAttr::get(t.getElementType()));
  return e.bind(0, y);
}

/// LpNormalization: x / ||x||_p along one axis (p = 1 or 2).
static LogicalResult importLpNormalizationOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  if (!isa<FloatType>(t.getElementType()))
    return g.error() << "expects a floating-point input";
  auto axis = axisAttr(g, -1);
  if (failed(axis))
    return failure();
  int64_t p = g.intAttr("p", 2);
  auto axes = g.builder.getDenseI64ArrayAttr({*axis});
  auto keep = g.builder.getBoolAttr(true);
  Value norm;
  Emitter e{g};
  if (p == 1)
    norm = e.make<aigraph::ReduceL1Op>(x, axes, keep);
  else if (p == 2)
    norm = e.make<aigraph::ReduceL2Op>(x, axes, keep);
  else
    return g.error() << "p must be 1 or 2, got " << p;
  // A zero norm leaves the (all-zero) slice zero instead of 0/0.
  Type et = t.getElementType();
  Value isZero = e.make<aigraph::EqualOp>(norm, e.scalar(et, 0));
  Value safe = e.make<aigraph::WhereOp>(isZero, e.scalar(et, 1), norm);
  Value y = e.make<aigraph::DivOp>(x, safe);
  return e.bind(0, y);
}

/// OneHot: values[1] where index == position along `axis`, values[0]
/// elsewhere; depth must be a compile-time constant (it is a dim).
static LogicalResult importOneHotOp(GraphImporter &g) {
  Value indices = g.input(0), values = g.input(2);
  auto it = typeOf(indices);
  DenseElementsAttr depthAttr = g.constantInput(1);
  if (!depthAttr)
    return g.notConstant(1, "depth", "it decides the output shape");
  if (depthAttr.getNumElements() != 1)
    return g.error() << "depth must hold one value";
  Attribute d0 = *depthAttr.getValues<Attribute>().begin();
  int64_t depth = isa<FloatAttr>(d0)
                      ? (int64_t)cast<FloatAttr>(d0).getValueAsDouble()
                      : cast<IntegerAttr>(d0).getInt();
  if (typeOf(values).getNumElements() != 2)
    return g.error() << "values must hold [off, on]";
  int64_t outRank = it.getRank() + 1;
  auto axis = normalizeAxis(g, g.intAttr("axis", -1), outRank);
  if (failed(axis))
    return failure();
  Type idxType = g.builder.getI64Type();
  Value idx = indices;
  Emitter e{g};
  if (it.getElementType() != idxType)
    idx = e.make<aigraph::CastOp>(idx, TypeAttr::get(idxType));
  // Negative indices count from the end.
  Value depthC = e.intScalar(idxType, depth);
  Value neg = e.make<aigraph::LessOp>(idx, e.intScalar(idxType, 0));
  idx = e.make<aigraph::WhereOp>(neg, e.make<aigraph::AddOp>(idx, depthC), idx);
  SmallVector<int64_t> shape(it.getShape());
  shape.insert(shape.begin() + *axis, 1);
  idx = e.reshape(idx, shape);
  Value hit = e.make<aigraph::EqualOp>(
      idx, iotaAlong(g, depth, *axis, outRank, idxType));
  Value off = e.sliceAxis(e.reshape(values, {2}), 0, 0, 1);
  Value on = e.sliceAxis(e.reshape(values, {2}), 0, 1, 2);
  Value y = e.make<aigraph::WhereOp>(hit, e.reshape(on, {}),
                                     e.reshape(off, {}));
  return e.bind(0, y);
}

/// GlobalMaxPool: max over the spatial dims, kept as size 1.
static LogicalResult importGlobalMaxPoolOp(GraphImporter &g) {
  int64_t rank = typeOf(g.input(0)).getRank();
  if (rank < 3)
    return g.error() << "expects N x C x spatial...";
  return g.emit<aigraph::ReduceMaxOp>(0, g.input(0),
                                      g.builder.getDenseI64ArrayAttr(
                                          axesFrom(2, rank)),
                                      g.builder.getBoolAttr(true));
}

/// InstanceNormalization: per (n, c) over the spatial dims.
static LogicalResult importInstanceNormalizationOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  int64_t rank = t.getRank();
  if (rank < 3 || !isa<FloatType>(t.getElementType()))
    return g.error() << "expects a float N x C x spatial... input";
  Type et = t.getElementType();
  SmallVector<int64_t> axes = axesFrom(2, rank);
  Emitter e{g};
  Value mean = e.reduceMeanKeep(x, axes);
  Value d = e.make<aigraph::SubOp>(x, mean);
  Value var = e.reduceMeanKeep(e.make<aigraph::MulOp>(d, d), axes);
  Value std = e.make<aigraph::SqrtOp>(e.make<aigraph::AddOp>(
      var, e.scalar(et, g.floatAttr("epsilon", 1e-5f))));
  SmallVector<int64_t> chShape(rank, 1);
  chShape[1] = t.getDimSize(1);
  Value y = e.make<aigraph::DivOp>(d, std);
  y = e.make<aigraph::MulOp>(y, e.reshape(g.input(1), chShape));
  y = e.make<aigraph::AddOp>(y, e.reshape(g.input(2), chShape));
  return e.bind(0, y);
}

/// Tile: per axis, reshape to [.., 1, d, ..], expand to [.., r, d, ..] and
/// merge.
static LogicalResult importTileOp(GraphImporter &g) {
  Value x = g.input(0);
  auto reps = constInts(g, 1, "repeats");
  if (failed(reps))
    return failure();
  int64_t rank = typeOf(x).getRank();
  if ((int64_t)reps->size() != rank)
    return g.error() << "repeats needs " << rank << " entries";
  // The output's size first: the steps below multiply dims by repeats.
  SmallVector<int64_t> outShape(typeOf(x).getShape());
  for (int64_t axis = 0; axis < rank; ++axis) {
    if ((*reps)[axis] < 0)
      return g.error() << "repeats must be >= 0";
    if (!ShapedType::isDynamic(outShape[axis]) &&
        llvm::MulOverflow(outShape[axis], (*reps)[axis], outShape[axis]))
      return g.error() << "the output would have more elements than any "
                          "tensor can hold";
  }
  if (failed(g.checkTensorSize(outShape, typeOf(x).getElementType(),
                               "the output")))
    return failure();
  Emitter e{g};
  for (int64_t axis = 0; axis < rank && e.ok; ++axis) {
    int64_t r = (*reps)[axis];
    if (r < 0)
      return g.error() << "repeats must be >= 0";
    if (r == 1)
      continue;
    SmallVector<int64_t> shape(typeOf(x).getShape());
    SmallVector<int64_t> split(shape);
    split.insert(split.begin() + axis, 1);
    SmallVector<int64_t> expanded(split);
    expanded[axis] = r;
    Value v = e.reshape(x, split);
    v = e.make<aigraph::ExpandOp>(v, g.builder.getDenseI64ArrayAttr(expanded));
    shape[axis] *= r;
    x = e.reshape(v, shape);
  }
  return e.bind(0, x);
}

/// DepthToSpace / SpaceToDepth: a reshape, a transpose and a reshape.
template <bool ToSpace> LogicalResult importDepthSpaceOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  if (t.getRank() != 4 || !t.hasStaticShape())
    return g.error() << "expects a static N x C x H x W input";
  int64_t b = g.intAttr("blocksize", 0);
  int64_t n = t.getDimSize(0), c = t.getDimSize(1), h = t.getDimSize(2),
          w = t.getDimSize(3);
  Value y;
  Emitter e{g};
  if (ToSpace) {
    if (b <= 0 || c % (b * b))
      return g.error() << "channels must divide by blocksize^2";
    bool crd = g.stringAttr("mode", "DCR") == "CRD";
    int64_t cc = c / (b * b);
    if (crd) {
      y = e.reshape(x, {n, cc, b, b, h, w});
      y = e.transpose(y, {0, 1, 4, 2, 5, 3});
    } else {
      y = e.reshape(x, {n, b, b, cc, h, w});
      y = e.transpose(y, {0, 3, 4, 1, 5, 2});
    }
    y = e.reshape(y, {n, cc, h * b, w * b});
  } else {
    if (b <= 0 || h % b || w % b)
      return g.error() << "height and width must divide by blocksize";
    y = e.reshape(x, {n, c, h / b, b, w / b, b});
    y = e.transpose(y, {0, 3, 5, 1, 2, 4});
    y = e.reshape(y, {n, c * b * b, h / b, w / b});
  }
  return e.bind(0, y);
}

namespace {

/// Quantization per tensor or per axis is supported, blocked is not.
LogicalResult checkBlockSize(GraphImporter &g) {
  if (g.intAttr("block_size", 0) != 0)
    return g.error() << "blocked quantization is not supported yet";
  return success();
}

/// The axis of a per-axis scale (input 1). Only 1-D scales of several
/// elements have one; for the others, 0 is as good as any (alongAxis makes
/// them scalars).
FailureOr<int64_t> scaleAxis(GraphImporter &g) {
  if (typeOf(g.input(1)).getNumElements() > 1)
    return axisAttr(g, 1);
  return 0;
}

/// The zero point (input 2) in float type `ft`, shaped to broadcast along
/// `axis` of a rank-`rank` tensor; null when absent.
Value zeroPointAs(Emitter &e, int64_t axis, int64_t rank, Type ft) {
  Value zp = e.g.input(2);
  if (!zp)
    return nullptr;
  return e.make<aigraph::CastOp>(e.alongAxis(zp, axis, rank),
                                 TypeAttr::get(ft));
}

} // namespace

/// DequantizeLinear: (x - zero_point) * scale, per tensor or per axis.
static LogicalResult importDequantizeLinearOp(GraphImporter &g) {
  if (failed(checkBlockSize(g)))
    return failure();
  Value x = g.input(0), scale = g.input(1);
  auto t = typeOf(x);
  Type ft = typeOf(scale).getElementType();
  if (!isa<FloatType>(ft) || (!isa<IntegerType>(t.getElementType()) &&
                              !aigraph::isNarrowFloat(t.getElementType())))
    return g.error() << "dequantizes integer and float8/float4 tensors with "
                        "float scales only";
  FailureOr<int64_t> axis = scaleAxis(g);
  if (failed(axis))
    return failure();
  Emitter e{g};
  Value y = e.make<aigraph::CastOp>(x, TypeAttr::get(ft));
  if (Value zp = zeroPointAs(e, *axis, t.getRank(), ft))
    y = e.make<aigraph::SubOp>(y, zp);
  y = e.make<aigraph::MulOp>(y, e.alongAxis(scale, *axis, t.getRank()));
  return e.bind(0, y);
}

/// QuantizeLinear: saturate(round_half_even(x / scale) + zero_point).
static LogicalResult importQuantizeLinearOp(GraphImporter &g) {
  if (failed(checkBlockSize(g)))
    return failure();
  Value x = g.input(0), scale = g.input(1);
  auto t = typeOf(x);
  Type ft = t.getElementType();
  if (!isa<FloatType>(ft) || typeOf(scale).getElementType() != ft)
    return g.error() << "quantizes float tensors with scales of their type";
  Type target = g.builder.getIntegerType(8, /*isSigned=*/false);
  if (Value zp = g.input(2))
    target = typeOf(zp).getElementType();
  else if (g.attr("output_dtype")) {
    auto dt = g.elementType(g.intAttr("output_dtype", 2));
    if (failed(dt))
      return failure();
    target = *dt;
  }
  auto it = dyn_cast<IntegerType>(target);
  bool toFloat = aigraph::isNarrowFloat(target);
  if (!toFloat && (!it || it.getWidth() < 2 || it.getWidth() > 32))
    return g.error() << "quantizing to " << target << " is not supported yet";
  FailureOr<int64_t> axis = scaleAxis(g);
  if (failed(axis))
    return failure();
  Emitter e{g};
  Value q = e.make<aigraph::DivOp>(x, e.alongAxis(scale, *axis, t.getRank()));
  if (toFloat) {
    // float8/float4: the Cast rounds (to nearest even) and saturates.
    if (Value zp = zeroPointAs(e, *axis, t.getRank(), ft))
      q = e.make<aigraph::AddOp>(q, zp);
    return e.bind(0, e.make<aigraph::CastOp>(
                         q, TypeAttr::get(target),
                         g.builder.getBoolAttr(g.intAttr("saturate", 1)),
                         g.builder.getStringAttr("up")));
  }
  q = e.make<aigraph::RoundOp>(q);
  if (Value zp = zeroPointAs(e, *axis, t.getRank(), ft))
    q = e.make<aigraph::AddOp>(q, zp);
  auto [lo, hi] = integerRange(it);
  q = e.make<aigraph::ClipOp>(q, e.scalar(ft, lo), e.scalar(ft, hi));
  Value y = e.make<aigraph::CastOp>(q, TypeAttr::get(target));
  return e.bind(0, y);
}

void coreai::onnx_import::populateDecompositionsImporters(
    OpImporterTable &table) {
  table["RMSNormalization"] = {importRMSNormalizationOp, 2};
  table["Trilu"] = {importTriluOp, 1};
  table["Pad"] = {importPadOp, 1};
  table["CumSum"] = {importCumSumOp, 2};
  table["Swish"] = {importSwishOp, 1};
  table["QuantizeLinear"] = {importQuantizeLinearOp, 2};
  table["DequantizeLinear"] = {importDequantizeLinearOp, 2};
  table["Tile"] = {importTileOp, 2};
  table["DepthToSpace"] = {importDepthSpaceOp</*ToSpace=*/true>, 1};
  table["SpaceToDepth"] = {importDepthSpaceOp</*ToSpace=*/false>, 1};
  table["Hardmax"] = {importHardmaxOp, 1};
  table["LpNormalization"] = {importLpNormalizationOp, 1};
  table["OneHot"] = {importOneHotOp, 3};
  table["GlobalMaxPool"] = {importGlobalMaxPoolOp, 1};
  table["InstanceNormalization"] = {importInstanceNormalizationOp, 3};
}

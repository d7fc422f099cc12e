//===- OnnxTensorOps.cpp - EyeLike, CenterCropPad, TensorScatter ----------===//
//
// Tensor builders expressed with other aigraph ops: EyeLike is a constant,
// CenterCropPad slices and zero-pads each axis around its center, and
// TensorScatter (a KV-cache write) selects, per position along the sequence
// axis, the update row that lands there or the cache row.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

/// EyeLike: ones on the diagonal j - i == k of a 2-D tensor shaped like x.
static LogicalResult importEyeLikeOp(GraphImporter &g) {
  auto t = typeOf(g.input(0));
  if (t.getRank() != 2 || !t.hasStaticShape())
    return g.error() << "expects a static 2-D input, got " << t;
  Type et = t.getElementType();
  if (g.attr("dtype")) {
    auto dt = g.elementType(g.intAttr("dtype", 1));
    if (failed(dt))
      return failure();
    et = *dt;
  }
  if (!isa<FloatType, IntegerType>(et))
    return g.error() << "element type " << et << " is not supported";
  int64_t k = g.intAttr("k", 0);
  int64_t rows = t.getDimSize(0), cols = t.getDimSize(1);
  Attribute zero = g.builder.getZeroAttr(et), one = g.builder.getOneAttr(et);
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      values.push_back(j - i == k ? one : zero);
  g.setOutput(0, g.constant(DenseElementsAttr::get(
                     RankedTensorType::get({rows, cols}, et), values)));
  return success();
}

/// CenterCropPad: per axis, crop the centered window or pad zeros around
/// the input (the odd cell goes to the end in both cases).
static LogicalResult importCenterCropPadOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  if (!t.hasStaticShape())
    return g.error() << "needs a static input shape";
  int64_t rank = t.getRank();
  auto target = constInts(g, 1, "shape");
  if (failed(target))
    return failure();
  SmallVector<int64_t> axes = axesFrom(0, rank);
  if (g.attr("axes")) {
    auto given = normalizeAxes(g, g.intsAttr("axes"), rank);
    if (failed(given))
      return failure();
    axes = *given;
  }
  if (target->size() != axes.size())
    return g.error() << "shape needs " << axes.size() << " entries, got "
                     << target->size();
  Emitter e{g};
  Value zero = e.zero(t.getElementType());
  for (auto [axis, want] : llvm::zip(axes, *target)) {
    if (want < 0)
      return g.error() << "shape entries must be >= 0";
    auto cur = typeOf(x);
    int64_t dim = cur.getDimSize(axis);
    if (want < dim) {
      int64_t start = (dim - want) / 2;
      SmallVector<int64_t> s(rank, 0), en(cur.getShape()), st(rank, 1);
      s[axis] = start, en[axis] = start + want;
      x = e.make<aigraph::SliceOp>(x, g.builder.getDenseI64ArrayAttr(s),
                                   g.builder.getDenseI64ArrayAttr(en),
                                   g.builder.getDenseI64ArrayAttr(st));
    } else if (want > dim) {
      int64_t before = (want - dim) / 2, after = want - dim - before;
      SmallVector<Value> parts;
      auto block = [&](int64_t n) {
        SmallVector<int64_t> shape(cur.getShape());
        shape[axis] = n;
        return e.make<aigraph::ExpandOp>(zero,
                                         g.builder.getDenseI64ArrayAttr(shape));
      };
      if (before > 0)
        parts.push_back(block(before));
      parts.push_back(x);
      if (after > 0)
        parts.push_back(block(after));
      x = e.make<aigraph::ConcatOp>(parts, g.builder.getI64IntegerAttr(axis));
    }
    if (!e.ok)
      return failure();
  }
  if (x == g.input(0))
    x = e.make<aigraph::IdentityOp>(x);
  return e.bind(0, x);
}

/// TensorScatter: present[b, .., s, ..] = update[b, .., s - w[b], ..] where
/// 0 <= s - w[b] < update's length (modulo the cache length in circular
/// mode), else past[b, .., s, ..].
static LogicalResult importTensorScatterOp(GraphImporter &g) {
  Value past = g.input(0), update = g.input(1);
  auto pt = typeOf(past), ut = typeOf(update);
  if (!pt.hasStaticShape() || !ut.hasStaticShape())
    return g.error() << "needs static shapes";
  int64_t rank = pt.getRank();
  if (ut.getRank() != rank || ut.getElementType() != pt.getElementType())
    return g.error() << "update " << ut << " does not match the cache " << pt;
  auto axis = axisAttr(g, -2);
  if (failed(axis))
    return failure();
  if (*axis == 0)
    return g.error() << "axis must not be the batch axis 0";
  for (int64_t i = 0; i < rank; ++i)
    if (i != *axis && ut.getDimSize(i) != pt.getDimSize(i))
      return g.error() << "update " << ut << " and cache " << pt
                       << " differ outside the sequence axis";
  std::string mode = g.stringAttr("mode", "linear");
  if (mode != "linear" && mode != "circular")
    return g.error() << "mode '" << mode << "' is not supported";
  int64_t seq = pt.getDimSize(*axis), len = ut.getDimSize(*axis),
          batch = pt.getDimSize(0);
  if (len > seq)
    return g.error() << "the update is longer than the cache";
  Type i64 = g.builder.getI64Type();
  SmallVector<int64_t> batchShape(rank, 1);
  batchShape[0] = batch;
  Value pos = iotaAlong(g, seq, *axis, rank, i64);
  Value rel = pos;
  Emitter e{g};
  if (Value w = g.input(2)) {
    if (typeOf(w).getNumElements() != batch)
      return g.error() << "write_indices needs " << batch << " entries";
    if (typeOf(w).getElementType() != i64)
      w = e.make<aigraph::CastOp>(w, TypeAttr::get(i64));
    rel = e.make<aigraph::SubOp>(pos, e.reshape(w, batchShape));
  }
  if (mode == "circular") {
    // w is in [0, seq): one wrap brings s - w into [0, seq).
    Value neg = e.make<aigraph::LessOp>(rel, e.intScalar(i64, 0));
    rel = e.make<aigraph::WhereOp>(
        neg, e.make<aigraph::AddOp>(rel, e.intScalar(i64, seq)), rel);
  }
  Value inFront = e.make<aigraph::GreaterEqualOp>(rel, e.intScalar(i64, 0));
  Value inUpdate = e.make<aigraph::LessOp>(rel, e.intScalar(i64, len));
  Value valid = e.make<aigraph::AndOp>(inFront, inUpdate);
  Value idx = e.make<aigraph::WhereOp>(valid, rel, e.intScalar(i64, 0));
  if (e.ok && typeOf(idx).getShape() != pt.getShape())
    idx = e.make<aigraph::ExpandOp>(
        idx, g.builder.getDenseI64ArrayAttr(pt.getShape()));
  Value picked = e.make<aigraph::GatherElementsOp>(
      update, idx, g.builder.getI64IntegerAttr(*axis));
  Value y = e.make<aigraph::WhereOp>(valid, picked, past);
  return e.bind(0, y);
}

/// ReverseSequence: along the time axis, position t of batch entry b reads
/// len[b] - 1 - t while t < len[b], else t (a gather_elements).
static LogicalResult importReverseSequenceOp(GraphImporter &g) {
  Value x = g.input(0), lens = g.input(1);
  auto t = typeOf(x);
  if (!t.hasStaticShape() || t.getRank() < 2)
    return g.error() << "expects a static input of rank >= 2";
  int64_t timeAxis = g.intAttr("time_axis", 0),
          batchAxis = g.intAttr("batch_axis", 1);
  if (!((timeAxis == 0 && batchAxis == 1) || (timeAxis == 1 && batchAxis == 0)))
    return g.error() << "time_axis and batch_axis must be 0 and 1";
  int64_t steps = t.getDimSize(timeAxis), batch = t.getDimSize(batchAxis);
  Type i64 = g.builder.getI64Type();
  if (typeOf(lens).getNumElements() != batch)
    return g.error() << "sequence_lens needs " << batch << " entries";
  Emitter e{g};
  if (typeOf(lens).getElementType() != i64)
    lens = e.make<aigraph::CastOp>(lens, TypeAttr::get(i64));
  // [T, B] (or [B, T]) then size-1 trailing dims.
  SmallVector<int64_t> bShape(t.getRank(), 1);
  bShape[batchAxis] = batch;
  Value pos = iotaAlong(g, steps, timeAxis, t.getRank(), i64);
  Value len = e.reshape(lens, bShape);
  Value reversed = e.make<aigraph::SubOp>(
      e.make<aigraph::SubOp>(len, e.intScalar(i64, 1)), pos);
  Value inside = e.make<aigraph::LessOp>(pos, len);
  Value idx = e.make<aigraph::WhereOp>(inside, reversed, pos);
  if (e.ok && typeOf(idx).getShape() != t.getShape())
    idx = e.make<aigraph::ExpandOp>(
        idx, g.builder.getDenseI64ArrayAttr(t.getShape()));
  Value y = e.make<aigraph::GatherElementsOp>(
      x, idx, g.builder.getI64IntegerAttr(timeAxis));
  return e.bind(0, y);
}

void coreai::onnx_import::populateTensorOpsImporters(OpImporterTable &table) {
  table["EyeLike"] = {importEyeLikeOp, 1};
  table["CenterCropPad"] = {importCenterCropPadOp, 2};
  table["TensorScatter"] = {importTensorScatterOp, 2};
  table["ReverseSequence"] = {importReverseSequenceOp, 2};
}

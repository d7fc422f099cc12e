//===- OnnxShapeOps.cpp - Expand, ConstantOfShape, Split, Range, Size -----===//
//
// Ops whose output shape comes from a value: the target shape, the split
// sizes or the range bounds must be compile-time constants (or fold to
// them), so that every shape stays static.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"
#include "lib/Import/RuntimeDims.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

LogicalResult importExpand(GraphImporter &g) {
  auto shape = constInts(g, 1, "the target shape");
  if (failed(shape))
    return failure();
  auto in = typeOf(g.input(0));
  if (failed(aigraph::broadcastShapes(in.getShape(), *shape)))
    return g.error() << "cannot expand " << in << " to the given shape";
  return g.emit<aigraph::ExpandOp>(0, g.input(0),
                                   g.builder.getDenseI64ArrayAttr(*shape));
}

LogicalResult importConstantOfShape(GraphImporter &g) {
  auto shape = constInts(g, 0, "the shape");
  if (failed(shape))
    return failure();
  // The default is a float 0.
  auto tensor = g.tensorAttr(
      "value", DenseElementsAttr::get(
                   RankedTensorType::get({1}, g.builder.getF32Type()), 0.0f));
  if (failed(tensor))
    return failure();
  DenseElementsAttr value = *tensor;
  if (value.getNumElements() != 1)
    return g.error() << "value must hold one element";
  if (failed(g.checkTensorSize(*shape, value.getElementType(), "the output")))
    return failure();
  auto type = RankedTensorType::get(*shape, value.getElementType());
  g.setOutput(0, g.constant(DenseElementsAttr::get(
                     type, value.getSplatValue<Attribute>())));
  return success();
}

/// Split by sizes known only at run time: output i is the whole axis (its
/// bound) gathered from its offset, the sum of the sizes before it, and
/// has extent sizes[i] along it. Sizes that are negative or do not add up
/// to the dim give every output the extent -2, which fails the run at the
/// runtime's bound check (kernels cannot fail).
LogicalResult importSplitAtRuntimeSizes(GraphImporter &g, int64_t axis) {
  Value x = g.input(0), sizes = g.input(1);
  RankedTensorType type = typeOf(x), st = typeOf(sizes);
  int64_t n = g.node->output_size(), dim = type.getDimSize(axis);
  if (!type.hasStaticShape() || !st.hasStaticShape() || st.getRank() != 1 ||
      st.getDimSize(0) != n)
    return g.error() << "split sizes given at run time must be 1-D with one "
                        "size per output ("
                     << n << "), and the input's shape static; got " << st
                     << " and " << type;
  RuntimeDims r{g};
  Emitter &e = r.e;
  Value s = e.make<aigraph::CastOp>(sizes, TypeAttr::get(r.i64));
  Value iota = r.iota(dim, {dim});
  Value last = r.scalar(std::max<int64_t>(dim - 1, 0));
  Value zero = r.scalar(0), invalid = r.scalar(-2);
  auto sumOf = [&](Value v) {
    return e.make<aigraph::ReduceSumOp>(v, g.builder.getDenseI64ArrayAttr({0}),
                                        g.builder.getBoolAttr(false));
  };
  // Valid: the sizes add up to the dim and none is negative.
  Value negatives = sumOf(e.make<aigraph::WhereOp>(
      e.make<aigraph::LessOp>(s, zero), r.scalar(1), zero));
  Value valid = e.make<aigraph::EqualOp>(
      e.make<aigraph::WhereOp>(e.make<aigraph::EqualOp>(negatives, zero),
                               sumOf(s), invalid),
      r.scalar(dim));
  for (int64_t i = 0; i < n; ++i) {
    Value offset = i == 0 ? zero : sumOf(e.sliceAxis(s, 0, 0, i));
    Value index = e.make<aigraph::AddOp>(iota, offset);
    index = e.make<aigraph::WhereOp>(e.make<aigraph::GreaterOp>(index, last),
                                     last, index);
    index = e.make<aigraph::WhereOp>(e.make<aigraph::LessOp>(index, zero), zero,
                                     index);
    Value part =
        e.make<aigraph::GatherOp>(x, index, g.builder.getI64IntegerAttr(axis));
    Value size = e.make<aigraph::WhereOp>(
        valid, e.reshape(e.sliceAxis(s, 0, i, i + 1), {}), invalid);
    Value extents = r.withExtentAlong(type.getShape(), axis, size);
    if (!e.ok)
      return failure();
    g.setRuntimeShapedOutput(i, part, extents);
  }
  return success();
}

LogicalResult importSplit(GraphImporter &g) {
  auto type = typeOf(g.input(0));
  auto axis = axisAttr(g, 0);
  if (failed(axis))
    return failure();
  int64_t dim = type.getDimSize(*axis);
  int64_t n = g.node->output_size();
  if (g.opset >= 13 && g.hasInput(1) && !g.constantInput(1))
    return importSplitAtRuntimeSizes(g, *axis);
  FailureOr<SmallVector<int64_t>> given = intsAttrOrInput(g, "split", 13, 1);
  if (failed(given))
    return failure();
  SmallVector<int64_t> sizes = *given;
  if (sizes.empty()) {
    int64_t parts = g.attr("num_outputs") ? g.intAttr("num_outputs", n) : n;
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0, left = dim; i < parts; ++i, left -= chunk)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, left)));
  }
  if ((int64_t)sizes.size() != n)
    return g.error() << "split has " << sizes.size() << " sizes for " << n
                     << " outputs";
  int64_t offset = 0;
  for (int64_t i = 0; i < n; ++i) {
    SmallVector<int64_t> starts(type.getRank(), 0), ends(type.getShape()),
        steps(type.getRank(), 1);
    starts[*axis] = offset;
    ends[*axis] = offset + sizes[i];
    offset += sizes[i];
    if (offset > dim)
      return g.error() << "split sizes exceed the dim (" << dim << ")";
    if (failed(g.emit<aigraph::SliceOp>(i, g.input(0),
                                        g.builder.getDenseI64ArrayAttr(starts),
                                        g.builder.getDenseI64ArrayAttr(ends),
                                        g.builder.getDenseI64ArrayAttr(steps))))
      return failure();
  }
  if (offset != dim)
    return g.error() << "split sizes sum to " << offset << ", the dim is "
                     << dim;
  return success();
}

LogicalResult importRange(GraphImporter &g) {
  DenseElementsAttr s = g.constantInput(0), l = g.constantInput(1),
                    d = g.constantInput(2);
  for (int i = 0; i < 3; ++i)
    if (!g.constantInput(i))
      return g.notConstant(i, "start, limit and delta",
                           "the output shape depends on them");
  Type et = s.getElementType();
  auto val = [](DenseElementsAttr a) {
    return isa<FloatType>(a.getElementType())
               ? (*a.getValues<APFloat>().begin()).convertToDouble()
               : (double)(*a.getValues<APInt>().begin()).getSExtValue();
  };
  double start = val(s), limit = val(l), delta = val(d);
  if (delta == 0 || !std::isfinite(start) || !std::isfinite(limit) ||
      !std::isfinite(delta))
    return g.error() << "start, limit and delta must be finite, delta not 0";
  double count = std::max(0.0, std::ceil((limit - start) / delta));
  // Counted before a single element is made: Range(0, 1e12, 1) is small
  // in the file and a terabyte in memory.
  if (count > 9e18 ||
      failed(g.checkTensorSize({(int64_t)count}, et, "the output")))
    return count > 9e18
               ? g.error() << "the output would have " << count << " elements"
               : failure();
  int64_t n = (int64_t)count;
  auto type = RankedTensorType::get({n}, et);
  unsigned bits = et.getIntOrFloatBitWidth();
  if (bits % 8)
    return g.error() << "element type " << et << " is not supported";
  // The values as raw little-endian bytes: one attribute per element would
  // cost far more than the tensor itself.
  size_t width = bits / 8;
  std::vector<char> raw(n * width);
  for (int64_t i = 0; i < n; ++i) {
    double v = start + i * delta;
    APInt word(bits, 0);
    if (auto ft = dyn_cast<FloatType>(et)) {
      APFloat f(v);
      bool lost;
      f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      word = f.bitcastToAPInt();
    } else {
      word = APInt(bits, (uint64_t)(int64_t)v, /*isSigned=*/true,
                   /*implicitTrunc=*/true);
    }
    for (size_t b = 0; b < width; ++b)
      raw[i * width + b] = (char)word.extractBitsAsZExtValue(8, 8 * b);
  }
  g.setOutput(0, g.constant(DenseElementsAttr::getFromRawBuffer(type, raw)));
  return success();
}

LogicalResult importSize(GraphImporter &g) {
  auto type = typeOf(g.input(0));
  if (!type.hasStaticShape())
    return g.error() << "needs a static shape";
  auto t = RankedTensorType::get({}, g.builder.getI64Type());
  g.setOutput(0, g.constant(DenseElementsAttr::get(
                     t, ArrayRef<int64_t>{type.getNumElements()})));
  return success();
}

} // namespace

void coreai::onnx_import::populateShapeOpsImporters(OpImporterTable &table) {
  table["Expand"] = {importExpand, 2};
  table["ConstantOfShape"] = {importConstantOfShape};
  table["Split"] = {importSplit, 1};
  table["Range"] = {importRange};
  table["Size"] = {importSize};
}

//===- OnnxScatter.cpp - Scatter, GatherND and TopK -----------------------===//
#include "lib/Import/OnnxImporter.h"
#include "lib/Import/RuntimeDims.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

LogicalResult checkIndices(GraphImporter &g, Value indices) {
  Type it = typeOf(indices).getElementType();
  if (!it.isInteger(32) && !it.isInteger(64))
    return g.error() << "indices must be int32 or int64, got " << it;
  return success();
}

/// Checks the indices of a scatter (data, indices, updates) and returns its
/// reduction attribute (opset 16+; "none" before).
FailureOr<aigraph::ScatterReductionAttr> scatterReduction(GraphImporter &g) {
  if (failed(checkIndices(g, g.input(1))))
    return failure();
  std::string r = g.stringAttr("reduction", "none");
  // The enum's strings are ONNX's, so the ONNX value maps onto it directly.
  std::optional<aigraph::ScatterReduction> reduction =
      aigraph::symbolizeScatterReduction(r);
  if (!reduction)
    return g.error() << "reduction '" << r << "' is not supported";
  if (*reduction != aigraph::ScatterReduction::None &&
      typeOf(g.input(0)).getElementType().isInteger(1))
    return g.error() << "reduction '" << r
                     << "' on boolean data is not supported";
  return aigraph::ScatterReductionAttr::get(g.ctx, *reduction);
}

} // namespace

/// ScatterElements (and the older Scatter, which has no reduction).
static LogicalResult importScatterElementsOp(GraphImporter &g) {
  auto reduction = scatterReduction(g);
  if (failed(reduction))
    return failure();
  auto axis = axisAttr(g, 0);
  if (failed(axis))
    return failure();
  return g.emit<aigraph::ScatterElementsOp>(
      0, g.input(0), g.input(1), g.input(2), g.builder.getI64IntegerAttr(*axis),
      *reduction);
}

static LogicalResult importScatterNDOp(GraphImporter &g) {
  auto reduction = scatterReduction(g);
  if (failed(reduction))
    return failure();
  return g.emit<aigraph::ScatterNDOp>(0, g.input(0), g.input(1), g.input(2),
                                      *reduction);
}

static LogicalResult importGatherNDOp(GraphImporter &g) {
  if (failed(checkIndices(g, g.input(1))))
    return failure();
  return g.emit<aigraph::GatherNDOp>(
      0, g.input(0), g.input(1),
      g.builder.getI64IntegerAttr(g.intAttr("batch_dims", 0)));
}

/// TopK: k (an input from opset 10, an attribute before) decides the
/// output shape along the axis. A k known only at run time gives outputs of
/// run-time shape: the whole axis sorted (its bound), of which the first k
/// are the result (a k outside [0, n] fails the run at the bound check).
static LogicalResult importTopKOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  int64_t k;
  Value runtimeK; // int64 [] when k is known only at run time
  if (g.opset >= 10 && g.hasInput(1) && !g.constantInput(1)) {
    RankedTensorType kt = typeOf(g.input(1));
    if (!kt.hasStaticShape() || kt.getNumElements() != 1 || !t.hasStaticShape())
      return g.error() << "a k given at run time must be one value, and the "
                          "input's shape static; got "
                       << kt << " and " << t;
    auto axis = axisAttr(g, -1);
    if (failed(axis))
      return failure();
    Emitter e{g};
    Type i64 = g.builder.getI64Type();
    runtimeK =
        e.reshape(e.make<aigraph::CastOp>(g.input(1), TypeAttr::get(i64)), {});
    // -1 would read as a dropped dim: a negative k becomes -2, which the
    // runtime refuses as outside the bound.
    runtimeK = e.make<aigraph::WhereOp>(
        e.make<aigraph::LessOp>(runtimeK, e.intScalar(i64, 0)),
        e.intScalar(i64, -2), runtimeK);
    if (!e.ok)
      return failure();
    k = t.getDimSize(*axis);
  } else if (g.opset < 10) {
    k = g.intAttr("k", -1);
  } else {
    if (failed(requireInputs(g, 2)))
      return failure();
    auto kv = constInts(g, 1, "k");
    if (failed(kv))
      return failure();
    if (kv->size() != 1)
      return g.error() << "k must hold one value";
    k = (*kv)[0];
  }
  auto axis = axisAttr(g, -1);
  if (failed(axis))
    return failure();
  int64_t n = t.getDimSize(*axis);
  if (k < 0 || (!ShapedType::isDynamic(n) && k > n))
    return g.error() << "k = " << k << " must be in [0, " << n << "]";
  Type et = t.getElementType();
  if (!isa<FloatType, IntegerType>(et) || et.isInteger(1))
    return g.error() << "TopK of element type " << et << " is not supported";
  // Unsorted output may come in any order: the sorted order is one.
  auto b = g.builder;
  Type none = b.getNoneType();
  auto op = aigraph::TopKOp::create(
      b, g.loc, none, none, x, b.getI64IntegerAttr(k),
      b.getI64IntegerAttr(*axis), b.getBoolAttr(g.intAttr("largest", 1) != 0));
  SmallVector<Type> types;
  if (failed(aigraph::TopKOp::inferReturnTypes(
          g.ctx, g.loc, op->getOperands(), op->getAttrDictionary(),
          op->getPropertiesStorage(), op->getRegions(), types))) {
    op->erase();
    return failure();
  }
  op.getValues().setType(cast<RankedTensorType>(types[0]));
  op.getIndices().setType(cast<RankedTensorType>(types[1]));
  if (runtimeK) {
    RuntimeDims r{g};
    Value extents = r.withExtentAlong(t.getShape(), *axis, runtimeK);
    if (!r.e.ok)
      return failure();
    g.setRuntimeShapedOutput(0, op.getValues(), extents);
    g.setRuntimeShapedOutput(1, op.getIndices(), extents);
    return success();
  }
  g.setOutput(0, op.getValues());
  g.setOutput(1, op.getIndices());
  return success();
}

void coreai::onnx_import::populateScatterImporters(OpImporterTable &table) {
  table["ScatterElements"] = {importScatterElementsOp, 3};
  table["ScatterND"] = {importScatterNDOp, 3};
  table["GatherND"] = {importGatherNDOp, 2};
  table["TopK"] = {importTopKOp, 1};
  table["Scatter"] = {importScatterElementsOp, 3};
}

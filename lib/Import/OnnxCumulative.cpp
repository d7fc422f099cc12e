//===- OnnxCumulative.cpp - CumProd and integer CumSum --------------------===//
//
// out[.., j] = op over the i taken for j of x[.., i] (i <= j, or i < j when
// exclusive; mirrored when reverse): the axis moves last, x is broadcast to
// [.., j, i], the positions not taken are replaced by the identity (a
// constant triangular mask) and the last dim is reduced.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// The cumulative op along `axis` of `x` (its shape).
template <typename ReduceOpT>
FailureOr<Value> cumulativeAlong(GraphImporter &g, Value x, int64_t axis,
                                 double identity) {
  auto t = typeOf(x);
  Type et = t.getElementType();
  int64_t rank = t.getRank();
  bool exclusive = g.intAttr("exclusive", 0), reverse = g.intAttr("reverse", 0);
  int64_t n = t.getDimSize(axis);

  SmallVector<int64_t> perm = moveAxisLast(axis, rank);
  bool last = axis == rank - 1;
  Emitter e{g};
  Value moved = last ? x : e.transpose(x, perm);
  if (!e.ok)
    return failure();
  SmallVector<int64_t> row(typeOf(moved).getShape());
  row.insert(row.end() - 1, 1);
  Value wide = e.reshape(moved, row); // broadcasts to [.., j, i] below

  // mask[j, i]: whether x[i] takes part in out[j].
  SmallVector<bool> mask;
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < n; ++i)
      mask.push_back(reverse ? (exclusive ? i > j : i >= j)
                             : (exclusive ? i < j : i <= j));
  Value m = g.constant(DenseElementsAttr::get(
      RankedTensorType::get({n, n}, g.builder.getI1Type()),
      ArrayRef<bool>(mask)));
  Attribute id = isa<FloatType>(et)
                     ? (Attribute)FloatAttr::get(et, identity)
                     : (Attribute)IntegerAttr::get(et, (int64_t)identity);
  Value idv =
      g.constant(DenseElementsAttr::get(RankedTensorType::get({}, et), id));
  Value picked = e.make<aigraph::WhereOp>(m, wide, idv);
  Value y = e.make<ReduceOpT>(picked, g.builder.getDenseI64ArrayAttr({rank}),
                              g.builder.getBoolAttr(false));
  if (!last)
    y = e.transpose(y, invertPermutation(perm));
  if (!e.ok)
    return failure();
  return y;
}

/// The cumulative op along the axis of operand 1 (a constant, or known only
/// at run time: alongConstantOrRuntimeAxis).
template <typename ReduceOpT>
LogicalResult importCumulative(GraphImporter &g, double identity) {
  Value x = g.input(0);
  auto t = typeOf(x);
  Type et = t.getElementType();
  if (!t.hasStaticShape())
    return g.error() << "needs a static input shape";
  if (!isa<FloatType, IntegerType>(et) || et.isInteger(1))
    return g.error() << "element type " << et << " is not supported";
  FailureOr<Value> y =
      alongConstantOrRuntimeAxis(g, 1, t.getRank(), [&](int64_t axis) {
        return cumulativeAlong<ReduceOpT>(g, x, axis, identity);
      });
  if (failed(y))
    return failure();
  g.setOutput(0, *y);
  return success();
}

} // namespace

static LogicalResult importCumProdOp(GraphImporter &g) {
  return importCumulative<aigraph::ReduceProdOp>(g, 1.0);
}

/// CumSum of integers (float CumSum is a matmul, OnnxDecompositions.cpp).
LogicalResult coreai::onnx_import::importIntegerCumSumOp(GraphImporter &g) {
  return importCumulative<aigraph::ReduceSumOp>(g, 0.0);
}

void coreai::onnx_import::populateCumulativeImporters(OpImporterTable &table) {
  table["CumProd"] = {importCumProdOp, 2};
}

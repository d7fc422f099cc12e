//===- ShapeInferenceIndexing.cpp - Result types: gathers, scatters, top_k ===//
#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace coreai::aigraph;

namespace {
/// Whether two dims can be equal (dynamic dims match anything).
bool sameDim(int64_t a, int64_t b) {
  return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
}
} // namespace

LogicalResult
ScatterElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &types) {
  auto data = rankedOf(adaptor.getData());
  auto indices = rankedOf(adaptor.getIndices());
  auto updates = rankedOf(adaptor.getUpdates());
  int64_t axis = adaptor.getAxis();
  if (data.getRank() == 0 || indices.getRank() != data.getRank())
    return emitOptionalError(loc, "indices must have the rank of data (",
                             data.getRank(), ", at least 1), got ",
                             indices.getRank());
  if (updates.getRank() != indices.getRank() ||
      !llvm::all_of(
          llvm::zip(updates.getShape(), indices.getShape()),
          [](auto p) { return sameDim(std::get<0>(p), std::get<1>(p)); }))
    return emitOptionalError(loc, "updates ", updates,
                             " must have the shape of indices ", indices);
  if (updates.getElementType() != data.getElementType())
    return emitOptionalError(loc, "updates must have the element type of data");
  if (axis < 0 || axis >= data.getRank())
    return emitOptionalError(loc, "axis ", axis, " out of range for rank ",
                             data.getRank());
  // Outside `axis`, update positions are data positions.
  for (int64_t i = 0; i < data.getRank(); ++i)
    if (i != axis && !ShapedType::isDynamic(indices.getDimSize(i)) &&
        !ShapedType::isDynamic(data.getDimSize(i)) &&
        indices.getDimSize(i) > data.getDimSize(i))
      return emitOptionalError(loc, "indices ", indices, " exceed data ", data,
                               " in dim ", i);
  types.push_back(data);
  return success();
}

LogicalResult ScatterNDOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto data = rankedOf(adaptor.getData());
  auto indices = rankedOf(adaptor.getIndices());
  auto updates = rankedOf(adaptor.getUpdates());
  int64_t q = indices.getRank();
  if (q == 0 || ShapedType::isDynamic(indices.getShape().back()))
    return emitOptionalError(loc, "indices needs a static last dim");
  int64_t k = indices.getShape().back();
  if (k < 1 || k > data.getRank())
    return emitOptionalError(loc, "index rows of length ", k,
                             " do not fit data of rank ", data.getRank());
  SmallVector<int64_t> want(indices.getShape().drop_back());
  want.append(data.getShape().begin() + k, data.getShape().end());
  if (updates.getRank() != (int64_t)want.size() ||
      !llvm::all_of(llvm::zip(updates.getShape(), want), [](auto p) {
        return sameDim(std::get<0>(p), std::get<1>(p));
      }))
    return emitOptionalError(loc, "updates ", updates, " must have the shape [",
                             llvm::make_range(want.begin(), want.end()), "]");
  if (updates.getElementType() != data.getElementType())
    return emitOptionalError(loc, "updates must have the element type of data");
  types.push_back(data);
  return success();
}

LogicalResult GatherNDOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  auto data = rankedOf(adaptor.getData());
  auto indices = rankedOf(adaptor.getIndices());
  int64_t b = adaptor.getBatchDims(), q = indices.getRank();
  if (q == 0 || ShapedType::isDynamic(indices.getShape().back()))
    return emitOptionalError(loc, "indices needs a static last dim");
  int64_t k = indices.getShape().back();
  if (b < 0 || b >= q || b >= data.getRank())
    return emitOptionalError(loc, "batch_dims ", b,
                             " must be below the ranks of data and indices");
  if (k < 1 || b + k > data.getRank())
    return emitOptionalError(loc, "index rows of length ", k,
                             " do not fit data of rank ", data.getRank(),
                             " after ", b, " batch dims");
  for (int64_t i = 0; i < b; ++i)
    if (!sameDim(data.getDimSize(i), indices.getDimSize(i)))
      return emitOptionalError(loc, "batch dim ", i, " differs: ", data, " vs ",
                               indices);
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  shape.append(data.getShape().begin() + b + k, data.getShape().end());
  types.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult TopKOp::inferReturnTypes(MLIRContext *ctx,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  int64_t axis = adaptor.getAxis(), k = adaptor.getK();
  if (axis < 0 || axis >= in.getRank())
    return emitOptionalError(loc, "axis ", axis, " out of range for rank ",
                             in.getRank());
  int64_t n = in.getDimSize(axis);
  if (k < 0 || (!ShapedType::isDynamic(n) && k > n))
    return emitOptionalError(loc, "k = ", k, " must be in [0, ", n, "]");
  if (!isa<FloatType, IntegerType>(in.getElementType()))
    return emitOptionalError(loc, "top_k needs a numeric input");
  SmallVector<int64_t> shape(in.getShape());
  shape[axis] = k;
  types.push_back(RankedTensorType::get(shape, in.getElementType()));
  types.push_back(RankedTensorType::get(shape, IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *,
                                                 std::optional<Location> loc,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &types) {
  auto data = rankedOf(adaptor.getData());
  auto indices = rankedOf(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (indices.getRank() != data.getRank())
    return emitOptionalError(loc, "indices must have the rank of data (",
                             data.getRank(), "), got ", indices.getRank());
  if (axis < 0 || axis >= data.getRank())
    return emitOptionalError(loc, "axis ", axis, " out of range for rank ",
                             data.getRank());
  types.push_back(
      RankedTensorType::get(indices.getShape(), data.getElementType()));
  return success();
}

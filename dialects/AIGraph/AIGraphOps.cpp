//===- AIGraphOps.cpp - aigraph verifiers and folders ---------------------===//
//
// Shape inference (inferReturnTypes) lives in ShapeInference.cpp; this file
// holds the checks that are not about shapes and the folders.
//
//===----------------------------------------------------------------------===//
#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace coreai::aigraph;

#define GET_OP_CLASSES
#include "dialects/AIGraph/AIGraphOps.cpp.inc"

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getInput(); }

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto type = getOutput().getType();
  if (!type.hasStaticShape())
    return {};
  auto inType = cast<RankedTensorType>(getInput().getType());
  if (!inType.hasStaticShape())
    return {};
  int64_t start = getStart();
  SmallVector<int64_t> dims(
      inType.getShape().slice(start, type.getDimSize(0)));
  return DenseElementsAttr::get(type, ArrayRef<int64_t>(dims));
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  // Reshaping a constant is a new constant with the same data.
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(cast<ShapedType>(getOutput().getType()));
  return {};
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getInput().getType().getRank();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError("axis ") << getAxis() << " out of range for rank "
                                << rank;
  return success();
}

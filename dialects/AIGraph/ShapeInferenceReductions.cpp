//===- ShapeInferenceReductions.cpp - Result types: reductions ------------===//
#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace coreai::aigraph;

namespace {
/// Shape after reducing `axes` (kept as 1 with keepdims).
LogicalResult inferReduced(std::optional<Location> loc, RankedTensorType in,
                           ArrayRef<int64_t> axes, bool keepdims,
                           Type elementType, SmallVectorImpl<Type> &types) {
  SmallVector<int64_t> shape;
  for (int64_t a : axes)
    if (a < 0 || a >= in.getRank())
      return emitOptionalError(loc, "reduction axis ", a,
                               " out of range for rank ", in.getRank());
  for (int64_t i = 0; i < in.getRank(); ++i) {
    if (!llvm::is_contained(axes, i))
      shape.push_back(in.getDimSize(i));
    else if (keepdims)
      shape.push_back(1);
  }
  types.push_back(RankedTensorType::get(shape, elementType));
  return success();
}
} // namespace

#define REDUCE(OP)                                                             \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &types) {                                          \
    auto in = rankedOf(adaptor.getInput());                                    \
    return inferReduced(loc, in, adaptor.getAxes(), adaptor.getKeepdims(),     \
                        in.getElementType(), types);                           \
  }
REDUCE(ReduceSumOp)
REDUCE(ReduceMeanOp)
REDUCE(ReduceMaxOp)
REDUCE(ReduceMinOp)
REDUCE(ReduceProdOp)
REDUCE(ReduceL1Op)
REDUCE(ReduceL2Op)
REDUCE(ReduceSumSquareOp)
REDUCE(ReduceLogSumOp)
REDUCE(ReduceLogSumExpOp)
#undef REDUCE

#define ARG(OP)                                                                \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,          \
      SmallVectorImpl<Type> &types) {                                          \
    auto in = rankedOf(adaptor.getInput());                                    \
    int64_t axis = adaptor.getAxis();                                          \
    return inferReduced(loc, in, {axis}, adaptor.getKeepdims(),                \
                        IntegerType::get(ctx, 64), types);                     \
  }
ARG(ArgMaxOp)
ARG(ArgMinOp)
#undef ARG

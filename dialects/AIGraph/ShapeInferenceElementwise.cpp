//===- ShapeInferenceElementwise.cpp - Result types: elementwise ops ------===//
#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace coreai::aigraph;

#define PREDICATE(OP)                                                          \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx,                         \
                                     std::optional<Location>, Adaptor adaptor, \
                                     SmallVectorImpl<Type> &types) {           \
    types.push_back(RankedTensorType::get(                                     \
        rankedOf(adaptor.getInput()).getShape(), IntegerType::get(ctx, 1)));   \
    return success();                                                          \
  }
PREDICATE(IsNaNOp)
PREDICATE(IsInfOp)
#undef PREDICATE

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  auto l = rankedOf(adaptor.getLhs()), r = rankedOf(adaptor.getRhs());
  if (l.getElementType() != r.getElementType())
    return emitOptionalError(loc, "branches have different element types ",
                             l.getElementType(), " and ", r.getElementType());
  return inferBroadcastResult(
      loc, {adaptor.getCond(), adaptor.getLhs(), adaptor.getRhs()},
      l.getElementType(), types);
}

LogicalResult ClipOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  for (Value bound : {adaptor.getMin(), adaptor.getMax()}) {
    if (!bound)
      continue;
    auto t = rankedOf(bound);
    if (t.getElementType() != in.getElementType() ||
        (t.hasStaticShape() && t.getNumElements() != 1))
      return emitOptionalError(loc, "min and max must be scalars of type ",
                               in.getElementType(), ", got ", t);
  }
  types.push_back(in);
  return success();
}

LogicalResult CastOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get(rankedOf(adaptor.getInput()).getShape(),
                                        adaptor.getTo()));
  return success();
}

LogicalResult BitcastOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  Type from = rankedOf(adaptor.getInput()).getElementType();
  Type to = adaptor.getTo();
  // bool is stored as a byte, so it reinterprets as an 8-bit type.
  auto storageBits = [](Type t) {
    unsigned w = t.getIntOrFloatBitWidth();
    return w == 1 ? 8u : w;
  };
  if (!from.isIntOrFloat() || !to.isIntOrFloat() ||
      storageBits(from) != storageBits(to))
    return emitOptionalError(loc, "bitcast needs element types of the same "
                                  "width, got ",
                             from, " and ", to);
  types.push_back(
      RankedTensorType::get(rankedOf(adaptor.getInput()).getShape(), to));
  return success();
}

LogicalResult ExpandOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto in = rankedOf(adaptor.getInput());
  auto shape = broadcastShapes(in.getShape(), adaptor.getShape());
  if (failed(shape))
    return emitOptionalError(loc, "cannot expand ", in, " to the shape [",
                             llvm::make_range(adaptor.getShape().begin(),
                                              adaptor.getShape().end()),
                             "]");
  types.push_back(RankedTensorType::get(*shape, in.getElementType()));
  return success();
}

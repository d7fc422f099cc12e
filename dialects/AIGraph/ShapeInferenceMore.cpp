//===- ShapeInferenceMore.cpp - Result types: math, logic, reductions -----===//
#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace coreai::aigraph;

namespace {
RankedTensorType rankedOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Broadcasts the shapes of `values`; the result has `elementType`.
LogicalResult inferBroadcastOf(std::optional<Location> loc, ValueRange values,
                               Type elementType, SmallVectorImpl<Type> &types) {
  SmallVector<int64_t> shape;
  for (Value v : values) {
    auto b = broadcastShapes(shape, rankedOf(v).getShape());
    if (failed(b))
      return emitOptionalError(loc, "operand shapes are not broadcastable");
    shape = *b;
  }
  types.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

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

#define SAME_TYPE(OP)                                                          \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location>,   \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    types.push_back(adaptor.getInput().getType());                             \
    return success();                                                          \
  }
SAME_TYPE(CeilOp)
SAME_TYPE(FloorOp)
SAME_TYPE(RoundOp)
SAME_TYPE(ReciprocalOp)
SAME_TYPE(LogOp)
SAME_TYPE(SinOp)
SAME_TYPE(CosOp)
SAME_TYPE(TanOp)
SAME_TYPE(AsinOp)
SAME_TYPE(AcosOp)
SAME_TYPE(AtanOp)
SAME_TYPE(SinhOp)
SAME_TYPE(CoshOp)
SAME_TYPE(AsinhOp)
SAME_TYPE(AcoshOp)
SAME_TYPE(AtanhOp)
SAME_TYPE(SoftplusOp)
SAME_TYPE(SoftsignOp)
SAME_TYPE(MishOp)
SAME_TYPE(HardSwishOp)
SAME_TYPE(GeluOp)
SAME_TYPE(GeluTanhOp)
SAME_TYPE(AbsOp)
SAME_TYPE(NegOp)
SAME_TYPE(SignOp)
SAME_TYPE(NotOp)
SAME_TYPE(BitwiseNotOp)
SAME_TYPE(LeakyReluOp)
SAME_TYPE(EluOp)
SAME_TYPE(SeluOp)
SAME_TYPE(CeluOp)
SAME_TYPE(HardSigmoidOp)
SAME_TYPE(ThresholdedReluOp)
SAME_TYPE(ShrinkOp)
SAME_TYPE(LogSoftmaxOp)
#undef SAME_TYPE

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

#define BINARY(OP)                                                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    return inferBroadcastOf(                                                   \
        loc, {adaptor.getLhs(), adaptor.getRhs()},                             \
        rankedOf(adaptor.getLhs()).getElementType(), types);                   \
  }
BINARY(PowOp)
BINARY(MaxOp)
BINARY(MinOp)
BINARY(ModOp)
BINARY(FModOp)
BINARY(PReluOp)
BINARY(AndOp)
BINARY(OrOp)
BINARY(XorOp)
BINARY(BitwiseAndOp)
BINARY(BitwiseOrOp)
BINARY(BitwiseXorOp)
BINARY(ShiftLeftOp)
BINARY(ShiftRightOp)
#undef BINARY

#define COMPARE(OP)                                                            \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx,                         \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    return inferBroadcastOf(loc, {adaptor.getLhs(), adaptor.getRhs()},         \
                            IntegerType::get(ctx, 1), types);                  \
  }
COMPARE(EqualOp)
COMPARE(LessOp)
COMPARE(LessEqualOp)
COMPARE(GreaterOp)
COMPARE(GreaterEqualOp)
#undef COMPARE

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  auto l = rankedOf(adaptor.getLhs()), r = rankedOf(adaptor.getRhs());
  if (l.getElementType() != r.getElementType())
    return emitOptionalError(loc, "branches have different element types ",
                             l.getElementType(), " and ", r.getElementType());
  return inferBroadcastOf(
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

#define REDUCE(OP)                                                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
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
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx,                         \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    auto in = rankedOf(adaptor.getInput());                                    \
    int64_t axis = adaptor.getAxis();                                          \
    return inferReduced(loc, in, {axis}, adaptor.getKeepdims(),                \
                        IntegerType::get(ctx, 64), types);                     \
  }
ARG(ArgMaxOp)
ARG(ArgMinOp)
#undef ARG

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

//===- ShapeInferenceElementwise.cpp - Result types: elementwise ops ------===//
#include "dialects/AIGraph/AIGraph.h"
#include "dialects/AIGraph/ShapeInferenceMacros.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace coreai::aigraph;

namespace {
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
} // namespace

AIGRAPH_SAME_TYPE_INFER(CeilOp)
AIGRAPH_SAME_TYPE_INFER(FloorOp)
AIGRAPH_SAME_TYPE_INFER(RoundOp)
AIGRAPH_SAME_TYPE_INFER(ReciprocalOp)
AIGRAPH_SAME_TYPE_INFER(LogOp)
AIGRAPH_SAME_TYPE_INFER(SinOp)
AIGRAPH_SAME_TYPE_INFER(CosOp)
AIGRAPH_SAME_TYPE_INFER(TanOp)
AIGRAPH_SAME_TYPE_INFER(AsinOp)
AIGRAPH_SAME_TYPE_INFER(AcosOp)
AIGRAPH_SAME_TYPE_INFER(AtanOp)
AIGRAPH_SAME_TYPE_INFER(SinhOp)
AIGRAPH_SAME_TYPE_INFER(CoshOp)
AIGRAPH_SAME_TYPE_INFER(AsinhOp)
AIGRAPH_SAME_TYPE_INFER(AcoshOp)
AIGRAPH_SAME_TYPE_INFER(AtanhOp)
AIGRAPH_SAME_TYPE_INFER(SoftplusOp)
AIGRAPH_SAME_TYPE_INFER(SoftsignOp)
AIGRAPH_SAME_TYPE_INFER(MishOp)
AIGRAPH_SAME_TYPE_INFER(HardSwishOp)
AIGRAPH_SAME_TYPE_INFER(GeluOp)
AIGRAPH_SAME_TYPE_INFER(GeluTanhOp)
AIGRAPH_SAME_TYPE_INFER(AbsOp)
AIGRAPH_SAME_TYPE_INFER(NegOp)
AIGRAPH_SAME_TYPE_INFER(SignOp)
AIGRAPH_SAME_TYPE_INFER(NotOp)
AIGRAPH_SAME_TYPE_INFER(BitwiseNotOp)
AIGRAPH_SAME_TYPE_INFER(LeakyReluOp)
AIGRAPH_SAME_TYPE_INFER(EluOp)
AIGRAPH_SAME_TYPE_INFER(SeluOp)
AIGRAPH_SAME_TYPE_INFER(CeluOp)
AIGRAPH_SAME_TYPE_INFER(HardSigmoidOp)
AIGRAPH_SAME_TYPE_INFER(ThresholdedReluOp)
AIGRAPH_SAME_TYPE_INFER(ShrinkOp)
AIGRAPH_SAME_TYPE_INFER(LogSoftmaxOp)

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

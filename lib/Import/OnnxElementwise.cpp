//===- OnnxElementwise.cpp - Math, logic, comparison and casts ------------===//
//
// One aigraph op per element: float and any-type unary ops, ops with
// attribute parameters (LeakyRelu, Selu, ...), binary arithmetic, logic and
// comparison (broadcasting), variadic Max/Min/Sum/Mean, Where, and the casts.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include "dialects/AIGraph/NarrowTypes.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

template <typename OpT> LogicalResult anyUnary(GraphImporter &g) {
  return g.emit<OpT>(0, g.input(0));
}

/// The parameters of an activation: (ONNX attribute, default) for alpha
/// and beta; a null name stands for a constant.
struct ActivationParams {
  const char *alphaName;
  double alphaDefault;
  const char *betaName;
  double betaDefault;
};
constexpr ActivationParams kLeakyRelu{"alpha", 0.01, nullptr, 0};
constexpr ActivationParams kElu{"alpha", 1.0, nullptr, 0};
constexpr ActivationParams kSelu{"alpha", 1.67326319217681884765625, "gamma",
                                 1.05070102214813232421875};
constexpr ActivationParams kCelu{"alpha", 1.0, nullptr, 0};
constexpr ActivationParams kHardSigmoid{"alpha", 0.2, "beta", 0.5};
constexpr ActivationParams kThresholdedRelu{"alpha", 1.0, nullptr, 0};
constexpr ActivationParams kShrink{"bias", 0.0, "lambd", 0.5};

/// Parametric activations, with `P`'s parameters.
template <typename OpT, const ActivationParams &P>
LogicalResult paramUnary(GraphImporter &g) {
  if (failed(requireFloat(g, g.input(0))))
    return failure();
  double alpha =
      P.alphaName ? g.floatAttr(P.alphaName, P.alphaDefault) : P.alphaDefault;
  double beta =
      P.betaName ? g.floatAttr(P.betaName, P.betaDefault) : P.betaDefault;
  return g.emit<OpT>(0, g.input(0), g.builder.getF64FloatAttr(alpha),
                     g.builder.getF64FloatAttr(beta));
}

/// Max, Min, Sum, Mean: a left fold over all inputs.
template <typename OpT, bool Mean = false>
LogicalResult variadic(GraphImporter &g) {
  auto present = presentInputs(g);
  if (failed(present))
    return failure();
  ArrayRef<Value> ins = *present;
  Value acc = ins[0];
  for (size_t i = 1; i < ins.size(); ++i) {
    if (typeOf(acc).getElementType() != typeOf(ins[i]).getElementType())
      return g.error() << "inputs have different element types";
    if (failed(aigraph::broadcastShapes(typeOf(acc).getShape(),
                                        typeOf(ins[i]).getShape())))
      return g.error() << "input shapes are not broadcastable";
    acc = OpT::create(g.builder, g.loc, acc, ins[i]);
  }
  if (ins.size() == 1)
    acc = aigraph::IdentityOp::create(g.builder, g.loc, acc);
  if (Mean) {
    Type et = typeOf(acc).getElementType();
    if (!isa<FloatType>(et))
      return g.error() << "Mean expects floating-point inputs";
    auto t = RankedTensorType::get({}, et);
    Value n = g.constant(DenseElementsAttr::get(
        t, ArrayRef<Attribute>{FloatAttr::get(et, (double)ins.size())}));
    acc = aigraph::DivOp::create(g.builder, g.loc, acc, n);
  }
  g.setOutput(0, acc);
  return success();
}

LogicalResult importPow(GraphImporter &g) {
  return g.emit<aigraph::PowOp>(0, g.input(0), g.input(1));
}

LogicalResult importMod(GraphImporter &g) {
  if (g.intAttr("fmod", 0))
    return sameTypeBinary<aigraph::FModOp>(g);
  if (isa<FloatType>(typeOf(g.input(0)).getElementType()))
    return g.error() << "floating-point Mod needs fmod=1";
  return sameTypeBinary<aigraph::ModOp>(g);
}

// BitShift and Gelu report a bad attribute before a missing operand, so they
// count their operands here (no minInputs in the table).
LogicalResult importBitShift(GraphImporter &g) {
  std::string dir = g.stringAttr("direction", "");
  if (dir != "LEFT" && dir != "RIGHT")
    return g.error() << "direction must be LEFT or RIGHT, got '" << dir << "'";
  if (failed(requireInputs(g, 2)))
    return failure();
  if (dir == "LEFT")
    return sameTypeBinary<aigraph::ShiftLeftOp>(g);
  return sameTypeBinary<aigraph::ShiftRightOp>(g);
}

LogicalResult importGelu(GraphImporter &g) {
  std::string approx = g.stringAttr("approximate", "none");
  if (approx != "none" && approx != "tanh")
    return g.error() << "unknown approximate='" << approx << "'";
  if (failed(requireInputs(g, 1)))
    return failure();
  if (approx == "tanh")
    return floatUnary<aigraph::GeluTanhOp>(g);
  return floatUnary<aigraph::GeluOp>(g);
}

LogicalResult importIsInf(GraphImporter &g) {
  if (failed(requireFloat(g, g.input(0))))
    return failure();
  return g.emit<aigraph::IsInfOp>(
      0, g.input(0), g.builder.getBoolAttr(g.intAttr("detect_negative", 1)),
      g.builder.getBoolAttr(g.intAttr("detect_positive", 1)));
}

LogicalResult importWhere(GraphImporter &g) {
  return g.emit<aigraph::WhereOp>(0, g.input(0), g.input(1), g.input(2));
}

LogicalResult castTo(GraphImporter &g, Type to) {
  Value x = g.input(0);
  Type from = typeOf(x).getElementType();
  auto supported = [](Type t) {
    return isa<FloatType>(t) || t.isSignlessInteger() || t.isUnsignedInteger();
  };
  if (!supported(from) || !supported(to))
    return g.error() << "Cast from " << from << " to " << to
                     << " is not supported yet";
  std::string roundMode = g.stringAttr("round_mode", "up");
  if (roundMode != "up" && roundMode != "down" && roundMode != "nearest")
    return g.error() << "round_mode must be up, down or nearest, got '"
                     << roundMode << "'";
  return g.emit<aigraph::CastOp>(
      0, x, TypeAttr::get(to), g.builder.getBoolAttr(g.intAttr("saturate", 1)),
      g.builder.getStringAttr(roundMode));
}

LogicalResult importCast(GraphImporter &g) {
  auto to = g.elementType(g.intAttr("to", 0));
  if (failed(to))
    return failure();
  return castTo(g, *to);
}

LogicalResult importBitCast(GraphImporter &g) {
  auto to = g.elementType(g.intAttr("to", 0));
  if (failed(to))
    return failure();
  Type from = typeOf(g.input(0)).getElementType();
  if (aigraph::isNarrowType(from) || aigraph::isNarrowType(*to))
    return g.error() << "BitCast of float8, float4 and sub-byte integer "
                        "types is not supported yet";
  return g.emit<aigraph::BitcastOp>(0, g.input(0), TypeAttr::get(*to));
}

LogicalResult importCastLike(GraphImporter &g) {
  return castTo(g, typeOf(g.input(1)).getElementType());
}

} // namespace

void coreai::onnx_import::populateElementwiseImporters(OpImporterTable &table) {
  using namespace aigraph;
  table["Add"] = {sameTypeBinary<aigraph::AddOp>, 2};
  table["Sub"] = {sameTypeBinary<aigraph::SubOp>, 2};
  table["Mul"] = {sameTypeBinary<aigraph::MulOp>, 2};
  table["Div"] = {sameTypeBinary<aigraph::DivOp>, 2};
  table["Relu"] = {floatUnary<aigraph::ReluOp>, 1};
  table["Sigmoid"] = {floatUnary<aigraph::SigmoidOp>, 1};
  table["Tanh"] = {floatUnary<aigraph::TanhOp>, 1};
  table["Erf"] = {floatUnary<aigraph::ErfOp>, 1};
  table["Exp"] = {floatUnary<aigraph::ExpOp>, 1};
  table["Sqrt"] = {floatUnary<aigraph::SqrtOp>, 1};
  table["Ceil"] = {floatUnary<CeilOp>, 1};
  table["Floor"] = {floatUnary<FloorOp>, 1};
  table["Round"] = {floatUnary<RoundOp>, 1};
  table["Reciprocal"] = {floatUnary<ReciprocalOp>, 1};
  table["Log"] = {floatUnary<LogOp>, 1};
  table["Sin"] = {floatUnary<SinOp>, 1};
  table["Cos"] = {floatUnary<CosOp>, 1};
  table["Tan"] = {floatUnary<TanOp>, 1};
  table["Asin"] = {floatUnary<AsinOp>, 1};
  table["Acos"] = {floatUnary<AcosOp>, 1};
  table["Atan"] = {floatUnary<AtanOp>, 1};
  table["Sinh"] = {floatUnary<SinhOp>, 1};
  table["Cosh"] = {floatUnary<CoshOp>, 1};
  table["Asinh"] = {floatUnary<AsinhOp>, 1};
  table["Acosh"] = {floatUnary<AcoshOp>, 1};
  table["Atanh"] = {floatUnary<AtanhOp>, 1};
  table["Softplus"] = {floatUnary<SoftplusOp>, 1};
  table["Softsign"] = {floatUnary<SoftsignOp>, 1};
  table["Mish"] = {floatUnary<MishOp>, 1};
  table["HardSwish"] = {floatUnary<HardSwishOp>, 1};
  table["Gelu"] = {importGelu};
  table["Abs"] = {anyUnary<AbsOp>, 1};
  table["Neg"] = {anyUnary<NegOp>, 1};
  table["Sign"] = {anyUnary<SignOp>, 1};
  table["Not"] = {anyUnary<NotOp>, 1};
  table["BitwiseNot"] = {anyUnary<BitwiseNotOp>, 1};
  table["IsNaN"] = {floatUnary<IsNaNOp>, 1};
  table["IsInf"] = {importIsInf, 1};
  table["LeakyRelu"] = {paramUnary<LeakyReluOp, kLeakyRelu>, 1};
  table["Elu"] = {paramUnary<EluOp, kElu>, 1};
  table["Selu"] = {paramUnary<SeluOp, kSelu>, 1};
  table["Celu"] = {paramUnary<CeluOp, kCelu>, 1};
  table["HardSigmoid"] = {paramUnary<HardSigmoidOp, kHardSigmoid>, 1};
  table["ThresholdedRelu"] = {paramUnary<ThresholdedReluOp, kThresholdedRelu>,
                              1};
  table["Shrink"] = {paramUnary<ShrinkOp, kShrink>, 1};
  table["Pow"] = {importPow, 2};
  table["Max"] = {variadic<MaxOp>};
  table["Min"] = {variadic<MinOp>};
  table["Sum"] = {variadic<AddOp>};
  table["Mean"] = {variadic<AddOp, /*Mean=*/true>};
  table["Mod"] = {importMod, 2};
  table["PRelu"] = {sameTypeBinary<PReluOp>, 2};
  table["And"] = {sameTypeBinary<AndOp>, 2};
  table["Or"] = {sameTypeBinary<OrOp>, 2};
  table["Xor"] = {sameTypeBinary<XorOp>, 2};
  table["BitwiseAnd"] = {sameTypeBinary<BitwiseAndOp>, 2};
  table["BitwiseOr"] = {sameTypeBinary<BitwiseOrOp>, 2};
  table["BitwiseXor"] = {sameTypeBinary<BitwiseXorOp>, 2};
  table["BitShift"] = {importBitShift};
  table["Equal"] = {sameTypeBinary<EqualOp>, 2};
  table["Less"] = {sameTypeBinary<LessOp>, 2};
  table["LessOrEqual"] = {sameTypeBinary<LessEqualOp>, 2};
  table["Greater"] = {sameTypeBinary<GreaterOp>, 2};
  table["GreaterOrEqual"] = {sameTypeBinary<GreaterEqualOp>, 2};
  table["Where"] = {importWhere, 3};
  table["Cast"] = {importCast, 1};
  table["CastLike"] = {importCastLike, 2};
  table["BitCast"] = {importBitCast, 1};
}

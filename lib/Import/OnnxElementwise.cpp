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

bool isFloat(Value v) { return isa<FloatType>(typeOf(v).getElementType()); }

LogicalResult requireFloat(GraphImporter &g, Value v) {
  if (!isFloat(v))
    return g.error() << "expects a floating-point input, got " << typeOf(v);
  return success();
}

template <typename OpT> LogicalResult anyUnary(GraphImporter &g) {
  if (failed(requireInputs(g, 1)))
    return failure();
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
  if (failed(requireInputs(g, 1)) || failed(requireFloat(g, g.input(0))))
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
  SmallVector<Value> ins;
  for (int i = 0; i < g.node->input_size(); ++i)
    if (Value v = g.input(i))
      ins.push_back(v);
  if (ins.empty())
    return g.error() << "needs at least one input";
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
  if (failed(requireInputs(g, 2)))
    return failure();
  return g.emit<aigraph::PowOp>(0, g.input(0), g.input(1));
}

LogicalResult importMod(GraphImporter &g) {
  if (g.intAttr("fmod", 0))
    return sameTypeBinary<aigraph::FModOp>(g);
  if (failed(requireInputs(g, 2)))
    return failure();
  if (isFloat(g.input(0)))
    return g.error() << "floating-point Mod needs fmod=1";
  return sameTypeBinary<aigraph::ModOp>(g);
}

LogicalResult importBitShift(GraphImporter &g) {
  std::string dir = g.stringAttr("direction", "");
  if (dir == "LEFT")
    return sameTypeBinary<aigraph::ShiftLeftOp>(g);
  if (dir == "RIGHT")
    return sameTypeBinary<aigraph::ShiftRightOp>(g);
  return g.error() << "direction must be LEFT or RIGHT, got '" << dir << "'";
}

LogicalResult importGelu(GraphImporter &g) {
  std::string approx = g.stringAttr("approximate", "none");
  if (approx == "tanh")
    return floatUnary<aigraph::GeluTanhOp>(g);
  if (approx != "none")
    return g.error() << "unknown approximate='" << approx << "'";
  return floatUnary<aigraph::GeluOp>(g);
}

LogicalResult importIsInf(GraphImporter &g) {
  if (failed(requireInputs(g, 1)) || failed(requireFloat(g, g.input(0))))
    return failure();
  return g.emit<aigraph::IsInfOp>(
      0, g.input(0), g.builder.getBoolAttr(g.intAttr("detect_negative", 1)),
      g.builder.getBoolAttr(g.intAttr("detect_positive", 1)));
}

LogicalResult importWhere(GraphImporter &g) {
  if (failed(requireInputs(g, 3)))
    return failure();
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
  if (failed(requireInputs(g, 1)))
    return failure();
  auto to = g.elementType(g.intAttr("to", 0));
  if (failed(to))
    return failure();
  return castTo(g, *to);
}

LogicalResult importBitCast(GraphImporter &g) {
  if (failed(requireInputs(g, 1)))
    return failure();
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
  if (failed(requireInputs(g, 2)))
    return failure();
  return castTo(g, typeOf(g.input(1)).getElementType());
}

} // namespace

void coreai::onnx_import::populateElementwiseImporters(OpImporterTable &table) {
  using namespace aigraph;
  table["Add"] = sameTypeBinary<aigraph::AddOp>;
  table["Sub"] = sameTypeBinary<aigraph::SubOp>;
  table["Mul"] = sameTypeBinary<aigraph::MulOp>;
  table["Div"] = sameTypeBinary<aigraph::DivOp>;
  table["Relu"] = floatUnary<aigraph::ReluOp>;
  table["Sigmoid"] = floatUnary<aigraph::SigmoidOp>;
  table["Tanh"] = floatUnary<aigraph::TanhOp>;
  table["Erf"] = floatUnary<aigraph::ErfOp>;
  table["Exp"] = floatUnary<aigraph::ExpOp>;
  table["Sqrt"] = floatUnary<aigraph::SqrtOp>;
  table["Ceil"] = floatUnary<CeilOp>;
  table["Floor"] = floatUnary<FloorOp>;
  table["Round"] = floatUnary<RoundOp>;
  table["Reciprocal"] = floatUnary<ReciprocalOp>;
  table["Log"] = floatUnary<LogOp>;
  table["Sin"] = floatUnary<SinOp>;
  table["Cos"] = floatUnary<CosOp>;
  table["Tan"] = floatUnary<TanOp>;
  table["Asin"] = floatUnary<AsinOp>;
  table["Acos"] = floatUnary<AcosOp>;
  table["Atan"] = floatUnary<AtanOp>;
  table["Sinh"] = floatUnary<SinhOp>;
  table["Cosh"] = floatUnary<CoshOp>;
  table["Asinh"] = floatUnary<AsinhOp>;
  table["Acosh"] = floatUnary<AcoshOp>;
  table["Atanh"] = floatUnary<AtanhOp>;
  table["Softplus"] = floatUnary<SoftplusOp>;
  table["Softsign"] = floatUnary<SoftsignOp>;
  table["Mish"] = floatUnary<MishOp>;
  table["HardSwish"] = floatUnary<HardSwishOp>;
  table["Gelu"] = importGelu;
  table["Abs"] = anyUnary<AbsOp>;
  table["Neg"] = anyUnary<NegOp>;
  table["Sign"] = anyUnary<SignOp>;
  table["Not"] = anyUnary<NotOp>;
  table["BitwiseNot"] = anyUnary<BitwiseNotOp>;
  table["IsNaN"] = floatUnary<IsNaNOp>;
  table["IsInf"] = importIsInf;
  table["LeakyRelu"] = paramUnary<LeakyReluOp, kLeakyRelu>;
  table["Elu"] = paramUnary<EluOp, kElu>;
  table["Selu"] = paramUnary<SeluOp, kSelu>;
  table["Celu"] = paramUnary<CeluOp, kCelu>;
  table["HardSigmoid"] = paramUnary<HardSigmoidOp, kHardSigmoid>;
  table["ThresholdedRelu"] = paramUnary<ThresholdedReluOp, kThresholdedRelu>;
  table["Shrink"] = paramUnary<ShrinkOp, kShrink>;
  table["Pow"] = importPow;
  table["Max"] = variadic<MaxOp>;
  table["Min"] = variadic<MinOp>;
  table["Sum"] = variadic<AddOp>;
  table["Mean"] = variadic<AddOp, /*Mean=*/true>;
  table["Mod"] = importMod;
  table["PRelu"] = sameTypeBinary<PReluOp>;
  table["And"] = sameTypeBinary<AndOp>;
  table["Or"] = sameTypeBinary<OrOp>;
  table["Xor"] = sameTypeBinary<XorOp>;
  table["BitwiseAnd"] = sameTypeBinary<BitwiseAndOp>;
  table["BitwiseOr"] = sameTypeBinary<BitwiseOrOp>;
  table["BitwiseXor"] = sameTypeBinary<BitwiseXorOp>;
  table["BitShift"] = importBitShift;
  table["Equal"] = sameTypeBinary<EqualOp>;
  table["Less"] = sameTypeBinary<LessOp>;
  table["LessOrEqual"] = sameTypeBinary<LessEqualOp>;
  table["Greater"] = sameTypeBinary<GreaterOp>;
  table["GreaterOrEqual"] = sameTypeBinary<GreaterEqualOp>;
  table["Where"] = importWhere;
  table["Cast"] = importCast;
  table["CastLike"] = importCastLike;
  table["BitCast"] = importBitCast;
}

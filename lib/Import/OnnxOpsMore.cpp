//===- OnnxOpsMore.cpp - ONNX math, logic, reductions, shape builders -----===//
#include "lib/Import/OnnxImporter.h"

#include "dialects/AIGraph/NarrowTypes.h"

#include "llvm/ADT/StringSwitch.h"

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

template <typename OpT>
LogicalResult anyUnary(GraphImporter &g) {
  if (failed(requireInputs(g, 1)))
    return failure();
  return g.emit<OpT>(0, g.input(0));
}

/// Parametric activations: (ONNX attribute, default) for alpha and beta.
template <typename OpT>
LogicalResult paramUnary(GraphImporter &g, const char *alphaName,
                         double alphaDefault, const char *betaName,
                         double betaDefault) {
  if (failed(requireInputs(g, 1)) || failed(requireFloat(g, g.input(0))))
    return failure();
  double alpha = alphaName ? g.floatAttr(alphaName, alphaDefault) : alphaDefault;
  double beta = betaName ? g.floatAttr(betaName, betaDefault) : betaDefault;
  return g.emit<OpT>(0, g.input(0),
                             g.builder.getF64FloatAttr(alpha),
                             g.builder.getF64FloatAttr(beta));
}

/// Max, Min, Sum, Mean: a left fold over all inputs.
template <typename OpT>
LogicalResult variadic(GraphImporter &g, bool mean = false) {
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
  if (mean) {
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
  return g.emit<aigraph::PowOp>(0, g.input(0),
                                        g.input(1));
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
  return g.emit<aigraph::IsInfOp>(0, g.input(0),
                     g.builder.getBoolAttr(g.intAttr("detect_negative", 1)),
                     g.builder.getBoolAttr(g.intAttr("detect_positive", 1)));
}

LogicalResult importWhere(GraphImporter &g) {
  if (failed(requireInputs(g, 3)))
    return failure();
  return g.emit<aigraph::WhereOp>(0, g.input(0),
                                          g.input(1), g.input(2));
}

LogicalResult castTo(GraphImporter &g, Type to) {
  Value x = g.input(0);
  Type from = typeOf(x).getElementType();
  auto supported = [](Type t) {
    return isa<FloatType>(t) || t.isSignlessInteger() ||
           t.isUnsignedInteger();
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

/// Reduction axes: an attribute before `inputSince`, else an optional input.
/// Returns the sorted, non-negative axes; none with noop_with_empty_axes
/// means identity (signalled by an empty result and `noop`).
FailureOr<SmallVector<int64_t>> reductionAxes(GraphImporter &g,
                                              int64_t inputSince, bool &noop) {
  int64_t rank = typeOf(g.input(0)).getRank();
  SmallVector<int64_t> axes;
  if (g.opset < inputSince) {
    axes = g.intsAttr("axes");
  } else if (g.hasInput(1)) {
    auto a = constInts(g, 1, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  }
  noop = false;
  if (axes.empty()) {
    if (g.opset >= inputSince && g.intAttr("noop_with_empty_axes", 0)) {
      noop = true;
      return axes;
    }
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
    return axes;
  }
  for (int64_t &a : axes) {
    auto n = normalizeAxis(g, a, rank);
    if (failed(n))
      return failure();
    a = *n;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

template <typename OpT>
LogicalResult importReduce(GraphImporter &g, int64_t inputSince = 18) {
  if (failed(requireInputs(g, 1)))
    return failure();
  bool noop;
  auto axes = reductionAxes(g, inputSince, noop);
  if (failed(axes))
    return failure();
  if (noop) {
    return g.emit<aigraph::IdentityOp>(0, g.input(0));
  }
  if (typeOf(g.input(0)).getRank() == 0) {
    return g.emit<aigraph::IdentityOp>(0, g.input(0));
  }
  return g.emit<OpT>(0, g.input(0),
                             g.builder.getDenseI64ArrayAttr(*axes),
                             g.builder.getBoolAttr(g.intAttr("keepdims", 1)));
}

template <typename OpT>
LogicalResult importArg(GraphImporter &g) {
  if (failed(requireInputs(g, 1)))
    return failure();
  auto axis = normalizeAxis(g, g.intAttr("axis", 0),
                            typeOf(g.input(0)).getRank());
  if (failed(axis))
    return failure();
  return g.emit<OpT>(0, g.input(0),
                     g.builder.getI64IntegerAttr(*axis),
                     g.builder.getBoolAttr(g.intAttr("keepdims", 1)),
                     g.builder.getBoolAttr(g.intAttr("select_last_index", 0)));
}

LogicalResult importExpand(GraphImporter &g) {
  if (failed(requireInputs(g, 2)))
    return failure();
  auto shape = constInts(g, 1, "the target shape");
  if (failed(shape))
    return failure();
  auto in = typeOf(g.input(0));
  if (failed(aigraph::broadcastShapes(in.getShape(), *shape)))
    return g.error() << "cannot expand " << in << " to the given shape";
  return g.emit<aigraph::ExpandOp>(0, g.input(0),
                     g.builder.getDenseI64ArrayAttr(*shape));
}

LogicalResult importConstantOfShape(GraphImporter &g) {
  auto shape = constInts(g, 0, "the shape");
  if (failed(shape))
    return failure();
  DenseElementsAttr value;
  if (const auto *a = g.attr("value")) {
    auto v = g.tensorToAttr(a->t());
    if (failed(v))
      return failure();
    value = *v;
  } else {
    auto t = RankedTensorType::get({1}, g.builder.getF32Type());
    value = DenseElementsAttr::get(t, 0.0f);
  }
  if (value.getNumElements() != 1)
    return g.error() << "value must hold one element";
  if (failed(g.checkTensorSize(*shape, value.getElementType(), "the output")))
    return failure();
  auto type = RankedTensorType::get(*shape, value.getElementType());
  g.setOutput(0, g.constant(DenseElementsAttr::get(
                     type, value.getSplatValue<Attribute>())));
  return success();
}

LogicalResult importSplit(GraphImporter &g) {
  if (failed(requireInputs(g, 1)))
    return failure();
  auto type = typeOf(g.input(0));
  auto axis = normalizeAxis(g, g.intAttr("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  int64_t dim = type.getDimSize(*axis);
  int64_t n = g.node->output_size();
  SmallVector<int64_t> sizes;
  if (g.opset < 13) {
    sizes = g.intsAttr("split");
  } else if (g.hasInput(1)) {
    auto s = constInts(g, 1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  }
  if (sizes.empty()) {
    int64_t parts = g.attr("num_outputs") ? g.intAttr("num_outputs", n) : n;
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0, left = dim; i < parts; ++i, left -= chunk)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, left)));
  }
  if ((int64_t)sizes.size() != n)
    return g.error() << "split has " << sizes.size() << " sizes for " << n
                     << " outputs";
  int64_t offset = 0;
  for (int64_t i = 0; i < n; ++i) {
    SmallVector<int64_t> starts(type.getRank(), 0), ends(type.getShape()),
        steps(type.getRank(), 1);
    starts[*axis] = offset;
    ends[*axis] = offset + sizes[i];
    offset += sizes[i];
    if (offset > dim)
      return g.error() << "split sizes exceed the dim (" << dim << ")";
    if (failed(g.emit<aigraph::SliceOp>(
            i, g.input(0), g.builder.getDenseI64ArrayAttr(starts),
            g.builder.getDenseI64ArrayAttr(ends),
            g.builder.getDenseI64ArrayAttr(steps))))
      return failure();
  }
  if (offset != dim)
    return g.error() << "split sizes sum to " << offset << ", the dim is "
                     << dim;
  return success();
}

LogicalResult importRange(GraphImporter &g) {
  DenseElementsAttr s = g.constantInput(0), l = g.constantInput(1),
                    d = g.constantInput(2);
  for (int i = 0; i < 3; ++i)
    if (!g.constantInput(i))
      return g.notConstant(i, "start, limit and delta",
                           "the output shape depends on them");
  Type et = s.getElementType();
  auto val = [](DenseElementsAttr a) {
    return isa<FloatType>(a.getElementType())
               ? (*a.getValues<APFloat>().begin()).convertToDouble()
               : (double)(*a.getValues<APInt>().begin()).getSExtValue();
  };
  double start = val(s), limit = val(l), delta = val(d);
  if (delta == 0 || !std::isfinite(start) || !std::isfinite(limit) ||
      !std::isfinite(delta))
    return g.error() << "start, limit and delta must be finite, delta not 0";
  double count = std::max(0.0, std::ceil((limit - start) / delta));
  // Counted before a single element is made: Range(0, 1e12, 1) is small
  // in the file and a terabyte in memory.
  if (count > 9e18 ||
      failed(g.checkTensorSize({(int64_t)count}, et, "the output")))
    return count > 9e18
               ? g.error() << "the output would have " << count << " elements"
               : failure();
  int64_t n = (int64_t)count;
  auto type = RankedTensorType::get({n}, et);
  unsigned bits = et.getIntOrFloatBitWidth();
  if (bits % 8)
    return g.error() << "element type " << et << " is not supported";
  // The values as raw little-endian bytes: one attribute per element would
  // cost far more than the tensor itself.
  size_t width = bits / 8;
  std::vector<char> raw(n * width);
  for (int64_t i = 0; i < n; ++i) {
    double v = start + i * delta;
    APInt word(bits, 0);
    if (auto ft = dyn_cast<FloatType>(et)) {
      APFloat f(v);
      bool lost;
      f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      word = f.bitcastToAPInt();
    } else {
      word = APInt(bits, (uint64_t)(int64_t)v, /*isSigned=*/true,
                   /*implicitTrunc=*/true);
    }
    for (size_t b = 0; b < width; ++b)
      raw[i * width + b] = (char)word.extractBitsAsZExtValue(8, 8 * b);
  }
  g.setOutput(0, g.constant(DenseElementsAttr::getFromRawBuffer(type, raw)));
  return success();
}

LogicalResult importSize(GraphImporter &g) {
  auto type = typeOf(g.input(0));
  if (!type.hasStaticShape())
    return g.error() << "needs a static shape";
  auto t = RankedTensorType::get({}, g.builder.getI64Type());
  g.setOutput(0, g.constant(DenseElementsAttr::get(
                     t, ArrayRef<int64_t>{type.getNumElements()})));
  return success();
}

} // namespace

LogicalResult importAttentionOp(GraphImporter &g);
LogicalResult importRMSNormalizationOp(GraphImporter &g);
LogicalResult importTriluOp(GraphImporter &g);
LogicalResult importPadOp(GraphImporter &g);
LogicalResult importCumSumOp(GraphImporter &g);
LogicalResult importSwishOp(GraphImporter &g);
LogicalResult importQuantizeLinearOp(GraphImporter &g);
LogicalResult importDequantizeLinearOp(GraphImporter &g);
LogicalResult importResizeOp(GraphImporter &g);
LogicalResult importTileOp(GraphImporter &g);
LogicalResult importDepthToSpaceOp(GraphImporter &g);
LogicalResult importSpaceToDepthOp(GraphImporter &g);
LogicalResult importHardmaxOp(GraphImporter &g);
LogicalResult importLpNormalizationOp(GraphImporter &g);
LogicalResult importOneHotOp(GraphImporter &g);
LogicalResult importGlobalMaxPoolOp(GraphImporter &g);
LogicalResult importInstanceNormalizationOp(GraphImporter &g);
LogicalResult importGatherElementsOp(GraphImporter &g);
LogicalResult importNLLLossOp(GraphImporter &g);
LogicalResult importSoftmaxCrossEntropyLossOp(GraphImporter &g);
LogicalResult importEinsumOp(GraphImporter &g);
LogicalResult importLpPoolOp(GraphImporter &g);
LogicalResult importCumProdOp(GraphImporter &g);
LogicalResult importEyeLikeOp(GraphImporter &g);
LogicalResult importCenterCropPadOp(GraphImporter &g);
LogicalResult importTensorScatterOp(GraphImporter &g);
LogicalResult importRotaryEmbeddingOp(GraphImporter &g);
LogicalResult importSwiGLUOp(GraphImporter &g);
LogicalResult importScatterElementsOp(GraphImporter &g);
LogicalResult importScatterNDOp(GraphImporter &g);
LogicalResult importGatherNDOp(GraphImporter &g);
LogicalResult importTopKOp(GraphImporter &g);
LogicalResult importConvTransposeOp(GraphImporter &g);
LogicalResult importDynamicQuantizeLinearOp(GraphImporter &g);
LogicalResult importMaxUnpoolOp(GraphImporter &g);
LogicalResult importReverseSequenceOp(GraphImporter &g);
LogicalResult importDetOp(GraphImporter &g);

OpImporter coreai::onnx_import::lookupMoreOpImporter(StringRef opType) {
  using namespace aigraph;
  return llvm::StringSwitch<OpImporter>(opType)
      .Case("Ceil", floatUnary<CeilOp>)
      .Case("Floor", floatUnary<FloorOp>)
      .Case("Round", floatUnary<RoundOp>)
      .Case("Reciprocal", floatUnary<ReciprocalOp>)
      .Case("Log", floatUnary<LogOp>)
      .Case("Sin", floatUnary<SinOp>)
      .Case("Cos", floatUnary<CosOp>)
      .Case("Tan", floatUnary<TanOp>)
      .Case("Asin", floatUnary<AsinOp>)
      .Case("Acos", floatUnary<AcosOp>)
      .Case("Atan", floatUnary<AtanOp>)
      .Case("Sinh", floatUnary<SinhOp>)
      .Case("Cosh", floatUnary<CoshOp>)
      .Case("Asinh", floatUnary<AsinhOp>)
      .Case("Acosh", floatUnary<AcoshOp>)
      .Case("Atanh", floatUnary<AtanhOp>)
      .Case("Softplus", floatUnary<SoftplusOp>)
      .Case("Softsign", floatUnary<SoftsignOp>)
      .Case("Mish", floatUnary<MishOp>)
      .Case("HardSwish", floatUnary<HardSwishOp>)
      .Case("Gelu", importGelu)
      .Case("Abs", anyUnary<AbsOp>)
      .Case("Neg", anyUnary<NegOp>)
      .Case("Sign", anyUnary<SignOp>)
      .Case("Not", anyUnary<NotOp>)
      .Case("BitwiseNot", anyUnary<BitwiseNotOp>)
      .Case("IsNaN", floatUnary<IsNaNOp>)
      .Case("IsInf", importIsInf)
      .Case("LeakyRelu",
            [](GraphImporter &g) {
              return paramUnary<LeakyReluOp>(g, "alpha", 0.01, nullptr, 0);
            })
      .Case("Elu",
            [](GraphImporter &g) {
              return paramUnary<EluOp>(g, "alpha", 1.0, nullptr, 0);
            })
      .Case("Selu",
            [](GraphImporter &g) {
              return paramUnary<SeluOp>(g, "alpha", 1.67326319217681884765625,
                                        "gamma", 1.05070102214813232421875);
            })
      .Case("Celu",
            [](GraphImporter &g) {
              return paramUnary<CeluOp>(g, "alpha", 1.0, nullptr, 0);
            })
      .Case("HardSigmoid",
            [](GraphImporter &g) {
              return paramUnary<HardSigmoidOp>(g, "alpha", 0.2, "beta", 0.5);
            })
      .Case("ThresholdedRelu",
            [](GraphImporter &g) {
              return paramUnary<ThresholdedReluOp>(g, "alpha", 1.0, nullptr, 0);
            })
      .Case("Shrink",
            [](GraphImporter &g) {
              return paramUnary<ShrinkOp>(g, "bias", 0.0, "lambd", 0.5);
            })
      .Case("Pow", importPow)
      .Case("Max", [](GraphImporter &g) { return variadic<MaxOp>(g); })
      .Case("Min", [](GraphImporter &g) { return variadic<MinOp>(g); })
      .Case("Sum", [](GraphImporter &g) { return variadic<AddOp>(g); })
      .Case("Mean", [](GraphImporter &g) { return variadic<AddOp>(g, true); })
      .Case("Mod", importMod)
      .Case("PRelu", sameTypeBinary<PReluOp>)
      .Case("And", sameTypeBinary<AndOp>)
      .Case("Or", sameTypeBinary<OrOp>)
      .Case("Xor", sameTypeBinary<XorOp>)
      .Case("BitwiseAnd", sameTypeBinary<BitwiseAndOp>)
      .Case("BitwiseOr", sameTypeBinary<BitwiseOrOp>)
      .Case("BitwiseXor", sameTypeBinary<BitwiseXorOp>)
      .Case("BitShift", importBitShift)
      .Case("Equal", sameTypeBinary<EqualOp>)
      .Case("Less", sameTypeBinary<LessOp>)
      .Case("LessOrEqual", sameTypeBinary<LessEqualOp>)
      .Case("Greater", sameTypeBinary<GreaterOp>)
      .Case("GreaterOrEqual", sameTypeBinary<GreaterEqualOp>)
      .Case("Where", importWhere)
      .Case("Cast", importCast)
      .Case("CastLike", importCastLike)
      .Case("BitCast", importBitCast)
      .Case("ReduceSum",
            [](GraphImporter &g) { return importReduce<ReduceSumOp>(g, 13); })
      .Case("ReduceMean", [](GraphImporter &g) {
        return importReduce<ReduceMeanOp>(g);
      })
      .Case("ReduceMax",
            [](GraphImporter &g) { return importReduce<ReduceMaxOp>(g); })
      .Case("ReduceMin",
            [](GraphImporter &g) { return importReduce<ReduceMinOp>(g); })
      .Case("ReduceProd",
            [](GraphImporter &g) { return importReduce<ReduceProdOp>(g); })
      .Case("ReduceL1",
            [](GraphImporter &g) { return importReduce<ReduceL1Op>(g); })
      .Case("ReduceL2",
            [](GraphImporter &g) { return importReduce<ReduceL2Op>(g); })
      .Case("ReduceSumSquare", [](GraphImporter &g) {
        return importReduce<ReduceSumSquareOp>(g);
      })
      .Case("ReduceLogSum",
            [](GraphImporter &g) { return importReduce<ReduceLogSumOp>(g); })
      .Case("ReduceLogSumExp", [](GraphImporter &g) {
        return importReduce<ReduceLogSumExpOp>(g);
      })
      .Case("ArgMax", importArg<ArgMaxOp>)
      .Case("ArgMin", importArg<ArgMinOp>)
      .Case("Expand", importExpand)
      .Case("ConstantOfShape", importConstantOfShape)
      .Case("Split", importSplit)
      .Case("Range", importRange)
      .Case("Size", importSize)
      .Case("Attention", importAttentionOp)
      .Case("RMSNormalization", importRMSNormalizationOp)
      .Case("Trilu", importTriluOp)
      .Case("Pad", importPadOp)
      .Case("CumSum", importCumSumOp)
      .Case("Swish", importSwishOp)
      .Case("QuantizeLinear", importQuantizeLinearOp)
      .Case("DequantizeLinear", importDequantizeLinearOp)
      .Case("Resize", importResizeOp)
      .Case("Upsample", importResizeOp)
      .Case("Tile", importTileOp)
      .Case("DepthToSpace", importDepthToSpaceOp)
      .Case("SpaceToDepth", importSpaceToDepthOp)
      .Case("Hardmax", importHardmaxOp)
      .Case("LpNormalization", importLpNormalizationOp)
      .Case("OneHot", importOneHotOp)
      .Case("GlobalMaxPool", importGlobalMaxPoolOp)
      .Case("InstanceNormalization", importInstanceNormalizationOp)
      .Case("GatherElements", importGatherElementsOp)
      .Case("NegativeLogLikelihoodLoss", importNLLLossOp)
      .Case("SoftmaxCrossEntropyLoss", importSoftmaxCrossEntropyLossOp)
      .Case("Einsum", importEinsumOp)
      .Case("LpPool", importLpPoolOp)
      .Case("CumProd", importCumProdOp)
      .Case("EyeLike", importEyeLikeOp)
      .Case("CenterCropPad", importCenterCropPadOp)
      .Case("TensorScatter", importTensorScatterOp)
      .Case("RotaryEmbedding", importRotaryEmbeddingOp)
      .Case("SwiGLU", importSwiGLUOp)
      .Case("ScatterElements", importScatterElementsOp)
      .Case("ScatterND", importScatterNDOp)
      .Case("GatherND", importGatherNDOp)
      .Case("TopK", importTopKOp)
      .Case("ConvTranspose", importConvTransposeOp)
      .Case("DynamicQuantizeLinear", importDynamicQuantizeLinearOp)
      .Case("MaxUnpool", importMaxUnpoolOp)
      .Case("ReverseSequence", importReverseSequenceOp)
      .Case("Det", importDetOp)
      .Case("Scatter", importScatterElementsOp)
      .Default(nullptr);
}

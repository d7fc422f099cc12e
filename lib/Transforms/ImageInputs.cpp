//===- ImageInputs.cpp - Inputs fed with pixel buffers --------------------===//
#include "lib/Transforms/ImageInputSpec.h"
#include "lib/Transforms/Passes.h"

#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/DebugStringHelper.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_IMAGEINPUTS
#include "lib/Transforms/Passes.h.inc"
} // namespace coreai

namespace {

struct ImageInputs : coreai::impl::ImageInputsBase<ImageInputs> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (const std::string &text : inputs) {
      coreai::ImageInputSpec spec;
      std::string error;
      if (!coreai::parseImageInputSpec(text, spec, error)) {
        module.emitError("image input: ") << error;
        return signalPassFailure();
      }
      // The functions with an input of that name.
      bool found = false;
      std::string names;
      for (auto func : module.getOps<func::FuncOp>()) {
        if (func.isExternal())
          continue;
        int64_t numInputs =
            coreai::numModelInputs(func, func.getNumArguments());
        for (unsigned i = 0; i < numInputs; ++i) {
          auto name = func.getArgAttrOfType<StringAttr>(i, coreai::kNameAttr);
          if (!name)
            continue;
          names += (names.empty() ? "'" : ", '") + name.str() + "'";
          if (name.getValue() != spec.input)
            continue;
          found = true;
          if (failed(convert(func, i, spec)))
            return signalPassFailure();
        }
      }
      if (!found) {
        module.emitError("image input: the model has no input '")
            << spec.input << "' (it has " << (names.empty() ? "none" : names)
            << ")";
        return signalPassFailure();
      }
    }
  }

  LogicalResult convert(func::FuncOp func, unsigned index,
                        const coreai::ImageInputSpec &spec) {
    BlockArgument arg = func.getArgument(index);
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    int64_t channels = spec.modelChannels();
    if (!type || !type.hasStaticShape() || type.getRank() != 4 ||
        !type.getElementType().isF32() || type.getDimSize(1) != channels)
      return emitError(arg.getLoc(), "image input '")
             << spec.input << "' is " << debugString(arg.getType()) << "; a "
             << spec.format << " image input needs float32 [N, " << channels
             << ", H, W]";
    if (func.getArgAttr(index, coreai::kImageAttr))
      return func.emitError("image input: '")
             << spec.input << "' is given twice";

    MLIRContext *ctx = &getContext();
    int64_t n = type.getDimSize(0), h = type.getDimSize(2),
            w = type.getDimSize(3), bytes = spec.pixelBytes();
    Type f32 = Float32Type::get(ctx);
    auto pixels = RankedTensorType::get(
        {n, h, w, bytes}, IntegerType::get(ctx, 8, IntegerType::Unsigned));
    Location loc =
        NameLoc::get(StringAttr::get(ctx, spec.input),
                     NameLoc::get(StringAttr::get(ctx, "ImageInput")));
    OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
    arg.setType(pixels);
    auto asFloat = coreai::aigraph::CastOp::create(
        b, loc, RankedTensorType::get({n, h, w, bytes}, f32), arg,
        TypeAttr::get(f32));
    Value nhwc = asFloat;
    // The model's channels in its order: BGR swapped, alpha dropped.
    bool identity = bytes == channels && spec.bufferChannel(0) == 0;
    if (!identity) {
      SmallVector<Value> planes;
      auto plane = RankedTensorType::get({n, h, w, 1}, f32);
      for (int64_t c = 0; c < channels; ++c) {
        int64_t from = spec.bufferChannel(c);
        planes.push_back(coreai::aigraph::SliceOp::create(
            b, loc, plane, nhwc, b.getDenseI64ArrayAttr({0, 0, 0, from}),
            b.getDenseI64ArrayAttr({n, h, w, from + 1}),
            b.getDenseI64ArrayAttr({1, 1, 1, 1})));
      }
      nhwc = channels == 1
                 ? planes.front()
                 : coreai::aigraph::ConcatOp::create(
                       b, loc, RankedTensorType::get({n, h, w, channels}, f32),
                       planes, b.getI64IntegerAttr(3))
                       .getResult();
    }
    Value nchw = coreai::aigraph::TransposeOp::create(
        b, loc, type, nhwc, b.getDenseI64ArrayAttr({0, 3, 1, 2}));
    // (pixel * scale - mean) / std as one multiply-add per channel.
    SmallVector<float> factor, offset;
    for (int64_t c = 0; c < channels; ++c) {
      factor.push_back((float)(spec.scale / spec.std[c]));
      offset.push_back((float)(-spec.mean[c] / spec.std[c]));
    }
    auto perChannel = RankedTensorType::get({1, channels, 1, 1}, f32);
    Value factorC = coreai::aigraph::ConstantOp::create(
        b, loc, perChannel,
        DenseElementsAttr::get(perChannel, ArrayRef<float>(factor)));
    Value offsetC = coreai::aigraph::ConstantOp::create(
        b, loc, perChannel,
        DenseElementsAttr::get(perChannel, ArrayRef<float>(offset)));
    Value scaled = coreai::aigraph::MulOp::create(b, loc, type, nchw, factorC);
    Value normalized =
        coreai::aigraph::AddOp::create(b, loc, type, scaled, offsetC);
    arg.replaceAllUsesExcept(normalized, asFloat);

    // Named dims move with the layout: [N, C, H, W] -> [N, H, W, pixel].
    if (auto names =
            func.getArgAttrOfType<ArrayAttr>(index, coreai::kDimNamesAttr);
        names && names.size() == 4)
      func.setArgAttr(
          index, coreai::kDimNamesAttr,
          b.getArrayAttr({names[0], names[2], names[3], b.getStringAttr("")}));
    SmallVector<Type> argTypes(func.getBody().front().getArgumentTypes());
    func.setType(FunctionType::get(ctx, argTypes, func.getResultTypes()));
    auto doubles = [&](ArrayRef<double> v) { return b.getF64ArrayAttr(v); };
    func.setArgAttr(
        index, coreai::kImageAttr,
        b.getDictionaryAttr(
            {b.getNamedAttr("format", b.getStringAttr(spec.format)),
             b.getNamedAttr("mean", doubles(spec.mean)),
             b.getNamedAttr("std", doubles(spec.std)),
             b.getNamedAttr("scale", b.getF64FloatAttr(spec.scale))}));
    return success();
  }
};

} // namespace

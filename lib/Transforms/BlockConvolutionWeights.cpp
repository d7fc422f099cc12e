//===- BlockConvolutionWeights.cpp - Small-image conv weights in blocks ---===//
//
// The CPU kernels vectorize an NCHW convolution along its image: a row of a
// 7x7 output fills 7 of 16 lanes, and the flattened padded image that
// coreai-cpu-vectorize-contractions falls back to still leaves 23% of them
// idle (49 of 64) at 7x7 and 12% at 14x14, where ResNets and MobileNets do a
// third of their work. Along the output channels, a multiple of 16, every
// lane is used, but the weights must then be read along F, which the stored
// [F, C, KH, KW] layout holds 4*C*KH*KW bytes apart. Stored in blocks of
// output channels, Wb[F / B, C, KH, KW, B], each block's weights are one
// contiguous stream in the order the kernel reads them. The block layout is
// made here, at compile time, and stays visible to the CPU's lowering as a
// transpose and reshape of the stored constant, which any other consumer
// can also compute. Only constants that every user reads this way are
// rewritten, so the bundle never holds both layouts.
//
//===----------------------------------------------------------------------===//
#include "lib/Transforms/Passes.h"

#include "dialects/AIGraph/AIGraph.h"
#include "dialects/AIGraph/AttributeNames.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"

#include <vector>

using namespace mlir;
namespace ag = coreai::aigraph;

namespace coreai {
#define GEN_PASS_DEF_BLOCKCONVOLUTIONWEIGHTS
#include "lib/Transforms/Passes.h.inc"
} // namespace coreai

namespace {

/// `weights` [F, C, KH, KW] as [F / block, C, KH, KW, block].
DenseElementsAttr blocked(DenseElementsAttr weights, int64_t block) {
  auto type = cast<RankedTensorType>(weights.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t f = shape[0], inner = shape[1] * shape[2] * shape[3];
  auto result = RankedTensorType::get(
      {f / block, shape[1], shape[2], shape[3], block}, type.getElementType());
  if (weights.isSplat())
    return weights.reshape(result);
  ArrayRef<float> in(
      reinterpret_cast<const float *>(weights.getRawData().data()),
      weights.getNumElements());
  std::vector<float> out(in.size());
  for (int64_t o = 0; o < f; ++o)
    for (int64_t k = 0; k < inner; ++k)
      out[((o / block) * inner + k) * block + o % block] = in[o * inner + k];
  return DenseElementsAttr::get(result, ArrayRef<float>(out));
}

struct BlockConvolutionWeights
    : coreai::impl::BlockConvolutionWeightsBase<BlockConvolutionWeights> {
  using BlockConvolutionWeightsBase::BlockConvolutionWeightsBase;

  /// Whether `use` is the f32 weight operand of an ungrouped 2-D
  /// convolution with static shapes whose output channels fill whole
  /// blocks, over an output image of at most maxPixels pixels, or
  /// maxPointwisePixels for a 1x1 kernel. A 1x1 convolution over a larger
  /// image runs better as the matmul over the flattened image (87.5% of the
  /// lanes at 14x14, and its epilogue fused), whose input it streams instead
  /// of broadcasting pixels C planes apart (mobilenet_v2's 14x14 1x1
  /// convolutions took 1.8x longer blocked).
  bool readsBlocked(OpOperand &use) {
    auto conv = dyn_cast<ag::ConvOp>(use.getOwner());
    if (!conv || &use != &conv.getWeightMutable() || conv.getGroup() != 1)
      return false;
    auto weight = dyn_cast<RankedTensorType>(conv.getWeight().getType());
    auto out = dyn_cast<RankedTensorType>(conv.getType());
    auto in = dyn_cast<RankedTensorType>(conv.getInput().getType());
    return weight && out && in && weight.hasStaticShape() &&
           out.hasStaticShape() && in.hasStaticShape() &&
           weight.getElementType().isF32() && weight.getRank() == 4 &&
           weight.getDimSize(0) % block == 0 && weight.getNumElements() > 0 &&
           out.getDimSize(2) * out.getDimSize(3) <=
               (weight.getDimSize(2) * weight.getDimSize(3) == 1
                    ? maxPointwisePixels
                    : maxPixels);
  }

  void runOnOperation() override {
    if (block < 1 || getOperation()->hasAttr(coreai::kShapeGroupAttr))
      return;
    SmallVector<ag::ConstantOp> constants;
    getOperation().walk(
        [&](ag::ConstantOp constant) { constants.push_back(constant); });
    for (ag::ConstantOp constant : constants) {
      Value weights = constant.getResult();
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (weights.use_empty() || !dense ||
          !llvm::all_of(weights.getUses(),
                        [&](OpOperand &use) { return readsBlocked(use); }))
        continue;
      auto type = cast<RankedTensorType>(weights.getType());
      ArrayRef<int64_t> shape = type.getShape();
      OpBuilder b(constant);
      Location loc = constant.getLoc();
      auto stored = ag::ConstantOp::create(b, loc, blocked(dense, block));
      auto transposedType = RankedTensorType::get(
          {shape[0] / block, block, shape[1], shape[2], shape[3]},
          type.getElementType());
      Value transposed =
          ag::TransposeOp::create(b, loc, transposedType, stored,
                                  b.getDenseI64ArrayAttr({0, 4, 1, 2, 3}));
      Value filter = ag::ReshapeOp::create(b, loc, type, transposed,
                                           b.getDenseI64ArrayAttr(shape));
      for (Value layout : {transposed, filter})
        layout.getDefiningOp()->setAttr(coreai::kWeightLayoutAttr,
                                        b.getUnitAttr());
      weights.replaceAllUsesWith(filter);
      constant.erase();
    }
  }
};

} // namespace

//===- ANEOps.cpp - Verifiers of the neural engine's layers ---------------===//
#include "dialects/ANE/ANE.h"
#include "lib/NeuralEngine/TensorLayout.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace coreai::ane;

#include "dialects/ANE/ANEEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/ANE/ANEAttributes.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/ANE/ANEOps.cpp.inc"

void ANEDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/ANE/ANEAttributes.cpp.inc"
      >();
}

namespace {

/// Tiles split the output's rows and channels (TensorLayout.h).
LogicalResult verifyTile(Operation *op, std::optional<int64_t> rows,
                         std::optional<int64_t> channels) {
  ArrayRef<int64_t> shape =
      cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  coreai::runtime::ane::TileGeometry g =
      coreai::runtime::ane::tileGeometry({shape.begin(), shape.end()});
  int64_t h = g.rows, c = g.channels;
  if (rows && (*rows < 1 || *rows > h))
    return op->emitOpError("tile_rows ")
           << *rows << " is not within [1, " << h << "]";
  if (channels && (*channels < 1 || *channels > c))
    return op->emitOpError("tile_channels ")
           << *channels << " is not within [1, " << c << "]";
  return success();
}

LogicalResult verifyFusion(Operation *op, std::optional<ActivationKind> kind,
                           std::optional<APFloat> lo,
                           std::optional<APFloat> hi) {
  if (!kind)
    return success();
  if (*kind != ActivationKind::relu && *kind != ActivationKind::clip)
    return op->emitOpError("fused_activation must be relu or clip, not ")
           << stringifyActivationKind(*kind);
  if (*kind == ActivationKind::clip && (!lo || !hi))
    return op->emitOpError("a fused clip needs fused_min and fused_max");
  return success();
}

LogicalResult verifyRank(Operation *op, Value v, int64_t rank, StringRef what) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getRank() != rank)
    return op->emitOpError()
           << what << " must have rank " << rank << ", not " << t.getRank();
  return success();
}

} // namespace

LogicalResult ConvertOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getShape() != out.getShape())
    return emitOpError("input and output shapes differ");
  if (in.getElementType() == out.getElementType())
    return emitOpError("converts between f32 and f16, not to the same type");
  return success();
}

LogicalResult ConvOp::verify() {
  if (failed(verifyRank(*this, getInput(), 4, "input")) ||
      failed(verifyRank(*this, getWeight(), 4, "weight")) ||
      failed(verifyRank(*this, getOutput(), 4, "output")))
    return failure();
  if (getStrides().size() != 2 || getDilations().size() != 2 ||
      getPads().size() != 4)
    return emitOpError("needs 2 strides, 2 dilations and 4 pads");
  if (llvm::any_of(getStrides(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(getDilations(), [](int64_t d) { return d < 1; }))
    return emitOpError("strides and dilations must be positive");
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> w = getWeight().getType().getShape();
  ArrayRef<int64_t> out = getOutput().getType().getShape();
  int64_t g = getGroups();
  if (g < 1 || in[1] % g || w[0] % g || in[1] / g != w[1])
    return emitOpError("weight [F, C / groups, KH, KW] does not match ")
           << in[1] << " input channels in " << g << " groups";
  if (out[0] != in[0] || out[1] != w[0])
    return emitOpError("output must be [N, F, OH, OW]");
  for (int d = 0; d < 2; ++d) {
    int64_t span = getDilations()[d] * (w[2 + d] - 1) + 1;
    int64_t expect =
        (in[2 + d] + getPads()[d] + getPads()[2 + d] - span) / getStrides()[d] +
        1;
    if (out[2 + d] != expect)
      return emitOpError("output spatial dim ")
             << d << " is " << out[2 + d] << ", expected " << expect;
  }
  if (getBias() && getBias().getType().getShape() != ArrayRef<int64_t>{w[0]})
    return emitOpError("bias must be [F]");
  if (failed(verifyFusion(*this, getFusedActivation(), getFusedMin(),
                          getFusedMax())))
    return failure();
  return verifyTile(*this, getTileRows(), getTileChannels());
}

LogicalResult MatMulOp::verify() {
  if (failed(verifyRank(*this, getInput(), 2, "input")) ||
      failed(verifyRank(*this, getWeight(), 2, "weight")))
    return failure();
  ArrayRef<int64_t> a = getInput().getType().getShape();
  ArrayRef<int64_t> b = getWeight().getType().getShape();
  if (a[1] != b[0])
    return emitOpError("input [M, K] and weight [K, N] disagree on K");
  if (getOutput().getType().getShape() != ArrayRef<int64_t>{a[0], b[1]})
    return emitOpError("output must be [M, N]");
  if (getBias() && getBias().getType().getShape() != ArrayRef<int64_t>{b[1]})
    return emitOpError("bias must be [N]");
  if (failed(verifyFusion(*this, getFusedActivation(), getFusedMin(),
                          getFusedMax())))
    return failure();
  return verifyTile(*this, getTileRows(), getTileChannels());
}

LogicalResult ElementwiseOp::verify() {
  auto lhs = getLhs().getType(), rhs = getRhs().getType();
  if (getOutput().getType() != lhs)
    return emitOpError("output must have lhs's type");
  bool perChannel =
      rhs.getRank() == 1 && lhs.getRank() >= 1 &&
      rhs.getDimSize(0) ==
          lhs.getDimSize(coreai::runtime::ane::channelDim(lhs.getRank()));
  if (rhs != lhs && !perChannel)
    return emitOpError("rhs must have lhs's shape or be one value per channel");
  if (failed(verifyFusion(*this, getFusedActivation(), getFusedMin(),
                          getFusedMax())))
    return failure();
  return verifyTile(*this, getTileRows(), getTileChannels());
}

LogicalResult ActivationOp::verify() {
  ActivationKind k = getKind();
  if (getOutput().getType() != getInput().getType())
    return emitOpError("output must have the input's type");
  if (k == ActivationKind::clip && (!getMin() || !getMax()))
    return emitOpError("clip needs min and max");
  if (k != ActivationKind::relu && k != ActivationKind::clip &&
      (!getTableEntries() || *getTableEntries() < 2))
    return emitOpError("a table-driven activation needs table_entries >= 2");
  return verifyTile(*this, getTileRows(), getTileChannels());
}

LogicalResult PoolOp::verify() {
  if (failed(verifyRank(*this, getInput(), 4, "input")))
    return failure();
  if (getKernel().size() != 2 || getStrides().size() != 2 ||
      getPads().size() != 4)
    return emitOpError("needs a 2-D kernel, 2 strides and 4 pads");
  if (llvm::any_of(getStrides(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(getKernel(), [](int64_t k) { return k < 1; }))
    return emitOpError("strides and kernel must be positive");
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> out = getOutput().getType().getShape();
  if (out.size() != 4 || out[0] != in[0] || out[1] != in[1])
    return emitOpError("output must be [N, C, OH, OW]");
  for (int d = 0; d < 2; ++d) {
    int64_t expect =
        (in[2 + d] + getPads()[d] + getPads()[2 + d] - getKernel()[d]) /
            getStrides()[d] +
        1;
    if (out[2 + d] != expect)
      return emitOpError("output spatial dim ")
             << d << " is " << out[2 + d] << ", expected " << expect;
  }
  return verifyTile(*this, getTileRows(), getTileChannels());
}

LogicalResult SoftmaxOp::verify() {
  if (getOutput().getType() != getInput().getType())
    return emitOpError("output must have the input's type");
  if (getInput().getType().getRank() < 1)
    return emitOpError("input must have an axis");
  return verifyTile(*this, getTileRows(), getTileChannels());
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  auto out = getOutput().getType();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= out.getRank())
    return emitOpError("axis ") << axis << " is out of range";
  int64_t sum = 0;
  for (Value v : getInputs()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != out.getRank())
      return emitOpError("inputs must have the output's rank");
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != out.getDimSize(d))
        return emitOpError("inputs differ from the output in dim ") << d;
    sum += t.getDimSize(axis);
  }
  if (sum != out.getDimSize(axis))
    return emitOpError("inputs sum to ")
           << sum << " along the axis, the output has " << out.getDimSize(axis);
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (getInput().getType().getNumElements() !=
      getOutput().getType().getNumElements())
    return emitOpError("input and output element counts differ");
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  // A reshape of a reshape is one reshape of the first input.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

LogicalResult BatchMatMulOp::verify() {
  if (failed(verifyRank(*this, getLhs(), 3, "lhs")) ||
      failed(verifyRank(*this, getRhs(), 3, "rhs")))
    return failure();
  ArrayRef<int64_t> a = getLhs().getType().getShape();
  ArrayRef<int64_t> b = getRhs().getType().getShape();
  if (a[0] != b[0] || a[2] != b[1])
    return emitOpError("lhs [B, M, K] and rhs [B, K, N] disagree");
  if (getOutput().getType().getShape() != ArrayRef<int64_t>{a[0], a[1], b[2]})
    return emitOpError("output must be [B, M, N]");
  return verifyTile(*this, getTileRows(), getTileChannels());
}

LogicalResult LayerNormOp::verify() {
  auto in = getInput().getType();
  if (getOutput().getType() != in)
    return emitOpError("output must have the input's type");
  if (in.getRank() < 1)
    return emitOpError("input must have an axis");
  int64_t channels = in.getShape().back();
  ArrayRef<int64_t> c(channels);
  if (getScale().getType().getShape() != c ||
      (getBias() && getBias().getType().getShape() != c))
    return emitOpError("scale and bias must be [C] for the last axis");
  return verifyTile(*this, getTileRows(), getTileChannels());
}

LogicalResult TransposeOp::verify() {
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> out = getOutput().getType().getShape();
  ArrayRef<int64_t> perm = getPerm();
  if (perm.size() != in.size() || out.size() != in.size())
    return emitOpError("perm must have one entry per dim");
  SmallVector<bool> seen(in.size(), false);
  for (size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] < 0 || perm[i] >= (int64_t)in.size() || seen[perm[i]])
      return emitOpError("perm is not a permutation");
    seen[perm[i]] = true;
    if (out[i] != in[perm[i]])
      return emitOpError("output dim ")
             << i << " must be input dim " << perm[i];
  }
  return success();
}

LogicalResult SliceOp::verify() {
  ArrayRef<int64_t> in = getInput().getType().getShape();
  ArrayRef<int64_t> out = getOutput().getType().getShape();
  ArrayRef<int64_t> starts = getStarts();
  if (starts.size() != in.size() || out.size() != in.size())
    return emitOpError("needs one start per dim");
  for (size_t i = 0; i < in.size(); ++i)
    if (starts[i] < 0 || starts[i] + out[i] > in[i])
      return emitOpError("the box leaves the input in dim ") << i;
  return success();
}

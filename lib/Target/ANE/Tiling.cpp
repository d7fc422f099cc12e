//===- Tiling.cpp - A layer's tile loop, working set and DMA traffic ------===//
#include "lib/Target/ANE/Tiling.h"

#include "dialects/ANE/ANE.h"
#include "lib/NeuralEngine/CycleModel.h"

#include "mlir/IR/BuiltinTypes.h"

#include <algorithm>

using namespace mlir;
namespace ane = coreai::ane;
using coreai::runtime::ane::EngineDescription;

namespace coreai::anelower {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t align(const EngineDescription &e, int64_t bytes) {
  return ceilDiv(bytes, e.rowAlignmentBytes) * e.rowAlignmentBytes;
}

/// Bytes of a whole tensor in the engine's layout (innermost rows padded).
int64_t tensorBytes(const EngineDescription &e, Type type) {
  auto t = cast<RankedTensorType>(type);
  int64_t elem = t.getElementTypeBitWidth() / 8;
  if (t.getRank() == 0)
    return align(e, elem);
  int64_t rows = t.getNumElements() / std::max<int64_t>(t.getShape().back(), 1);
  return rows * align(e, t.getShape().back() * elem);
}

/// The dims a layer's tiles split, as the cycle model sees them.
coreai::runtime::ane::TileGeometry geometryOf(RankedTensorType out) {
  return coreai::runtime::ane::tileGeometry(
      {out.getShape().begin(), out.getShape().end()});
}

/// Input rows a window of `kernel` (dilated) needs for `rows` output rows.
int64_t windowRows(int64_t rows, int64_t stride, int64_t dilation,
                   int64_t kernel, int64_t inputRows) {
  return std::min(inputRows, (rows - 1) * stride + dilation * (kernel - 1) + 1);
}

} // namespace

int64_t TilePlan::dmaBytes() const {
  int64_t sum = 0;
  for (const DmaPlan &d : dmas)
    sum += d.bytes * d.count;
  return sum;
}

bool isTiled(Operation *op) {
  return isa<ane::ConvOp, ane::MatMulOp, ane::BatchMatMulOp, ane::ElementwiseOp,
             ane::ActivationOp, ane::PoolOp, ane::SoftmaxOp, ane::LayerNormOp>(
      op);
}

TilePlan planLayer(Operation *op, const EngineDescription &e, int64_t rows,
                   int64_t channels) {
  TilePlan p;
  auto out = cast<RankedTensorType>(op->getResult(0).getType());
  p.outputs = out.getNumElements();
  if (!isTiled(op)) {
    // One pass: every operand read, the result written (convert, concat,
    // transpose; a slice reads only its box).
    bool box = isa<ane::SliceOp>(op);
    for (unsigned i = 0; i < op->getNumOperands(); ++i)
      p.dmas.push_back({i, true,
                        tensorBytes(e, box ? out : op->getOperand(i).getType()),
                        1});
    p.dmas.push_back({DmaPlan::kResult, false, tensorBytes(e, out), 1});
    if (isa<ane::ConcatOp, ane::TransposeOp, ane::SliceOp>(op))
      p.outputs = 0; // data movement only
    return p;
  }

  coreai::runtime::ane::TileGeometry g = geometryOf(out);
  bool nchw = out.getRank() == 4;
  p.rows = std::clamp<int64_t>(rows, 1, g.rows);
  p.channels = std::clamp<int64_t>(channels, 1, g.channels);
  int64_t rowTiles = ceilDiv(g.rows, p.rows);
  int64_t chanTiles = ceilDiv(g.channels, p.channels);
  p.tiles = g.planes * rowTiles * chanTiles;
  p.streamWeights = chanTiles > 1;
  // An activation-sized tile: rows x channels of the output's layout.
  auto actTile = [&](int64_t r, int64_t c, int64_t width) {
    return nchw ? c * r * align(e, width * 2) : r * align(e, c * 2);
  };
  int64_t outTile = actTile(p.rows, p.channels, g.width);
  auto perTile = [&](unsigned operand, int64_t bytes) {
    p.dmas.push_back({operand, true, bytes, p.tiles});
    p.sramBytes += bytes;
  };
  auto weights = [&](unsigned operand, int64_t bytes) {
    p.dmas.push_back(
        {operand, true, bytes, p.streamWeights ? g.planes * chanTiles : 1});
    p.sramBytes += bytes;
  };

  if (auto conv = dyn_cast<ane::ConvOp>(op)) {
    ArrayRef<int64_t> in = conv.getInput().getType().getShape();
    ArrayRef<int64_t> w = conv.getWeight().getType().getShape();
    int64_t groups = conv.getGroups(), perGroup = w[0] / groups;
    int64_t inC =
        groups == 1
            ? in[1]
            : std::min(in[1], ceilDiv(p.channels, perGroup) * (in[1] / groups));
    int64_t inRows = windowRows(p.rows, conv.getStrides()[0],
                                conv.getDilations()[0], w[2], in[2]);
    perTile(0, inC * inRows * align(e, in[3] * 2));
    weights(1, p.channels * align(e, w[1] * w[2] * w[3] * 2));
    if (conv.getBias())
      weights(2, align(e, p.channels * 2));
    p.reduction = w[1] * w[2] * w[3];
  } else if (auto mm = dyn_cast<ane::MatMulOp>(op)) {
    int64_t k = mm.getInput().getType().getDimSize(1);
    perTile(0, p.rows * align(e, k * 2));
    weights(1, k * align(e, p.channels * 2));
    if (mm.getBias())
      weights(2, align(e, p.channels * 2));
    p.reduction = k;
  } else if (auto bmm = dyn_cast<ane::BatchMatMulOp>(op)) {
    // The right operand is per batch: a [K, tile] slice for every plane
    // and channel tile, like streamed weights.
    int64_t k = bmm.getLhs().getType().getDimSize(2);
    perTile(0, p.rows * align(e, k * 2));
    int64_t slice = k * align(e, p.channels * 2);
    p.dmas.push_back({1, true, slice, g.planes * chanTiles});
    p.sramBytes += slice;
    p.streamWeights = true;
    p.reduction = k;
  } else if (auto ln = dyn_cast<ane::LayerNormOp>(op)) {
    perTile(0, outTile);
    weights(1, align(e, p.channels * 2));
    if (ln.getBias())
      weights(2, align(e, p.channels * 2));
    p.reduction = 4; // mean, variance, normalize, scale and shift
  } else if (auto ew = dyn_cast<ane::ElementwiseOp>(op)) {
    perTile(0, outTile);
    bool perChannel = ew.getRhs().getType() != ew.getLhs().getType();
    perTile(1, perChannel ? align(e, p.channels * 2) : outTile);
  } else if (auto pool = dyn_cast<ane::PoolOp>(op)) {
    ArrayRef<int64_t> in = pool.getInput().getType().getShape();
    int64_t inRows =
        windowRows(p.rows, pool.getStrides()[0], 1, pool.getKernel()[0], in[2]);
    perTile(0, p.channels * inRows * align(e, in[3] * 2));
    p.reduction = pool.getKernel()[0] * pool.getKernel()[1];
  } else if (isa<ane::SoftmaxOp>(op)) {
    perTile(0, outTile);
    p.reduction = 3; // max, sum of exponentials, scale
  } else {
    perTile(0, outTile); // activation
  }
  p.dmas.push_back({DmaPlan::kResult, false, outTile, p.tiles});
  p.sramBytes += outTile;
  return p;
}

TilePlan planRecorded(Operation *op, const EngineDescription &e) {
  auto rows = op->getAttrOfType<IntegerAttr>("tile_rows");
  auto channels = op->getAttrOfType<IntegerAttr>("tile_channels");
  return planLayer(op, e, rows ? rows.getInt() : 1,
                   channels ? channels.getInt() : 1);
}

FailureOr<TilePlan> chooseTile(Operation *op, const EngineDescription &e,
                               std::string &why) {
  coreai::runtime::ane::TileGeometry g =
      geometryOf(cast<RankedTensorType>(op->getResult(0).getType()));
  // Softmax and normalization need whole rows of their axis in SRAM.
  std::vector<int64_t> channelChoices;
  for (int64_t c = g.channels;; c = ceilDiv(c, 2)) {
    channelChoices.push_back(c);
    if (c == 1 || isa<ane::SoftmaxOp, ane::LayerNormOp>(op))
      break;
  }
  std::optional<TilePlan> best;
  for (int64_t c : channelChoices) {
    if (planLayer(op, e, 1, c).sramBytes > e.sramBytes)
      continue;
    int64_t lo = 1, hi = g.rows; // the most rows that fit
    while (lo < hi) {
      int64_t mid = (lo + hi + 1) / 2;
      if (planLayer(op, e, mid, c).sramBytes <= e.sramBytes)
        lo = mid;
      else
        hi = mid - 1;
    }
    TilePlan p = planLayer(op, e, lo, c);
    if (!best || p.dmaBytes() < best->dmaBytes() ||
        (p.dmaBytes() == best->dmaBytes() && p.tiles < best->tiles))
      best = p;
  }
  if (!best) {
    why = "the smallest tile needs " +
          std::to_string(planLayer(op, e, 1, channelChoices.back()).sramBytes) +
          " bytes of SRAM; engine " + e.name + " has " +
          std::to_string(e.sramBytes);
    return failure();
  }
  return *best;
}

} // namespace coreai::anelower

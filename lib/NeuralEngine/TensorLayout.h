//===- TensorLayout.h - How the neural engine lays out and tiles tensors --===//
//
// Shared by the ane dialect's verifiers, the compiler's tiling and the
// simulator, so all three agree on which dims are channels, rows and
// planes. Plain C++: the runtime has no MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_ANE_TENSORLAYOUT_H
#define COREAI_RUNTIME_ANE_TENSORLAYOUT_H

#include <cstdint>
#include <vector>

namespace coreai::runtime::ane {

/// The channel dim of a tensor of rank `rank` (>= 1): dim 1 of [N, C, H, W],
/// else the last dim. Per-channel operands hold one value per channel.
inline int64_t channelDim(int64_t rank) { return rank == 4 ? 1 : rank - 1; }

/// The dims a layer's tiles split: for [N, C, H, W] outputs, rows H and
/// channels C, each row W wide, looped over N planes; for other ranks, the
/// last two dims (rows, channels) looped over the product of the others.
struct TileGeometry {
  int64_t planes = 1, rows = 1, channels = 1, width = 1;
};

inline TileGeometry tileGeometry(const std::vector<int64_t> &shape) {
  TileGeometry g;
  size_t r = shape.size();
  if (r == 4) {
    g = {shape[0], shape[2], shape[1], shape[3]};
  } else if (r >= 2) {
    g.rows = shape[r - 2];
    g.channels = shape[r - 1];
    for (size_t i = 0; i + 2 < r; ++i)
      g.planes *= shape[i];
  } else if (r == 1) {
    g.channels = shape[0];
  }
  return g;
}

} // namespace coreai::runtime::ane

#endif // COREAI_RUNTIME_ANE_TENSORLAYOUT_H

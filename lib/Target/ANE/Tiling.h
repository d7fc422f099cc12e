//===- Tiling.h - A layer's tile loop, working set and DMA traffic --------===//
//
// The tiling pass chooses tiles with these plans and the command-stream
// writer records the plan of the chosen tile, so both agree on the working
// set and the DMA transfers the cycle model times.
//
// A tiled layer loops over planes (the batch for [N, C, H, W], the leading
// dims otherwise), then channel tiles, then row tiles. Per tile it reads the
// input window the tile's outputs need and writes the output tile; weights
// of a channel tile stay in SRAM while its row tiles run, so they are read
// once per channel tile and plane (once in all when one tile holds every
// channel). Every row moved is padded to the engine's row alignment; an
// edge tile is counted as a full one.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_TARGET_ANE_TILING_H
#define COREAI_LIB_TARGET_ANE_TILING_H

#include "lib/NeuralEngine/EngineDescription.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>
#include <vector>

namespace coreai::anelower {

struct DmaPlan {
  static constexpr unsigned kResult = ~0u;
  unsigned operand = kResult; // operand index, or the result
  bool toSram = true;
  int64_t bytes = 0; // per transfer
  int64_t count = 1;
};

struct TilePlan {
  int64_t rows = 1, channels = 1; // per tile
  int64_t tiles = 1;
  bool streamWeights = false;
  int64_t sramBytes = 0; // working set of one tile
  std::vector<DmaPlan> dmas;
  int64_t outputs = 0;   // output elements computed
  int64_t reduction = 1; // products per output
  int64_t dmaBytes() const;
};

/// True for layers with a tile loop (ane ops with tile attributes).
bool isTiled(mlir::Operation *op);

/// The plan of `op` with `rows` x `channels` tiles (tiled layers), or its
/// single pass (convert, concat).
TilePlan planLayer(mlir::Operation *op,
                   const runtime::ane::EngineDescription &e, int64_t rows,
                   int64_t channels);

/// The plan of `op` with its recorded tile attributes.
TilePlan planRecorded(mlir::Operation *op,
                      const runtime::ane::EngineDescription &e);

/// The best tile of a tiled layer that fits SRAM, or failure with `why`.
mlir::FailureOr<TilePlan> chooseTile(mlir::Operation *op,
                                     const runtime::ane::EngineDescription &e,
                                     std::string &why);

} // namespace coreai::anelower

#endif // COREAI_LIB_TARGET_ANE_TILING_H

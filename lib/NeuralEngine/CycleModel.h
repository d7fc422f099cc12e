//===- CycleModel.h - How long a layer takes on a modeled engine ----------===//
//
// Per layer, the larger of compute and DMA time plus a fixed overhead:
//   compute = for each tile, ceil(its outputs / cores) * ceil(reduction /
//             lanes) cycles: the cores share a tile's outputs, each finishing
//             one every ceil(reduction / lanes) cycles with lanes =
//             macs_per_core_per_cycle. So a reduction that is not a multiple
//             of the lanes wastes the rest of them, and a tile whose outputs
//             are not a multiple of the cores leaves some idle (the array's
//             utilization for the tile shape). A layer without a tile loop
//             is one tile of all its outputs.
//   dma     = ceil(bytes moved between DRAM and SRAM / dma_bytes_per_cycle);
//   total   = max(compute, dma) + layer_overhead_cycles.
// Shared by the compiler (which tiles layers) and the simulator.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_ANE_CYCLEMODEL_H
#define COREAI_RUNTIME_ANE_CYCLEMODEL_H

#include "lib/NeuralEngine/EngineDescription.h"
#include "lib/NeuralEngine/TensorLayout.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace coreai::runtime::ane {

struct LayerWork {
  int64_t outputs = 0;   // output elements
  int64_t reduction = 1; // products summed per output (1: elementwise)
  int64_t dmaBytes = 0;  // DRAM <-> SRAM traffic of the layer's tiles
  // The tile loop: tiles of tileRows x tileChannels over `geometry`; 0: the
  // layer is one tile.
  TileGeometry geometry;
  int64_t tileRows = 0, tileChannels = 0;
};

struct LayerCycles {
  int64_t compute = 0;
  int64_t dma = 0;
  int64_t total = 0;
};

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Output-slots of the cores over a tile loop: the sum over tiles of
/// ceil(tile outputs / cores). Full and edge tiles are counted by class.
inline int64_t tileLoopSlots(const EngineDescription &e, const LayerWork &w) {
  const TileGeometry &g = w.geometry;
  if (w.tileRows <= 0 || w.tileChannels <= 0)
    return ceilDiv(w.outputs, e.cores);
  int64_t slots = 0;
  for (auto [nr, r] :
       {std::pair<int64_t, int64_t>{g.rows / w.tileRows, w.tileRows},
        {g.rows % w.tileRows ? 1 : 0, g.rows % w.tileRows}})
    for (auto [nc, c] :
         {std::pair<int64_t, int64_t>{g.channels / w.tileChannels,
                                      w.tileChannels},
          {g.channels % w.tileChannels ? 1 : 0, g.channels % w.tileChannels}})
      slots += nr * nc * ceilDiv(r * c * g.width, e.cores);
  return g.planes * slots;
}

inline LayerCycles layerCycles(const EngineDescription &e, const LayerWork &w) {
  LayerCycles c;
  int64_t perOutput =
      ceilDiv(std::max<int64_t>(w.reduction, 1), e.macsPerCorePerCycle);
  c.compute = w.tileRows > 0 ? tileLoopSlots(e, w) * perOutput
                             : ceilDiv(w.outputs * perOutput, e.cores);
  c.dma = ceilDiv(w.dmaBytes, e.dmaBytesPerCycle);
  c.total = std::max(c.compute, c.dma) + e.layerOverheadCycles;
  return c;
}

inline double cyclesToMillis(const EngineDescription &e, int64_t cycles) {
  return double(cycles) / (e.clockMHz * 1000.0);
}

inline double cyclesToMicros(const EngineDescription &e, int64_t cycles) {
  return double(cycles) / e.clockMHz;
}

/// Bytes of an fp16 tensor in the engine's layout: the innermost dim's rows
/// padded to the row alignment.
inline int64_t paddedBytes(const EngineDescription &e,
                           const std::vector<int64_t> &shape) {
  if (shape.empty())
    return e.rowAlignmentBytes;
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < shape.size(); ++i)
    rows *= shape[i];
  return rows * ceilDiv(shape.back() * 2, e.rowAlignmentBytes) *
         e.rowAlignmentBytes;
}

} // namespace coreai::runtime::ane

#endif // COREAI_RUNTIME_ANE_CYCLEMODEL_H

//===- CycleModel.h - How long a layer takes on a modeled engine ----------===//
//
// Per layer, the larger of compute and DMA time plus a fixed overhead:
//   compute = ceil(outputs * ceil(reduction / lanes) / cores) cycles, where
//             each core finishes one output every ceil(reduction / lanes)
//             cycles with lanes = macs_per_core_per_cycle (so a reduction
//             that is not a multiple of the lanes wastes the rest of them);
//   dma     = ceil(bytes moved between DRAM and SRAM / dma_bytes_per_cycle);
//   total   = max(compute, dma) + layer_overhead_cycles.
// Shared by the compiler (which reports estimates) and the simulator.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_ANE_CYCLEMODEL_H
#define COREAI_RUNTIME_ANE_CYCLEMODEL_H

#include "lib/Runtime/ANE/EngineDescription.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace coreai::runtime::ane {

struct LayerWork {
  int64_t outputs = 0;   // output elements
  int64_t reduction = 1; // products summed per output (1: elementwise)
  int64_t dmaBytes = 0;  // DRAM <-> SRAM traffic of the layer's tiles
};

struct LayerCycles {
  int64_t compute = 0;
  int64_t dma = 0;
  int64_t total = 0;
};

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

inline LayerCycles layerCycles(const EngineDescription &e,
                               const LayerWork &w) {
  LayerCycles c;
  int64_t perOutput = ceilDiv(std::max<int64_t>(w.reduction, 1),
                              e.macsPerCorePerCycle);
  c.compute = ceilDiv(w.outputs * perOutput, e.cores);
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

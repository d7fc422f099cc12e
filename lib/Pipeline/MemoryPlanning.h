//===- MemoryPlanning.h - Scratch slots that share memory -----------------===//
#ifndef COREAI_LIB_PIPELINE_MEMORYPLANNING_H
#define COREAI_LIB_PIPELINE_MEMORYPLANNING_H

#include "lib/Bundle/BundleWriter.h"

namespace coreai {

/// Memory planning for any schedule (CPU dispatches, GPU kernels, engine
/// programs): scratch slots whose lifetimes (first to last step that uses
/// them) do not overlap share one buffer, assigned greedily in order of
/// first use to the free buffer that fits best. A buffer is free once the
/// step that last used its previous slot has run: steps run in order and
/// each waits for the one before (CPU dispatches join their workgroups, GPU
/// steps are ordered by barriers). Slots that now share another's buffer
/// are dropped and step arguments renumbered. Deterministic.
void planScratchMemory(bundle::ScheduleData &schedule);

} // namespace coreai

#endif // COREAI_LIB_PIPELINE_MEMORYPLANNING_H

//===- ScheduleCheck.h - Consistency of a function's schedule -------------===//
//
// The writer refuses what the reader would refuse, with the same words: both
// call checkSchedule.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_SCHEDULECHECK_H
#define COREAI_BUNDLE_SCHEDULECHECK_H

#include "lib/Bundle/BundleWriter.h"

#include "coreai/ComputeUnit.h"

#include <string>
#include <vector>

namespace coreai::bundle {

/// The most workgroups one CPU dispatch may have (the compiler uses 256).
inline constexpr uint32_t kMaxCPUWorkgroups = 65536;

/// Empty if `s` is consistent, else a one-line reason. `inputBytes` and
/// `outputBytes` are the sizes of the function's tensors, `constantBytes`
/// those of the bundle's constants, `executableUnits` the unit of each
/// executable.
inline std::string
checkSchedule(const ScheduleData &s, const std::vector<uint64_t> &inputBytes,
              const std::vector<uint64_t> &outputBytes,
              const std::vector<uint64_t> &constantBytes,
              const std::vector<std::string> &executableUnits) {
  std::vector<int> outputSeen(outputBytes.size(), 0);
  for (size_t i = 0; i < s.slots.size(); ++i) {
    const SlotData &slot = s.slots[i];
    std::string what = "schedule slot " + std::to_string(i);
    const std::vector<uint64_t> *sizes = nullptr;
    switch (slot.kind) {
    case SlotKind::Input:
      sizes = &inputBytes;
      break;
    case SlotKind::Output:
      sizes = &outputBytes;
      break;
    case SlotKind::Constant:
      sizes = &constantBytes;
      break;
    case SlotKind::Scratch:
      break;
    default:
      return what + " has unknown kind " + std::to_string((int)slot.kind);
    }
    if (!sizes)
      continue;
    if (slot.index >= sizes->size())
      return what + " refers to index " + std::to_string(slot.index) + " of " +
             std::to_string(sizes->size());
    if (slot.size != (*sizes)[slot.index])
      return what + " has " + std::to_string(slot.size) + " bytes, but its " +
             "tensor has " + std::to_string((*sizes)[slot.index]);
    if (slot.kind == SlotKind::Output)
      ++outputSeen[slot.index];
  }
  for (size_t o = 0; o < outputSeen.size(); ++o)
    if (outputSeen[o] != 1)
      return "output " + std::to_string(o) + " has " +
             std::to_string(outputSeen[o]) + " schedule slots (expected 1)";
  for (size_t i = 0; i < s.steps.size(); ++i) {
    const StepData &step = s.steps[i];
    std::string what = "schedule step " + std::to_string(i);
    for (uint32_t a : step.args)
      if (a >= s.slots.size())
        return what + " refers to slot " + std::to_string(a) + " of " +
               std::to_string(s.slots.size());
    if (step.unit == "copy") {
      if (step.args.size() != 2)
        return what + " (copy) needs 2 slots";
      if (s.slots[step.args[0]].size != s.slots[step.args[1]].size)
        return what + " copies between slots of different sizes";
      // Inputs are the caller's arrays and constants the bundle's pages.
      SlotKind to = s.slots[step.args[1]].kind;
      if (to == SlotKind::Input || to == SlotKind::Constant)
        return what + " copies into an " +
               (to == SlotKind::Input ? "input" : "constant") + " slot";
      continue;
    }
    std::optional<runtime::ComputeUnit> unit =
        runtime::parseComputeUnit(step.unit);
    if (!unit)
      return what + " has unknown unit '" + step.unit + "'";
    if (step.executable >= executableUnits.size())
      return what + " refers to executable " + std::to_string(step.executable) +
             " of " + std::to_string(executableUnits.size());
    if (executableUnits[step.executable] != step.unit)
      return what + " runs on " + step.unit + ", but executable " +
             std::to_string(step.executable) + " is for " +
             executableUnits[step.executable];
    if (step.entry.empty())
      return what + " has no entry point";
    if (unit == runtime::ComputeUnit::GPU) {
      if (step.groups.size() != 3)
        return what + " needs 3 workgroup counts";
      for (uint32_t g : step.groups)
        if (g == 0)
          return what + " has a zero workgroup count";
    }
    // cpu: no counts (a whole-segment entry) or a dispatch's grid, x only.
    if (unit == runtime::ComputeUnit::CPU && !step.groups.empty()) {
      if (step.groups.size() != 3 || step.groups[1] != 1 || step.groups[2] != 1)
        return what + " needs workgroup counts x, 1, 1";
      if (step.groups[0] == 0 || step.groups[0] > kMaxCPUWorkgroups)
        return what + " has " + std::to_string(step.groups[0]) +
               " workgroups (1 to " + std::to_string(kMaxCPUWorkgroups) + ")";
    }
  }
  return "";
}

} // namespace coreai::bundle

#endif // COREAI_BUNDLE_SCHEDULECHECK_H

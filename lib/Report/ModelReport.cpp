//===- ModelReport.cpp - Costs by op and the arena of a schedule ----------===//
#include "lib/Report/ModelReport.h"

#include "lib/Bundle/SourceNodes.h"

#include <algorithm>
#include <map>
#include <set>

namespace coreai::report {
namespace {

/// For each span, the debug entries that name one of its nodes.
std::vector<std::vector<size_t>>
entriesOfSpans(const std::vector<bundle::DebugEntry> &debug,
               const std::vector<MeasuredSpan> &spans) {
  std::map<std::string, std::vector<size_t>> entriesOfNode;
  for (size_t i = 0; i < debug.size(); ++i)
    for (const bundle::SourceNode &n :
         bundle::parseSourceNodes(debug[i].source))
      entriesOfNode[n.node].push_back(i);
  std::vector<std::vector<size_t>> result;
  for (const MeasuredSpan &span : spans) {
    std::set<size_t> entries;
    for (const bundle::SourceNode &n : bundle::parseSourceNodes(span.source)) {
      auto it = entriesOfNode.find(n.node);
      if (it != entriesOfNode.end())
        entries.insert(it->second.begin(), it->second.end());
    }
    result.emplace_back(entries.begin(), entries.end());
  }
  return result;
}

} // namespace

std::vector<OpMeasurement>
measureOps(const std::vector<bundle::DebugEntry> &debug,
           const std::vector<MeasuredSpan> &spans) {
  std::vector<OpMeasurement> ops(debug.size());
  std::vector<std::map<std::string, double>> microsByUnit(debug.size());
  std::vector<std::vector<size_t>> entries = entriesOfSpans(debug, spans);
  for (size_t s = 0; s < spans.size(); ++s) {
    const std::vector<size_t> &mine = entries[s];
    double estimated = 0;
    for (size_t e : mine)
      estimated += debug[e].estimatedUs;
    for (size_t e : mine) {
      double share =
          spans[s].micros * (estimated > 0 ? debug[e].estimatedUs / estimated
                                           : 1.0 / mine.size());
      ops[e].micros += share;
      ops[e].simulated |= spans[s].simulated;
      microsByUnit[e][spans[s].unit] += share;
    }
  }
  for (size_t e = 0; e < ops.size(); ++e) {
    double most = -1;
    for (const auto &[unit, micros] : microsByUnit[e])
      if (micros > most) {
        most = micros;
        ops[e].unit = unit;
      }
  }
  return ops;
}

std::vector<double> flopsPerSpan(const std::vector<bundle::DebugEntry> &debug,
                                 const std::vector<MeasuredSpan> &spans) {
  std::vector<std::vector<size_t>> entries = entriesOfSpans(debug, spans);
  std::vector<int> spansOfEntry(debug.size(), 0);
  std::vector<double> microsOfEntry(debug.size(), 0);
  for (size_t s = 0; s < spans.size(); ++s)
    for (size_t e : entries[s]) {
      ++spansOfEntry[e];
      microsOfEntry[e] += spans[s].micros;
    }
  std::vector<double> flops(spans.size(), 0);
  for (size_t s = 0; s < spans.size(); ++s)
    for (size_t e : entries[s])
      flops[s] += debug[e].flops * (microsOfEntry[e] > 0
                                        ? spans[s].micros / microsOfEntry[e]
                                        : 1.0 / spansOfEntry[e]);
  return flops;
}

std::vector<ArenaBuffer> arenaLayout(const bundle::ScheduleData &schedule) {
  std::vector<ArenaBuffer> buffers;
  std::vector<int64_t> bufferOfSlot(schedule.slots.size(), -1);
  uint64_t offset = 0;
  for (size_t i = 0; i < schedule.slots.size(); ++i) {
    const bundle::SlotData &slot = schedule.slots[i];
    if (slot.kind != bundle::SlotKind::Scratch || slot.size == 0)
      continue;
    bufferOfSlot[i] = buffers.size();
    buffers.push_back({uint32_t(i), offset, slot.size, -1, -1});
    offset += (slot.size + 63) / 64 * 64;
  }
  for (size_t s = 0; s < schedule.steps.size(); ++s)
    for (uint32_t arg : schedule.steps[s].args) {
      if (arg >= bufferOfSlot.size() || bufferOfSlot[arg] < 0)
        continue;
      ArenaBuffer &b = buffers[bufferOfSlot[arg]];
      if (b.firstStep < 0)
        b.firstStep = int64_t(s);
      b.lastStep = int64_t(s);
    }
  return buffers;
}

} // namespace coreai::report

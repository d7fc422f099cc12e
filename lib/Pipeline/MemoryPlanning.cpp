//===- MemoryPlanning.cpp - Scratch slots that share memory ---------------===//
#include "lib/Pipeline/MemoryPlanning.h"

#include <algorithm>
#include <cstdint>
#include <vector>

void coreai::planScratchMemory(bundle::ScheduleData &schedule) {
  std::vector<bundle::SlotData> &slots = schedule.slots;
  std::vector<bundle::StepData> &steps = schedule.steps;
  const int64_t unused = -1;
  std::vector<int64_t> first(slots.size(), unused), last(slots.size(), unused);
  for (size_t k = 0; k < steps.size(); ++k)
    for (uint32_t a : steps[k].args) {
      if (first[a] == unused)
        first[a] = k;
      last[a] = k;
    }
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < slots.size(); ++i)
    if (slots[i].kind == bundle::SlotKind::Scratch && first[i] != unused)
      order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return first[a] < first[b]; });
  // Buffers: the slot that represents them and when they are next free.
  struct Buffer {
    uint32_t slot;
    int64_t busyUntil;
  };
  std::vector<Buffer> buffers;
  std::vector<uint32_t> target(slots.size());
  for (uint32_t i = 0; i < slots.size(); ++i)
    target[i] = i;
  for (uint32_t s : order) {
    Buffer *best = nullptr;
    for (Buffer &b : buffers) {
      if (b.busyUntil >= first[s])
        continue;
      // Prefer the smallest buffer that fits, else the largest one.
      uint64_t have = slots[b.slot].size, want = slots[s].size;
      if (!best) {
        best = &b;
        continue;
      }
      uint64_t cur = slots[best->slot].size;
      bool fits = have >= want, curFits = cur >= want;
      if ((fits && (!curFits || have < cur)) ||
          (!fits && !curFits && have > cur))
        best = &b;
    }
    if (!best) {
      buffers.push_back({s, last[s]});
      continue;
    }
    target[s] = best->slot;
    slots[best->slot].size = std::max(slots[best->slot].size, slots[s].size);
    best->busyUntil = last[s];
  }
  // Renumber: drop the slots that now share another's buffer.
  std::vector<uint32_t> newIndex(slots.size());
  std::vector<bundle::SlotData> kept;
  for (uint32_t i = 0; i < slots.size(); ++i)
    if (target[i] == i) {
      newIndex[i] = kept.size();
      kept.push_back(slots[i]);
    }
  for (bundle::StepData &st : steps)
    for (uint32_t &a : st.args)
      a = newIndex[target[a]];
  slots = std::move(kept);
}

//===- Schedule.cpp - Runs a function split across compute units ----------===//
//
// A schedule is steps over buffer slots (schemas/aimodel.fbs). At
// specialization every slot gets memory from the GPU device, so the CPU and
// the GPU share it without copies (host-visible memory); constants are copied
// in once, kernels prepared, and every run of consecutive GPU steps is
// recorded once as one launch sequence. A run copies the inputs in, runs the
// steps in order (each GPU sequence waits for its end, so CPU steps after it
// see its results), and copies the outputs out.
//
//===----------------------------------------------------------------------===//
#include "lib/Runtime/ModelState.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace coreai::runtime {
namespace {

class ScheduleKernel final : public Kernel {
public:
  struct Group {
    enum class Kind { CPU, GPU, ANE, Copy } kind = Kind::CPU;
    std::function<void(void *const *)> entry; // CPU
    SimulatedStep simulate;                   // ANE
    std::vector<uint32_t> args;               // Copy: from, to
    std::vector<void *> pointers;             // CPU, ANE: the slots' memory
    std::unique_ptr<LaunchSequence> launches; // GPU
    std::vector<const bundle::StepData *> steps;
  };

  std::vector<ScheduleDevice::Memory> slots;
  std::vector<uint64_t> slotBytes;
  std::vector<std::pair<uint32_t, uint32_t>> inputs;  // (slot, input)
  std::vector<std::pair<uint32_t, uint32_t>> outputs; // (slot, output)
  std::vector<Group> groups;
  mutable std::mutex mutex; // runs share the slots
  double engineMicros = 0; // simulated neural-engine time of the last run

  double simulatedEngineMillis() const override {
    std::lock_guard<std::mutex> lock(mutex);
    return engineMicros / 1000.0;
  }

  void run(const std::vector<NDArray> &in, std::vector<NDArray> &out,
           std::vector<TraceEvent> *trace) override {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto [slot, i] : inputs)
      if (in[i].byteSize())
        std::memcpy(slots[slot].host, in[i].data(), in[i].byteSize());
    std::vector<std::pair<double, double>> timings;
    std::vector<SimulatedLayer> layers;
    engineMicros = 0;
    for (Group &g : groups) {
      double start = trace ? traceClockUs() : 0;
      switch (g.kind) {
      case Group::Kind::CPU:
        g.entry(g.pointers.data());
        break;
      case Group::Kind::ANE:
        layers.clear();
        engineMicros += g.simulate(g.pointers.data(), trace ? &layers : nullptr);
        break;
      case Group::Kind::Copy:
        std::memcpy(slots[g.args[1]].host, slots[g.args[0]].host,
                    slotBytes[g.args[0]]);
        break;
      case Group::Kind::GPU:
        timings.clear();
        g.launches->run(trace ? &timings : nullptr);
        break;
      }
      if (!trace)
        continue;
      double end = traceClockUs();
      if (g.kind == Group::Kind::ANE) {
        // Simulated durations, one after another from the step's start.
        double at = start;
        for (const SimulatedLayer &l : layers) {
          trace->push_back({l.name, "ane", l.source, at, l.micros});
          at += l.micros;
        }
        continue;
      }
      if (g.kind == Group::Kind::GPU && timings.size() == g.steps.size()) {
        // Device timestamps, placed at the submission's start.
        for (size_t i = 0; i < g.steps.size(); ++i)
          trace->push_back({g.steps[i]->entry, "gpu", g.steps[i]->source,
                            start + timings[i].first, timings[i].second});
        continue;
      }
      const bundle::StepData *s = g.steps.front();
      trace->push_back({s->unit == "copy" ? "copy" : s->entry,
                        s->unit == "gpu" ? "gpu" : "cpu", s->source, start,
                        end - start});
    }
    for (auto [slot, o] : outputs)
      if (out[o].byteSize())
        std::memcpy(out[o].data(), slots[slot].host, out[o].byteSize());
  }
};

/// Host memory for schedules that use no device (every step on the CPU).
class HostScheduleDevice final : public ScheduleDevice {
public:
  std::string name() const override { return "the CPU"; }
  std::string whyNot(const bundle::ExecutableInfo &exe) const override {
    return "executable for " + exe.unit + " needs a device";
  }
  Memory allocate(uint64_t bytes) override {
    // 64-byte aligned, at least one line, zero-filled.
    size_t size = (std::max<uint64_t>(bytes, 1) + 63) / 64 * 64;
    void *p = std::aligned_alloc(64, size);
    if (!p)
      throw AssetError(AssetError::Code::Internal, "out of memory for a " +
                                                       std::to_string(bytes) +
                                                       "-byte buffer");
    std::memset(p, 0, size);
    return {p, std::shared_ptr<void>(p, std::free)};
  }
  std::shared_ptr<void> prepareKernel(const bundle::ExecutableInfo &exe,
                                      const bundle::SegmentInfo &,
                                      const std::string &, uint32_t,
                                      const std::string &label) override {
    throw AssetError(AssetError::Code::Unsupported, label + ": " + whyNot(exe));
  }
  std::unique_ptr<LaunchSequence> record(const std::vector<Launch> &) override {
    throw AssetError(AssetError::Code::Internal, "no launches on the host");
  }
};

} // namespace

std::shared_ptr<ScheduleDevice> createHostScheduleDevice() {
  return std::make_shared<HostScheduleDevice>();
}

std::unique_ptr<Kernel> prepareSchedule(
    const bundle::BundleFile &file, const bundle::FunctionInfo &function,
    const std::vector<std::shared_ptr<LoadedExecutable>> &executables,
    ScheduleDevice &device, std::string &placement) {
  const bundle::ScheduleData &schedule = function.schedule.front();
  auto kernel = std::make_unique<ScheduleKernel>();
  for (size_t i = 0; i < schedule.slots.size(); ++i) {
    const bundle::SlotData &slot = schedule.slots[i];
    kernel->slots.push_back(device.allocate(slot.size));
    kernel->slotBytes.push_back(slot.size);
    switch (slot.kind) {
    case bundle::SlotKind::Input:
      kernel->inputs.push_back({(uint32_t)i, slot.index});
      break;
    case bundle::SlotKind::Output:
      kernel->outputs.push_back({(uint32_t)i, slot.index});
      break;
    case bundle::SlotKind::Constant:
      if (slot.size)
        std::memcpy(kernel->slots.back().host, file.constantData(slot.index),
                    slot.size);
      break;
    case bundle::SlotKind::Scratch:
      break;
    }
  }

  size_t gpuSteps = 0, cpuSteps = 0, aneSteps = 0;
  std::vector<ScheduleDevice::Launch> pending;
  auto flush = [&]() {
    if (pending.empty())
      return;
    kernel->groups.back().launches = device.record(pending);
    pending.clear();
  };
  for (size_t i = 0; i < schedule.steps.size(); ++i) {
    const bundle::StepData &step = schedule.steps[i];
    using Kind = ScheduleKernel::Group::Kind;
    Kind kind = step.unit == "gpu"   ? Kind::GPU
                : step.unit == "cpu" ? Kind::CPU
                : step.unit == "ane" ? Kind::ANE
                                     : Kind::Copy;
    if (kind != Kind::GPU || kernel->groups.empty() ||
        kernel->groups.back().kind != Kind::GPU) {
      flush();
      kernel->groups.emplace_back();
      kernel->groups.back().kind = kind;
    }
    ScheduleKernel::Group &g = kernel->groups.back();
    g.steps.push_back(&step);
    std::string label = "function '" + function.name + "' step " +
                        std::to_string(i) + " (" + step.entry + ")";
    if (kind == Kind::CPU) {
      ++cpuSteps;
      for (uint32_t a : step.args)
        g.pointers.push_back(kernel->slots[a].host);
      if (!executables[step.executable])
        throw AssetError(AssetError::Code::Internal,
                         label + ": its executable was not loaded");
      g.entry = executables[step.executable]->entryPoint(step.entry);
      if (!g.entry)
        throw AssetError(AssetError::Code::Unsupported,
                         label + ": executable " +
                             std::to_string(step.executable) +
                             " has no schedule entry points");
    } else if (kind == Kind::ANE) {
      ++aneSteps;
      std::vector<uint64_t> bytes;
      for (uint32_t a : step.args) {
        g.pointers.push_back(kernel->slots[a].host);
        bytes.push_back(kernel->slotBytes[a]);
      }
      if (!executables[step.executable])
        throw AssetError(AssetError::Code::Internal,
                         label + ": its executable was not loaded");
      g.simulate =
          executables[step.executable]->simulatedEntryPoint(step.entry, bytes);
      if (!g.simulate)
        throw AssetError(AssetError::Code::Unsupported,
                         label + ": executable " +
                             std::to_string(step.executable) +
                             " is not a neural-engine command stream");
    } else if (kind == Kind::Copy) {
      g.args = step.args;
    } else {
      ++gpuSteps;
      const bundle::ExecutableInfo &exe = file.executables()[step.executable];
      ScheduleDevice::Launch launch;
      launch.kernel = device.prepareKernel(exe, file.segments()[exe.segment],
                                           step.entry, step.args.size(), label);
      for (uint32_t a : step.args)
        launch.buffers.push_back(kernel->slots[a].handle);
      for (int d = 0; d < 3; ++d)
        launch.groups[d] = step.groups[d];
      pending.push_back(std::move(launch));
    }
  }
  flush();
  uint64_t bytes = 0;
  for (uint64_t b : kernel->slotBytes)
    bytes += b;
  char mb[32];
  std::snprintf(mb, sizeof(mb), "%.2f", bytes / 1e6);
  std::string steps;
  for (auto [n, unit] : {std::pair<size_t, const char *>{aneSteps, "ane"},
                         {gpuSteps, "gpu"},
                         {cpuSteps, "cpu"}})
    if (n || std::string(unit) != "ane")
      steps += std::to_string(n) + " " + unit + " + ";
  steps.resize(steps.size() - 3);
  placement = "schedule: " + steps + " steps over " +
              std::to_string(kernel->slots.size()) + " buffers (" + mb +
              " MB) on " + device.name();
  return kernel;
}

} // namespace coreai::runtime

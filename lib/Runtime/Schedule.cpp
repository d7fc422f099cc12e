//===- Schedule.cpp - Runs a function split across compute units ----------===//
//
// A schedule is steps over buffer slots (schemas/aimodel.fbs).
//
// With a GPU, every slot gets memory from the GPU device at specialization,
// so the CPU and the GPU share it without copies (host-visible memory);
// constants are copied in once, kernels prepared, and every run of
// consecutive GPU steps is recorded once as one launch sequence. A run
// copies the inputs in, runs the steps in order (each GPU sequence waits for
// its end, so CPU steps after it see its results), and copies the outputs
// out.
//
// Without one (CPU dispatches, neural-engine programs), every scratch slot
// lives in one arena allocated at specialization (its size is the sum of the
// planned slots, 64-byte aligned), constants are used in place in the
// mapped bundle, and inputs and outputs are the caller's arrays: a run
// copies nothing and allocates nothing. A CPU dispatch's workgroups run on
// the specialization's thread pool; the next step starts when all are done.
//
//===----------------------------------------------------------------------===//
#include "lib/Runtime/ModelState.h"

#include "lib/Bundle/KernelABI.h"
#include "lib/Runtime/ThreadPool.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace coreai::runtime {
namespace {

/// Where zero-sized slots point: never read or written, but not null.
alignas(64) unsigned char kEmptyBuffer[64];

/// The most scratch memory one function's schedule may ask for.
constexpr uint64_t kMaxArenaBytes = uint64_t(64) << 30;

/// One CPU dispatch step: what every workgroup call shares, and where each
/// worker's share of it started and ended (for traces).
struct Dispatch {
  coreai_dispatch_fn entry = nullptr;
  coreai_dispatch_state_v2 state{};
  std::vector<void *> bindings;
  std::atomic<int32_t> failure{0};
  bool tracing = false;
  std::vector<double> workerStart, workerEnd; // per worker; < 0: none

  static void runWorkgroup(void *context, uint32_t index, uint32_t worker) {
    auto *d = static_cast<Dispatch *>(context);
    coreai_workgroup_state_v2 workgroup{{index, 0, 0}, worker};
    double start = d->tracing ? traceClockUs() : 0;
    if (int32_t rc = d->entry(&d->state, &workgroup))
      d->failure.store(rc, std::memory_order_relaxed);
    if (d->tracing) {
      if (d->workerStart[worker] < 0)
        d->workerStart[worker] = start;
      d->workerEnd[worker] = traceClockUs();
    }
  }
};

class ScheduleKernel final : public Kernel {
public:
  struct Group {
    enum class Kind { CPU, Dispatch, GPU, ANE, Copy } kind = Kind::CPU;
    std::function<void(void *const *)> entry; // CPU (whole segment)
    std::unique_ptr<Dispatch> dispatch;       // Dispatch
    SimulatedStep simulate;                   // ANE
    std::vector<uint32_t> args;               // Copy: from, to
    std::vector<void *> pointers;             // CPU, ANE: the slots' memory
    std::unique_ptr<LaunchSequence> launches; // GPU
    std::vector<const bundle::StepData *> steps;
  };

  std::vector<ScheduleDevice::Memory> slots;
  std::vector<void *> slotHost; // where each slot is now (host view)
  std::vector<uint64_t> slotBytes;
  std::vector<std::pair<uint32_t, uint32_t>> inputs;  // (slot, input)
  std::vector<std::pair<uint32_t, uint32_t>> outputs; // (slot, output)
  std::vector<Group> groups;
  // Host schedules bind the caller's arrays instead of copying them: the
  // places in step pointer tables that hold an input or output slot.
  bool bindCallerArrays = false;
  std::vector<std::pair<void **, uint32_t>> callerRefs; // (place, slot)
  std::shared_ptr<ThreadPool> pool;
  ScheduleDevice::Memory arena; // host: the 64-byte aligned base
  uint64_t arenaSize = 0;
  mutable std::mutex mutex; // runs share the slots: one at a time
  double engineMicros = 0; // simulated neural-engine time of the last run

  double simulatedEngineMillis() const override {
    std::lock_guard<std::mutex> lock(mutex);
    return engineMicros / 1000.0;
  }
  uint64_t arenaBytes() const override { return arenaSize; }

  void run(const std::vector<NDArray> &in, std::vector<NDArray> &out,
           std::vector<TraceEvent> *trace) override {
    std::lock_guard<std::mutex> lock(mutex);
    if (bindCallerArrays) {
      for (auto [slot, i] : inputs)
        slotHost[slot] = in[i].byteSize() ? const_cast<void *>(in[i].data())
                                          : static_cast<void *>(kEmptyBuffer);
      for (auto [slot, o] : outputs)
        slotHost[slot] = out[o].byteSize() ? out[o].data()
                                           : static_cast<void *>(kEmptyBuffer);
      for (auto [place, slot] : callerRefs)
        *place = slotHost[slot];
    } else {
      for (auto [slot, i] : inputs)
        if (in[i].byteSize())
          std::memcpy(slotHost[slot], in[i].data(), in[i].byteSize());
    }
    std::vector<std::pair<double, double>> timings;
    std::vector<SimulatedLayer> layers;
    engineMicros = 0;
    uint32_t firstStep = 0; // of the group, in schedule order
    for (Group &g : groups) {
      uint32_t step = firstStep;
      firstStep += std::max<size_t>(g.steps.size(), 1);
      double start = trace ? traceClockUs() : 0;
      switch (g.kind) {
      case Group::Kind::CPU:
        g.entry(g.pointers.data());
        break;
      case Group::Kind::Dispatch:
        runDispatch(*g.dispatch, *g.steps.front(), step, trace);
        break;
      case Group::Kind::ANE:
        layers.clear();
        engineMicros += g.simulate(g.pointers.data(), trace ? &layers : nullptr);
        break;
      case Group::Kind::Copy:
        std::memcpy(slotHost[g.args[1]], slotHost[g.args[0]],
                    slotBytes[g.args[0]]);
        break;
      case Group::Kind::GPU:
        timings.clear();
        g.launches->run(trace ? &timings : nullptr);
        break;
      }
      if (!trace || g.kind == Group::Kind::Dispatch)
        continue;
      double end = traceClockUs();
      if (g.kind == Group::Kind::ANE) {
        // Simulated durations, one after another from the step's start.
        double at = start;
        for (const SimulatedLayer &l : layers) {
          trace->push_back({l.name, computeUnitName(ComputeUnit::NeuralEngine),
                            l.source, at, l.micros, 0, step});
          at += l.micros;
        }
        continue;
      }
      if (g.kind == Group::Kind::GPU && timings.size() == g.steps.size()) {
        // Device timestamps, placed at the submission's start.
        for (size_t i = 0; i < g.steps.size(); ++i)
          trace->push_back({g.steps[i]->entry,
                            computeUnitName(ComputeUnit::GPU),
                            g.steps[i]->source, start + timings[i].first,
                            timings[i].second, 0, step + (uint32_t)i});
        continue;
      }
      const bundle::StepData *s = g.steps.front();
      // Copies and whole CPU segments run on the host.
      trace->push_back(
          {s->isCopy() ? "copy" : s->entry,
           computeUnitName(s->computeUnit().value_or(ComputeUnit::CPU)),
           s->source, start, end - start, 0, step});
    }
    if (!bindCallerArrays)
      for (auto [slot, o] : outputs)
        if (out[o].byteSize())
          std::memcpy(out[o].data(), slotHost[slot], out[o].byteSize());
  }

private:
  /// Runs every workgroup of one dispatch on the pool; with a trace, one
  /// event per worker that ran some of them, on that worker's track.
  void runDispatch(Dispatch &d, const bundle::StepData &step,
                   uint32_t stepIndex, std::vector<TraceEvent> *trace) {
    d.tracing = trace != nullptr;
    if (trace) {
      d.workerStart.assign(pool->size(), -1);
      d.workerEnd.assign(pool->size(), -1);
    }
    pool->run(d.state.workgroup_count[0], &Dispatch::runWorkgroup, &d);
    if (int32_t rc = d.failure.exchange(0))
      throw AssetError(AssetError::Code::Internal, "dispatch '" + step.entry +
                                                       "' failed with code " +
                                                       std::to_string(rc));
    if (!trace)
      return;
    for (uint32_t w = 0; w < pool->size(); ++w)
      if (d.workerStart[w] >= 0)
        trace->push_back({step.entry, computeUnitName(ComputeUnit::CPU),
                          step.source, d.workerStart[w],
                          d.workerEnd[w] - d.workerStart[w], w, stepIndex});
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
    // calloc: zeroed pages come from the OS lazily, so an arena costs the
    // memory its runs touch (64-byte alignment by hand).
    if (size + 64 < size)
      throw AssetError(AssetError::Code::Internal,
                       "out of memory for a " + std::to_string(bytes) +
                           "-byte buffer");
    void *raw = std::calloc(1, size + 64);
    if (!raw)
      throw AssetError(AssetError::Code::Internal, "out of memory for a " +
                                                       std::to_string(bytes) +
                                                       "-byte buffer");
    void *p = reinterpret_cast<void *>(
        (reinterpret_cast<uintptr_t>(raw) + 63) / 64 * 64);
    return {p, std::shared_ptr<void>(raw, std::free)};
  }
  std::shared_ptr<void> prepareKernel(const bundle::ExecutableInfo &exe,
                                      const bundle::SegmentInfo &,
                                      const std::string &,
                                      const std::vector<BoundBuffer> &,
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
    const bundle::ScheduleData &schedule,
    const std::vector<std::shared_ptr<LoadedExecutable>> &executables,
    ScheduleDevice &device, std::shared_ptr<ThreadPool> pool,
    std::string &placement) {
  auto kernel = std::make_unique<ScheduleKernel>();
  kernel->pool = std::move(pool);
  // Host memory (no device): one arena for the scratch slots, the bundle's
  // constants in place, the caller's arrays bound at each run.
  bool host = dynamic_cast<HostScheduleDevice *>(&device) != nullptr;
  kernel->bindCallerArrays = host;
  std::vector<uint64_t> arenaOffset(schedule.slots.size(), 0);
  if (host) {
    uint64_t size = 0;
    for (size_t i = 0; i < schedule.slots.size(); ++i) {
      const bundle::SlotData &slot = schedule.slots[i];
      if (slot.kind != bundle::SlotKind::Scratch || slot.size == 0)
        continue;
      // Scratch sizes come from the bundle: the sum is bounded so a huge
      // plan fails cleanly, never wraps or exhausts the machine.
      uint64_t rounded = (slot.size + 63) / 64 * 64;
      if (rounded < slot.size || size + rounded < size ||
          size + rounded > kMaxArenaBytes)
        throw AssetError(AssetError::Code::Corrupt,
                         "function '" + function.name +
                             "': its scratch slots need more than " +
                             std::to_string(kMaxArenaBytes >> 30) +
                             " GiB");
      arenaOffset[i] = size;
      size += rounded;
    }
    kernel->arena = device.allocate(size);
    kernel->arenaSize = size;
  }
  for (size_t i = 0; i < schedule.slots.size(); ++i) {
    const bundle::SlotData &slot = schedule.slots[i];
    kernel->slotBytes.push_back(slot.size);
    ScheduleDevice::Memory memory;
    if (!host) {
      memory = device.allocate(slot.size);
      if (slot.kind == bundle::SlotKind::Constant && slot.size)
        std::memcpy(memory.host, file.constantData(slot.index), slot.size);
    } else if (slot.size == 0) {
      memory.host = kEmptyBuffer;
    } else if (slot.kind == bundle::SlotKind::Scratch) {
      memory.host = static_cast<char *>(kernel->arena.host) + arenaOffset[i];
    } else if (slot.kind == bundle::SlotKind::Constant) {
      // Read-only by the kernel ABI; 64-byte aligned in the bundle.
      memory.host = const_cast<uint8_t *>(file.constantData(slot.index));
    }
    kernel->slots.push_back(memory);
    kernel->slotHost.push_back(memory.host);
    if (slot.kind == bundle::SlotKind::Input)
      kernel->inputs.push_back({(uint32_t)i, slot.index});
    else if (slot.kind == bundle::SlotKind::Output)
      kernel->outputs.push_back({(uint32_t)i, slot.index});
  }
  auto isCallerSlot = [&](uint32_t a) {
    bundle::SlotKind k = schedule.slots[a].kind;
    return host &&
           (k == bundle::SlotKind::Input || k == bundle::SlotKind::Output);
  };

  size_t gpuSteps = 0, cpuSteps = 0, aneSteps = 0, dispatches = 0;
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
    std::optional<ComputeUnit> unit = step.computeUnit();
    Kind kind = unit == ComputeUnit::GPU ? Kind::GPU
                : unit == ComputeUnit::CPU
                    ? (step.groups.empty() ? Kind::CPU : Kind::Dispatch)
                : unit == ComputeUnit::NeuralEngine ? Kind::ANE
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
    if ((kind == Kind::CPU || kind == Kind::Dispatch || kind == Kind::ANE) &&
        !executables[step.executable])
      throw AssetError(AssetError::Code::Internal,
                       label + ": its executable was not loaded");
    // What the metadata binds to the step, checked against what its code
    // expects once the entry is known to exist.
    std::vector<BoundBuffer> bound;
    for (uint32_t a : step.args) {
      bundle::SlotKind k = schedule.slots[a].kind;
      bound.push_back(
          {schedule.slots[a].size,
           k == bundle::SlotKind::Output || k == bundle::SlotKind::Scratch,
           k != bundle::SlotKind::Scratch,
           std::string(k == bundle::SlotKind::Input      ? "input"
                       : k == bundle::SlotKind::Output   ? "output"
                       : k == bundle::SlotKind::Constant ? "constant"
                                                         : "scratch") +
               " slot " + std::to_string(a)});
    }
    auto checkBound = [&] {
      executables[step.executable]->checkArguments(step.entry, bound, label);
    };
    if (kind == Kind::CPU) {
      ++cpuSteps;
      for (uint32_t a : step.args)
        g.pointers.push_back(kernel->slotHost[a]);
      g.entry = executables[step.executable]->entryPoint(step.entry);
      if (!g.entry)
        throw AssetError(AssetError::Code::Unsupported,
                         label + ": executable " +
                             std::to_string(step.executable) +
                             " has no schedule entry points");
      checkBound();
    } else if (kind == Kind::Dispatch) {
      ++cpuSteps;
      ++dispatches;
      if (!kernel->pool)
        throw AssetError(AssetError::Code::Internal,
                         label + ": no thread pool for CPU dispatches");
      auto d = std::make_unique<Dispatch>();
      for (uint32_t a : step.args)
        d->bindings.push_back(kernel->slotHost[a]);
      d->entry = executables[step.executable]->dispatchEntry(
          step.entry, (uint32_t)step.args.size(), label);
      checkBound();
      d->state.bindings = d->bindings.data();
      d->state.binding_count = (uint32_t)d->bindings.size();
      d->state.workgroup_count[0] = step.groups[0];
      d->state.workgroup_count[1] = 1;
      d->state.workgroup_count[2] = 1;
      g.dispatch = std::move(d);
    } else if (kind == Kind::ANE) {
      ++aneSteps;
      std::vector<uint64_t> bytes;
      for (uint32_t a : step.args) {
        g.pointers.push_back(kernel->slotHost[a]);
        bytes.push_back(kernel->slotBytes[a]);
      }
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
                                           step.entry, bound, label);
      for (uint32_t a : step.args)
        launch.buffers.push_back(kernel->slots[a].handle);
      for (int d = 0; d < 3; ++d)
        launch.groups[d] = step.groups[d];
      pending.push_back(std::move(launch));
    }
  }
  flush();
  // The pointer tables are final now: note where caller arrays go.
  for (ScheduleKernel::Group &g : kernel->groups) {
    std::vector<void *> &table = g.dispatch ? g.dispatch->bindings : g.pointers;
    const std::vector<uint32_t> &args = g.steps.front()->args;
    if (g.kind == ScheduleKernel::Group::Kind::Copy ||
        g.kind == ScheduleKernel::Group::Kind::GPU)
      continue;
    for (size_t k = 0; k < args.size(); ++k)
      if (isCallerSlot(args[k]))
        kernel->callerRefs.push_back({&table[k], args[k]});
  }
  uint64_t bytes = 0;
  if (host) {
    bytes = kernel->arenaSize;
  } else {
    for (uint64_t b : kernel->slotBytes)
      bytes += b;
  }
  char mb[32];
  std::snprintf(mb, sizeof(mb), "%.2f", bytes / 1e6);
  std::string steps;
  for (auto [n, unit] :
       {std::pair<size_t, ComputeUnit>{aneSteps, ComputeUnit::NeuralEngine},
        {gpuSteps, ComputeUnit::GPU},
        {cpuSteps, ComputeUnit::CPU}})
    if (n || unit != ComputeUnit::NeuralEngine)
      steps += std::to_string(n) + " " + computeUnitName(unit) + " + ";
  steps.resize(steps.size() - 3);
  if (host)
    placement =
        "schedule: " + steps + " steps" +
        (dispatches
             ? " (" + std::to_string(dispatches) +
                   (dispatches == 1 ? " dispatch on " : " dispatches on ") +
                   std::to_string(kernel->pool->size()) + " threads)"
             : std::string()) +
        ", " + mb + " MB arena";
  else
    placement = "schedule: " + steps + " steps over " +
                std::to_string(kernel->slots.size()) + " buffers (" + mb +
                " MB) on " + device.name();
  return kernel;
}

} // namespace coreai::runtime

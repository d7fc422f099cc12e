//===- Executor.h - The interface between the runtime and compute units ---===//
//
// The runtime core knows bundles, arrays and functions; an Executor knows how
// to run one kind of executable on one compute unit (CPU shared objects,
// Vulkan SPIR-V, neural-engine command streams). Executors live in separate
// libraries and are registered at startup, so an app links only the units it
// ships and the core stays free of their dependencies.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_EXECUTOR_H
#define COREAI_RUNTIME_EXECUTOR_H

#include "coreai/AssetError.h"
#include "coreai/ComputeUnit.h"
#include "coreai/ModelAsset.h"
#include "coreai/ModelCache.h"
#include "coreai/NDArray.h"
#include "lib/Bundle/BundleReader.h"
#include "lib/Bundle/KernelABI.h"

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace coreai::runtime {

/// One bundle function, ready to run. Inputs and outputs have been checked
/// against the function's descriptor before run() is called. `trace`, if
/// given, receives an event per dispatch.
class Kernel {
public:
  virtual ~Kernel() = default;
  virtual void run(const std::vector<NDArray> &inputs,
                   std::vector<NDArray> &outputs,
                   std::vector<TraceEvent> *trace) = 0;
  /// The simulated neural-engine time of the last run, in milliseconds;
  /// negative when the kernel uses no simulated unit.
  virtual double simulatedEngineMillis() const { return -1; }
  /// Bytes of scratch memory allocated once for all runs (the arena).
  virtual uint64_t arenaBytes() const { return 0; }
};

/// A sequence of kernel launches recorded once and run many times.
class LaunchSequence {
public:
  virtual ~LaunchSequence() = default;
  /// Runs the launches in order (each sees the writes of those before) and
  /// waits for them; on return their writes are visible to the host.
  /// `timings`, if given, gets each launch's start and duration in
  /// microseconds from the start of the first. Throws AssetError.
  virtual void run(std::vector<std::pair<double, double>> *timings) = 0;
};

/// A buffer the runtime will bind to an entry point: its size, whether the
/// code may write it (outputs and scratch; not inputs or constants), whether
/// the code must use exactly that size (a tensor: input, output, constant)
/// or at most it (scratch shared by several buffers), and what it is, for
/// messages.
struct BoundBuffer {
  uint64_t bytes = 0;
  bool writable = false;
  bool exact = true;
  std::string what;
};

/// The memory and kernels of a unit that runs the steps of schedules (the
/// GPU), opened once per specialization.
class ScheduleDevice {
public:
  virtual ~ScheduleDevice() = default;
  /// e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".
  virtual std::string name() const = 0;
  /// Empty if kernels of `exe` can run here, else why not.
  virtual std::string whyNot(const bundle::ExecutableInfo &exe) const = 0;

  /// A buffer the host reads and writes through `host` while no launch that
  /// uses it runs; `handle` binds it to launches.
  struct Memory {
    void *host = nullptr;
    std::shared_ptr<void> handle;
  };
  virtual Memory allocate(uint64_t bytes) = 0;

  /// Prepares entry point `entry` of executable `exe` (whose verified
  /// segment, with its content hash, is `segment`) taking the buffers
  /// `bound` (binding i = bound[i]), having checked them against what the
  /// code uses. Throws AssetError naming `label`.
  virtual std::shared_ptr<void>
  prepareKernel(const bundle::ExecutableInfo &exe,
                const bundle::SegmentInfo &segment, const std::string &entry,
                const std::vector<BoundBuffer> &bound,
                const std::string &label) = 0;

  struct Launch {
    std::shared_ptr<void> kernel;
    std::vector<std::shared_ptr<void>> buffers; // binding i
    std::array<uint32_t, 3> groups{1, 1, 1};
  };
  virtual std::unique_ptr<LaunchSequence>
  record(const std::vector<Launch> &launches) = 0;

  /// Seeds what the device keeps between processes (a pipeline cache) from
  /// the entry of bundle `bundleHash` in `cache`, before any kernel is
  /// prepared; returns whether there was a valid entry. Never throws.
  virtual bool loadCache(const ModelCache &cache, uint64_t bundleHash) {
    (void)cache;
    (void)bundleHash;
    return false;
  }
  /// After a specialization prepared all its kernels: stores that state
  /// for bundle `bundleHash` (model name `model`) when it changed. Never
  /// throws.
  virtual void storeCache(const ModelCache &cache, uint64_t bundleHash,
                          const std::string &model) {
    (void)cache;
    (void)bundleHash;
    (void)model;
  }
};

/// A layer a simulated unit (the neural engine) ran, with its simulated time.
struct SimulatedLayer {
  std::string name;   // e.g. "conv"
  std::string source; // the graph nodes it came from
  double micros = 0;
};

/// Runs one schedule step of a simulated unit over buffer pointers (in step
/// argument order), appends the layers it ran to `layers` when given, and
/// returns the step's simulated duration in microseconds.
using SimulatedStep =
    std::function<double(void *const *, std::vector<SimulatedLayer> *)>;

/// An executable loaded for its unit (e.g. a dlopen-ed shared object).
class LoadedExecutable {
public:
  virtual ~LoadedExecutable() = default;
  /// Checks the buffers the bundle's metadata binds to entry `symbol`
  /// against what its code was compiled for (CPU: the argument table,
  /// KernelABI.h): none smaller than the code touches, none written that
  /// may not be. Throws AssetError (Corrupt) naming `label`. Executables
  /// whose code the runtime checks otherwise have nothing to check here.
  virtual void checkArguments(const std::string &symbol,
                              const std::vector<BoundBuffer> &buffers,
                              const std::string &label) {
    (void)symbol, (void)buffers, (void)label;
  }
  /// Prepares `function`; `constants` are its constant buffers in argument
  /// order (in the mapped bundle, alive as long as the model). Throws
  /// AssetError.
  virtual std::unique_ptr<Kernel>
  prepare(const bundle::FunctionInfo &function,
          std::vector<const void *> constants) = 0;
  /// A callable for entry point `symbol` taking buffer pointers (KernelABI.h
  /// order: inputs, then outputs), for schedule steps on this unit; null if
  /// this kind of executable has no such entry points. Throws AssetError if
  /// the symbol is missing.
  virtual std::function<void(void *const *)>
  entryPoint(const std::string &symbol) {
    (void)symbol;
    return nullptr;
  }
  /// For CPU dispatch steps: entry point `symbol` (KernelABI.h dispatch),
  /// having checked that it takes `numBindings` bindings. Throws AssetError
  /// if it is missing or takes a different number; `label` names the step.
  virtual coreai_dispatch_fn dispatchEntry(const std::string &symbol,
                                           uint32_t numBindings,
                                           const std::string &label) {
    (void)symbol;
    (void)numBindings;
    throw AssetError(AssetError::Code::Unsupported,
                     label + ": this executable has no dispatches");
  }
  /// For simulated units: a step running program `symbol`, whose arguments
  /// are buffers of `argBytes` bytes; null if this executable is not
  /// simulated. Throws AssetError if the program is missing or does not fit
  /// the buffers.
  virtual SimulatedStep simulatedEntryPoint(const std::string &symbol,
                                            const std::vector<uint64_t> &argBytes) {
    (void)symbol;
    (void)argBytes;
    return nullptr;
  }
};

/// Empty if `exe` has the executable format `format`, else the reason
/// executors give for refusing it.
inline std::string whyNotFormat(const bundle::ExecutableInfo &exe,
                                const std::string &format) {
  if (exe.format == format)
    return "";
  return "format '" + exe.format + "' is not supported (expected '" + format +
         "')";
}

class Executor {
public:
  virtual ~Executor() = default;
  virtual ComputeUnit unit() const = 0;
  /// A short name for messages, e.g. "cpu (dlopen)".
  virtual std::string name() const = 0;
  /// Empty if this executor can run `exe` on this host, else the reason.
  virtual std::string whyNot(const bundle::ExecutableInfo &exe) const = 0;
  /// Loads an executable (`bytes` are its segment). `label` names it in
  /// messages. Throws AssetError.
  virtual std::shared_ptr<LoadedExecutable>
  load(const bundle::ExecutableInfo &exe, const uint8_t *bytes, uint64_t size,
       const std::string &label) = 0;
  /// Whether load() can use the segment from a file (a model-cache entry
  /// whose payload was checked against the segment's hash) through
  /// loadFile(); a unit that only reads the bytes gains nothing from it.
  virtual bool loadsFromFiles() const { return false; }
  /// As load(), from `path`, a file that begins with the segment's `size`
  /// bytes (also at `bytes`). Throws AssetError.
  virtual std::shared_ptr<LoadedExecutable>
  loadFile(const bundle::ExecutableInfo &exe, const std::string &path,
           const uint8_t *bytes, uint64_t size, const std::string &label) {
    (void)path;
    return load(exe, bytes, size, label);
  }
  /// For units that run schedule steps (the GPU): opens the device the
  /// options ask for, or throws AssetError saying why it cannot. Other units
  /// return null. `robust`: for a bundle whose kernels are not trusted, so
  /// that an access past a bound buffer is contained (the GPU's kernels
  /// have no argument tables to check the metadata against).
  virtual std::shared_ptr<ScheduleDevice>
  openDevice(const SpecializationOptions &options, bool robust) {
    (void)options, (void)robust;
    return nullptr;
  }
};

/// Makes `executor` available to every later specialize(). Replaces an
/// executor with the same name(). Thread-safe.
void registerExecutor(std::shared_ptr<Executor> executor);

/// The registered executors, in registration order. Thread-safe.
std::vector<std::shared_ptr<Executor>> registeredExecutors();

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_EXECUTOR_H

//===- ModelState.h - What the runtime handles share (internal) -----------===//
#ifndef COREAI_RUNTIME_MODELSTATE_H
#define COREAI_RUNTIME_MODELSTATE_H

#include "coreai/ModelAsset.h"
#include "lib/Bundle/BundleReader.h"
#include "lib/Runtime/Executor.h"
#include "lib/Runtime/ThreadPool.h"

#include <functional>

namespace coreai::runtime {

struct AssetState {
  std::shared_ptr<const bundle::BundleFile> file;
  std::string path;
  double openMillis = 0;
};

struct FunctionState {
  FunctionDescriptor descriptor;
  // The function this is a shape variant of ("" for none), and for a
  // function with enumerated shapes, every variant's state (this one
  // first); run() picks one by the inputs' shapes.
  std::string variantOf;
  std::vector<const FunctionState *> shapeVariants;
  ComputeUnit unit = ComputeUnit::CPU;
  std::string placement = "cpu";
  // Which of the bundle function's schedules runs; -1: the whole function.
  int schedule = -1;
  std::unique_ptr<Kernel> kernel;
  // Outputs whose shape is decided at run time (bundle format 1.5): the
  // kernel's outputs (the bundle's, their extents included), and for each
  // output of the descriptor its index among them and that of its extents
  // (-1: none). Empty when the kernel's outputs are the descriptor's.
  std::vector<TensorDescriptor> kernelOutputs;
  std::vector<uint32_t> outputOf;
  std::vector<int32_t> extentsOf;
  std::vector<bool> reshapedOf; // the value is reshaped, not a box
  // Another kernel for the function with state of its own (scratch, GPU
  // buffers, recorded launches), for a ComputeStream. Throws AssetError.
  std::function<std::unique_ptr<Kernel>()> instantiate;
};

struct ModelState {
  std::shared_ptr<const AssetState> asset; // keeps constants mapped
  // Declared after `asset` so they are unloaded before the bundle is unmapped.
  std::vector<std::shared_ptr<LoadedExecutable>> executables;
  std::shared_ptr<ScheduleDevice> gpu;  // outlive the kernels that use them
  std::shared_ptr<ScheduleDevice> host; // for schedules without GPU steps
  std::shared_ptr<ThreadPool> pool;     // runs CPU dispatches' workgroups
  unsigned threads = 1;                 // the pool's size, when it exists
  std::string cpuVariant;               // arch of the CPU executable loaded
  int64_t cpuExecutable = -1;           // the CPU variant chosen, or -1
  std::string cpuError;                 // why none, if so
  bool trusted = false;                 // signed by a trusted key
  bool nativeCodeAllowed = true;        // the trust policy allows CPU code
  bool nativeCodeFromCache = true;      // ... and loading it from the cache
  std::vector<FunctionState> functions;
  double specializationMillis = 0;
  // Artifacts found in and missing from SpecializationOptions::cache.
  unsigned cacheHits = 0, cacheMisses = 0;
  std::string cacheUse = "off";
};

/// Prepares `schedule`, one of `function`'s, on `device` (its CPU steps call
/// into `executables`, which must hold every CPU executable the steps use; CPU
/// dispatches run their workgroups on `pool`). Sets `placement` to a
/// one-line summary. Throws AssetError.
std::unique_ptr<Kernel> prepareSchedule(
    const bundle::BundleFile &file, const bundle::FunctionInfo &function,
    const bundle::ScheduleData &schedule,
    const std::vector<std::shared_ptr<LoadedExecutable>> &executables,
    ScheduleDevice &device, std::shared_ptr<ThreadPool> pool,
    std::string &placement);

/// Host memory for schedules whose steps all run on the CPU.
std::shared_ptr<ScheduleDevice> createHostScheduleDevice();

/// The descriptor of a bundle function of `file`, in API terms, with the
/// shapes of its variants when it has enumerated shapes. The outputs that
/// hold other outputs' run-time extents are not listed.
FunctionDescriptor describe(const bundle::BundleFile &file,
                            const bundle::FunctionInfo &function);

/// Sets `fs.descriptor` to the description of `function`, and, when it has
/// outputs of run-time shape, what run() needs to return them
/// (FunctionState::kernelOutputs).
void describeFunction(const bundle::BundleFile &file,
                      const bundle::FunctionInfo &function, FunctionState &fs);

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_MODELSTATE_H

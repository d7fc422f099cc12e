//===- Specialize.cpp - From a verified bundle to a runnable Model --------===//
//
// Specialization picks, for every function, an executor that can run its
// executable on this host within the allowed units, loads each executable
// once, and prepares each function's kernel with pointers to its constants in
// the mapped bundle (used in place, never copied).
//
//===----------------------------------------------------------------------===//
#include "coreai/ModelAsset.h"

#include "lib/Bundle/Shape.h"
#include "lib/Runtime/ModelState.h"
#include "lib/Runtime/Timing.h"
#include "lib/Runtime/TrustCheck.h"

#include <algorithm>
#include <system_error>

namespace coreai::runtime {
namespace {

std::string unitList(const std::vector<ComputeUnit> &units) {
  std::string s;
  for (ComputeUnit u : units)
    s += (s.empty() ? "" : ", ") + std::string(computeUnitName(u));
  return s.empty() ? "none" : s;
}

std::string describeExecutable(uint32_t index,
                               const bundle::ExecutableInfo &exe) {
  return "executable " + std::to_string(index) + " (" + exe.unit + ", " +
         exe.arch + ", " + exe.format + ")";
}

bool allows(const SpecializationOptions &options, ComputeUnit unit) {
  return std::find(options.allowedUnits.begin(), options.allowedUnits.end(),
                   unit) != options.allowedUnits.end();
}

/// The executor that will load `exe` for `function`, or an AssetError that
/// says why none can.
std::shared_ptr<Executor>
chooseExecutor(const bundle::FunctionInfo &function, uint32_t index,
               const bundle::ExecutableInfo &exe,
               const SpecializationOptions &options,
               const std::vector<std::shared_ptr<Executor>> &executors) {
  std::string what = "function '" + function.name + "'";
  std::optional<ComputeUnit> unit = parseComputeUnit(exe.unit);
  if (!unit)
    throw AssetError(AssetError::Code::Unsupported,
                     what + " needs compute unit '" + exe.unit +
                         "', which this runtime does not know");
  if (!allows(options, *unit))
    throw AssetError(AssetError::Code::Unsupported,
                     what + " runs on " + computeUnitName(*unit) +
                         ", which is not among the allowed units (" +
                         unitList(options.allowedUnits) + ")");
  std::string reasons;
  for (const auto &executor : executors) {
    if (executor->unit() != *unit)
      continue;
    std::string why = executor->whyNot(exe);
    if (why.empty())
      return executor;
    reasons += "; " + executor->name() + ": " + why;
  }
  if (reasons.empty())
    throw AssetError(AssetError::Code::Unsupported,
                     what + " runs on " + computeUnitName(*unit) + ", but no " +
                         computeUnitName(*unit) +
                         " executor is registered in this runtime");
  throw AssetError(AssetError::Code::Unsupported,
                   "cannot run " + describeExecutable(index, exe) + " of " +
                       what + reasons);
}

bool uses(const bundle::ScheduleData &schedule, ComputeUnit unit) {
  for (const bundle::StepData &step : schedule.steps)
    if (step.computeUnit() == unit)
      return true;
  return false;
}

/// A schedule of CPU dispatches only (how a CPU function runs), as opposed
/// to a function split across units.
bool isCPUDispatchSchedule(const bundle::ScheduleData &schedule) {
  size_t dispatches = 0;
  for (const bundle::StepData &step : schedule.steps) {
    bool dispatch =
        step.computeUnit() == ComputeUnit::CPU && !step.groups.empty();
    if (!dispatch && !step.isCopy())
      return false;
    dispatches += dispatch;
  }
  // A split function whose ops all folded away has copies only: it is not
  // a CPU function.
  return dispatches > 0;
}

/// How much a CPU variant can do, to pick the best one a host runs.
int variantRank(const std::string &arch) {
  for (int level : {4, 3, 2})
    if (arch.size() > 3 &&
        arch.compare(arch.size() - 3, 3, "-v" + std::to_string(level)) == 0)
      return level;
  return 1;
}

/// Chooses the CPU executable every CPU step and function of the model
/// runs: the variant options.cpuVariant names, else the best one the host
/// supports. All CPU executables of a bundle are variants of one program.
/// Returns its index, or -1 with `why` saying why none can run.
int64_t chooseCPUVariant(
    const bundle::BundleFile &file, const SpecializationOptions &options,
    const std::vector<std::shared_ptr<Executor>> &executors, std::string &why) {
  int64_t best = -1;
  std::string have, reasons;
  for (size_t i = 0; i < file.executables().size(); ++i) {
    const bundle::ExecutableInfo &exe = file.executables()[i];
    if (exe.computeUnit() != ComputeUnit::CPU)
      continue;
    have += (have.empty() ? "" : ", ") + exe.arch;
    if (!options.cpuVariant.empty() && exe.arch != options.cpuVariant)
      continue;
    std::string reason = "no cpu executor is registered in this runtime";
    for (const auto &executor : executors)
      if (executor->unit() == ComputeUnit::CPU) {
        reason = executor->whyNot(exe);
        if (reason.empty())
          break;
      }
    if (!reason.empty()) {
      reasons += (reasons.empty() ? "" : "; ") + exe.arch + ": " + reason;
      continue;
    }
    if (best < 0 ||
        variantRank(exe.arch) > variantRank(file.executables()[best].arch))
      best = (int64_t)i;
  }
  if (best >= 0)
    return best;
  if (!options.cpuVariant.empty() && reasons.empty())
    why = "the bundle has no CPU variant '" + options.cpuVariant +
          "' (it has " + (have.empty() ? "none" : have) + ")";
  else
    why = "no CPU variant of the bundle runs on this host (" +
          (reasons.empty() ? "it has none" : reasons) + ")";
  return -1;
}

bool hasCodeFor(const bundle::BundleFile &file, ComputeUnit unit) {
  for (const bundle::ExecutableInfo &exe : file.executables())
    if (exe.computeUnit() == unit)
      return true;
  return false;
}

std::shared_ptr<ScheduleDevice>
openGPU(const SpecializationOptions &options,
        const std::vector<std::shared_ptr<Executor>> &executors, bool robust) {
  for (const auto &executor : executors)
    if (executor->unit() == ComputeUnit::GPU)
      if (auto device = executor->openDevice(options, robust))
        return device;
  throw AssetError(AssetError::Code::Unsupported,
                   "no gpu executor is registered in this runtime");
}

/// The path of a model-cache entry holding executable `index`'s segment
/// (stored now when missing), counted as a hit or a miss; empty when the
/// cache cannot be written (the segment is then loaded from the bundle).
std::string cachedSegment(const ModelCache &cache,
                          const bundle::BundleFile &file, uint32_t index,
                          ModelState &state) {
  const bundle::ExecutableInfo &exe = file.executables()[index];
  const bundle::SegmentInfo &seg = file.segments()[exe.segment];
  // The bytes are the bundle's: the key needs only which executable.
  CacheKey key{file.contentHash(), exe.unit + "-executable",
               exe.arch + " " + exe.format + " executable " +
                   std::to_string(index)};
  std::string path = cache.find(key, seg.size, seg.hash);
  if (!path.empty()) {
    ++state.cacheHits;
    return path;
  }
  ++state.cacheMisses;
  std::string error;
  return cache.store(key, file.metadata().name, seg.data, seg.size, error);
}

/// The executor for executable `index` of `function` (within the allowed
/// units), having loaded the executable once per model.
std::shared_ptr<Executor>
ensureLoaded(const bundle::BundleFile &file, uint32_t index,
             const bundle::FunctionInfo &function,
             const SpecializationOptions &options,
             const std::vector<std::shared_ptr<Executor>> &executors,
             ModelState &state) {
  uint32_t requested = index;
  if (file.executables()[index].computeUnit() == ComputeUnit::CPU &&
      allows(options, ComputeUnit::CPU)) {
    // Every CPU executable stands for the variant chosen for the host.
    if (state.cpuExecutable < 0)
      throw AssetError(AssetError::Code::Unsupported,
                       "function '" + function.name + "': " + state.cpuError);
    index = (uint32_t)state.cpuExecutable;
  }
  const bundle::ExecutableInfo &exe = file.executables()[index];
  bool native = exe.computeUnit() == ComputeUnit::CPU;
  if (native && !state.nativeCodeAllowed)
    throw AssetError(AssetError::Code::Untrusted,
                     "function '" + function.name +
                         "' needs the bundle's CPU code, and the trust "
                         "policy no-unsigned-native-code runs native code "
                         "only from bundles signed by a trusted key");
  std::shared_ptr<Executor> executor =
      chooseExecutor(function, index, exe, options, executors);
  if (!state.executables[index]) {
    const bundle::SegmentInfo &seg = file.segments()[exe.segment];
    std::string label = describeExecutable(index, exe);
    std::string cached;
    if (options.cache && executor->loadsFromFiles() &&
        (!native || state.nativeCodeFromCache))
      cached = cachedSegment(*options.cache, file, index, state);
    state.executables[index] =
        cached.empty()
            ? executor->load(exe, seg.data, seg.size, label)
            : executor->loadFile(exe, cached, seg.data, seg.size, label);
    if (native)
      state.cpuVariant = exe.arch;
  }
  state.executables[requested] = state.executables[index];
  return executor;
}

/// Prepares `function`'s schedule: GPU steps on the GPU (whose memory then
/// holds every slot), neural-engine steps in its simulator. Throws
/// AssetError.
FunctionState prepareScheduled(
    const bundle::BundleFile &file, const bundle::FunctionInfo &function,
    const bundle::ScheduleData &schedule, const SpecializationOptions &options,
    const std::vector<std::shared_ptr<Executor>> &executors,
    ModelState &state) {
  bool gpu = uses(schedule, ComputeUnit::GPU);
  bool ane = uses(schedule, ComputeUnit::NeuralEngine);
  if (gpu && !state.gpu) {
    state.gpu = openGPU(options, executors, !state.trusted);
    if (options.cache) {
      bool hit = state.gpu->loadCache(*options.cache, file.contentHash());
      ++(hit ? state.cacheHits : state.cacheMisses);
    }
  }
  if (!gpu && !state.host)
    state.host = createHostScheduleDevice();
  ScheduleDevice &device = gpu ? *state.gpu : *state.host;
  for (const bundle::StepData &step : schedule.steps) {
    std::optional<ComputeUnit> unit = step.computeUnit();
    if (unit == ComputeUnit::CPU || unit == ComputeUnit::NeuralEngine)
      ensureLoaded(file, step.executable, function, options, executors, state);
    if (unit == ComputeUnit::GPU) {
      const bundle::ExecutableInfo &exe = file.executables()[step.executable];
      if (std::string why = device.whyNot(exe); !why.empty())
        throw AssetError(AssetError::Code::Unsupported,
                         describeExecutable(step.executable, exe) + ": " + why);
    }
  }
  FunctionState fs;
  describeFunction(file, function, fs);
  fs.variantOf = function.variantOf;
  fs.unit = ane   ? ComputeUnit::NeuralEngine
            : gpu ? ComputeUnit::GPU
                  : ComputeUnit::CPU;
  if (!state.pool && isCPUDispatchSchedule(schedule)) {
    try {
      state.pool = std::make_shared<ThreadPool>(state.threads);
    } catch (const std::system_error &e) {
      throw AssetError(AssetError::Code::Internal,
                       "cannot start " + std::to_string(state.threads) +
                           " threads: " + e.what());
    }
  }
  fs.kernel = prepareSchedule(file, function, schedule, state.executables,
                              device, state.pool, fs.placement);
  // Streams prepare their own copy (slots, recorded launches) the same way.
  std::shared_ptr<ScheduleDevice> devicePtr = gpu ? state.gpu : state.host;
  std::vector<std::shared_ptr<LoadedExecutable>> executables =
      state.executables;
  std::shared_ptr<ThreadPool> pool = state.pool;
  const bundle::BundleFile *filePtr = &file;
  const bundle::FunctionInfo *functionPtr = &function;
  const bundle::ScheduleData *schedulePtr = &schedule;
  fs.instantiate = [=] {
    std::string placement;
    return prepareSchedule(*filePtr, *functionPtr, *schedulePtr, executables,
                           *devicePtr, pool, placement);
  };
  return fs;
}

} // namespace

Model ModelAsset::specialize(const SpecializationOptions &options) const {
  Stopwatch watch;
  const bundle::BundleFile &file = *state_->file;
  if (options.allowedUnits.empty())
    throw AssetError(AssetError::Code::InvalidArgument,
                     "no compute unit is allowed");

  // The trust policy first: nothing of a refused bundle is loaded.
  bool trusted = checkTrust(file, options);
  auto state = std::make_shared<ModelState>();
  state->asset = state_;
  state->trusted = trusted;
  state->nativeCodeAllowed =
      trusted || options.trust == TrustPolicy::AllowUnsigned;
  // Under a policy, native code comes from the verified bundle only: a
  // cache entry is a file anyone with access to the cache could replace.
  state->nativeCodeFromCache = options.trust == TrustPolicy::AllowUnsigned;
  state->executables.resize(file.executables().size());
  std::vector<std::shared_ptr<Executor>> executors = registeredExecutors();
  if (options.threads > ThreadPool::kMaxThreads)
    throw AssetError(AssetError::Code::InvalidArgument,
                     std::to_string(options.threads) +
                         " threads asked for; at most " +
                         std::to_string(ThreadPool::kMaxThreads));
  state->threads =
      options.threads ? options.threads : ThreadPool::defaultThreads();
  state->cpuExecutable =
      chooseCPUVariant(file, options, executors, state->cpuError);
  if (!options.cpuVariant.empty() && state->cpuExecutable < 0)
    throw AssetError(AssetError::Code::Unsupported, state->cpuError);

  // With a unit other than the CPU preferred, a function compiled for it
  // runs its schedule (even when every step ended up on the CPU) or
  // specialization fails saying why.
  std::optional<ComputeUnit> required;
  if (options.preferredUnit && *options.preferredUnit != ComputeUnit::CPU)
    required = options.preferredUnit;
  if (required && !allows(options, *required))
    throw AssetError(AssetError::Code::InvalidArgument,
                     std::string("the ") + computeUnitTitle(*required) +
                         " is preferred but not allowed");
  for (const bundle::FunctionInfo &function : file.functions()) {
    // The schedules are best first: the first one whose units are all
    // allowed (and, with a required unit, that uses it) and that prepares
    // runs. What made better ones unusable is said in placement().
    std::string notes;
    auto note = [&](const std::string &text) {
      notes += (notes.empty() ? "" : "; ") + text;
    };
    std::string where = "cannot run function '" + function.name + "' on the " +
                        (required ? computeUnitTitle(*required) : "") + ": ";
    bool candidates = false, placed = false;
    for (const bundle::ScheduleData &schedule : function.schedule) {
      bool split = uses(schedule, ComputeUnit::GPU) ||
                   uses(schedule, ComputeUnit::NeuralEngine);
      // With a unit required: the schedules that use it, or one of CPU
      // segments only (every op of the function fell back to the CPU) in a
      // bundle compiled for it.
      bool dispatches = isCPUDispatchSchedule(schedule);
      if (required && !uses(schedule, *required) &&
          (split || dispatches ||
           (*required == ComputeUnit::NeuralEngine &&
            !hasCodeFor(file, *required))))
        continue;
      // CPU segments only: the whole function does the same in one call.
      if (!required && !split && !dispatches)
        continue;
      std::string notAllowed;
      for (ComputeUnit u :
           {ComputeUnit::GPU, ComputeUnit::NeuralEngine, ComputeUnit::CPU})
        if (notAllowed.empty() && uses(schedule, u) && !allows(options, u))
          notAllowed = computeUnitTitle(u);
      if (!notAllowed.empty()) {
        if (split)
          note(notAllowed + " not allowed");
        continue;
      }
      candidates = true;
      try {
        FunctionState fs = prepareScheduled(file, function, schedule, options,
                                            executors, *state);
        fs.schedule = int(&schedule - function.schedule.data());
        if (!notes.empty())
          fs.placement += " (" + notes + ")";
        state->functions.push_back(std::move(fs));
        placed = true;
        break;
      } catch (const AssetError &e) {
        if (required)
          throw AssetError(e.code(), where + e.message());
        // The CPU's own schedule failing is no reason to try another way.
        if (dispatches)
          throw;
        note(std::string(uses(schedule, ComputeUnit::GPU) ? "GPU"
                         : uses(schedule, ComputeUnit::NeuralEngine)
                             ? "neural engine"
                             : "CPU dispatches") +
             " not used: " + e.message());
      }
    }
    if (placed)
      continue;
    if (required) {
      if (!candidates && !notes.empty())
        throw AssetError(AssetError::Code::Unsupported, where + notes);
      throw AssetError(
          AssetError::Code::Unsupported,
          "function '" + function.name + "' has no " +
              (*required == ComputeUnit::GPU ? "GPU" : "neural-engine") +
              " code: compile the model with --target " +
              computeUnitName(*required));
    }
    std::string fallback = notes.empty() ? "" : " (" + notes + ")";
    std::shared_ptr<Executor> executor = ensureLoaded(
        file, function.executable, function, options, executors, *state);
    std::vector<const void *> constants;
    for (uint32_t c : function.constants)
      constants.push_back(file.constantData(c));

    FunctionState fs;
    describeFunction(file, function, fs);
    fs.variantOf = function.variantOf;
    fs.unit = executor->unit();
    fs.placement = computeUnitName(fs.unit) + fallback;
    std::shared_ptr<LoadedExecutable> exe =
        state->executables[function.executable];
    // The descriptors and constants against what the entry was compiled
    // for, in its order: inputs, outputs, constants (KernelABI.h).
    std::vector<BoundBuffer> bound;
    auto bytesOf = [](const bundle::TensorDesc &t) {
      uint64_t bytes = 0;
      bundle::byteSize(t.dtype, t.shape, bytes); // checked at open
      return bytes;
    };
    for (size_t i = 0; i < function.inputs.size(); ++i)
      bound.push_back({bytesOf(function.inputs[i]), false, true,
                       "input " + std::to_string(i)});
    for (size_t i = 0; i < function.outputs.size(); ++i)
      bound.push_back({bytesOf(function.outputs[i]), true, true,
                       "output " + std::to_string(i)});
    for (uint32_t c : function.constants)
      bound.push_back({file.segments()[file.constants()[c].segment].size, false,
                       true, "constant " + std::to_string(c)});
    fs.kernel = exe->prepare(function, constants);
    exe->checkArguments(function.entrySymbol, bound,
                        "function '" + function.name + "'");
    const bundle::FunctionInfo *functionPtr = &function;
    fs.instantiate = [exe, functionPtr, constants] {
      return exe->prepare(*functionPtr, constants);
    };
    state->functions.push_back(std::move(fs));
  }
  // Each function with enumerated shapes learns its variants (the vector
  // is complete: the pointers stay valid).
  for (FunctionState &fs : state->functions)
    if (!fs.variantOf.empty())
      for (FunctionState &primary : state->functions)
        if (primary.descriptor.name == fs.variantOf) {
          if (primary.shapeVariants.empty())
            primary.shapeVariants.push_back(&primary);
          primary.shapeVariants.push_back(&fs);
        }
  if (state->gpu && options.cache)
    state->gpu->storeCache(*options.cache, file.contentHash(),
                           file.metadata().name);
  if (state->cacheHits || state->cacheMisses)
    state->cacheUse = !state->cacheMisses ? "hit"
                      : !state->cacheHits ? "miss"
                                          : "partial";
  state->specializationMillis = watch.millis();
  return Model(std::move(state));
}

InferenceFunction Model::function(const std::string &name) const {
  for (const FunctionState &f : state_->functions)
    if (f.descriptor.name == name)
      return InferenceFunction(state_, &f);
  std::string known;
  for (const std::string &f : functionNames())
    known += (known.empty() ? "'" : ", '") + f + "'";
  throw AssetError(AssetError::Code::NotFound,
                   "no function '" + name + "' in the model (it has " +
                       (known.empty() ? "none" : known) + ")");
}

std::vector<std::string> Model::functionNames() const {
  std::vector<std::string> names;
  for (const FunctionState &f : state_->functions)
    if (f.variantOf.empty()) // a shape variant is part of its function
      names.push_back(f.descriptor.name);
  return names;
}

double Model::specializationMillis() const {
  return state_->specializationMillis;
}

const std::string &Model::cacheUse() const { return state_->cacheUse; }

const std::string &Model::cpuVariant() const { return state_->cpuVariant; }

unsigned Model::threads() const { return state_->threads; }

} // namespace coreai::runtime

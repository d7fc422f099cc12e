//===- CpuExecutor.cpp - Runs CPU executables per KernelABI.h -------------===//
#include "lib/Runtime/CPU/CpuExecutor.h"

#include "coreai/KernelABI.h"
#include "lib/Runtime/AssetError.h"
#include "lib/Runtime/CPU/SharedObject.h"

#include <mutex>

namespace coreai::runtime {
namespace {

const char kFormat[] = "elf-shared-object";

/// Whether this CPU has `feature`, as named in executable arch strings
/// ("x86_64-avx2" = x86_64 with AVX2). Unknown names are not assumed.
bool hostHasFeature(const std::string &feature) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (feature == "avx")
    return __builtin_cpu_supports("avx");
  if (feature == "avx2")
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (feature == "fma")
    return __builtin_cpu_supports("fma");
  if (feature == "avx512")
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
  if (feature == "avx512f")
    return __builtin_cpu_supports("avx512f");
  return false;
#elif defined(__aarch64__)
  return feature == "neon";
#else
  (void)feature;
  return false;
#endif
}

/// A loaded shared object plus the lock its kernels share. Generated code may
/// keep scratch memory in static arenas, one per shared object, so calls into
/// one object are serialized.
struct Library {
  std::unique_ptr<SharedObject> object;
  std::mutex mutex;
};

class CpuKernel final : public Kernel {
public:
  CpuKernel(std::shared_ptr<Library> library, coreai_entry_fn entry,
            std::string name, size_t numInputs, size_t numOutputs,
            const std::vector<const void *> &constants)
      : library_(std::move(library)), entry_(entry), name_(std::move(name)),
        numInputs_(numInputs), numOutputs_(numOutputs),
        args_(numInputs + numOutputs + constants.size(), nullptr) {
    // The ABI takes `void *const *`; constants are read-only by contract.
    for (size_t i = 0; i < constants.size(); ++i)
      args_[numInputs + numOutputs + i] = const_cast<void *>(constants[i]);
  }

  void run(const std::vector<NDArray> &inputs, std::vector<NDArray> &outputs,
           std::vector<TraceEvent> *trace) override {
    std::lock_guard<std::mutex> lock(library_->mutex);
    double start = trace ? traceClockUs() : 0;
    // Inputs are read-only by contract (see KernelABI.h).
    for (size_t i = 0; i < numInputs_; ++i)
      args_[i] = const_cast<void *>(inputs[i].data());
    for (size_t i = 0; i < numOutputs_; ++i)
      args_[numInputs_ + i] = outputs[i].data();
    entry_(args_.data());
    if (trace)
      trace->push_back(
          {name_, "cpu", "the whole function", start, traceClockUs() - start});
  }

private:
  std::shared_ptr<Library> library_;
  coreai_entry_fn entry_;
  std::string name_;
  size_t numInputs_;
  size_t numOutputs_;
  std::vector<void *> args_; // guarded by library_->mutex
};

class CpuExecutable final : public LoadedExecutable {
public:
  CpuExecutable(std::shared_ptr<Library> library, std::string label)
      : library_(std::move(library)), label_(std::move(label)) {}

  std::unique_ptr<Kernel>
  prepare(const bundle::FunctionInfo &function,
          std::vector<const void *> constants) override {
    void *sym = library_->object->symbol(function.entrySymbol.c_str());
    if (!sym)
      throw AssetError(AssetError::Code::Corrupt,
                       label_ + " has no entry point '" + function.entrySymbol +
                           "' for function '" + function.name + "'");
    return std::make_unique<CpuKernel>(
        library_, reinterpret_cast<coreai_entry_fn>(sym), function.name,
        function.inputs.size(), function.outputs.size(), constants);
  }

  std::function<void(void *const *)>
  entryPoint(const std::string &symbol) override {
    void *sym = library_->object->symbol(symbol.c_str());
    if (!sym)
      throw AssetError(AssetError::Code::Corrupt,
                       label_ + " has no entry point '" + symbol + "'");
    auto fn = reinterpret_cast<coreai_entry_fn>(sym);
    std::shared_ptr<Library> library = library_;
    return [library, fn](void *const *args) {
      std::lock_guard<std::mutex> lock(library->mutex);
      fn(args);
    };
  }

private:
  std::shared_ptr<Library> library_;
  std::string label_;
};

class CpuExecutor final : public Executor {
public:
  ComputeUnit unit() const override { return ComputeUnit::CPU; }
  std::string name() const override { return "cpu"; }

  std::string whyNot(const bundle::ExecutableInfo &exe) const override {
    if (exe.format != kFormat)
      return "format '" + exe.format + "' is not supported (expected '" +
             kFormat + "')";
    // arch = base ["-" feature]...
    size_t dash = exe.arch.find('-');
    std::string base = exe.arch.substr(0, dash);
    if (base != hostCpuArch())
      return "built for " + base + ", but this host is " + hostCpuArch();
    while (dash != std::string::npos) {
      size_t next = exe.arch.find('-', dash + 1);
      std::string feature = exe.arch.substr(dash + 1, next - dash - 1);
      if (!hostHasFeature(feature))
        return "needs CPU feature '" + feature + "', which this host lacks";
      dash = next;
    }
    return "";
  }

  std::shared_ptr<LoadedExecutable> load(const bundle::ExecutableInfo &,
                                         const uint8_t *bytes, uint64_t size,
                                         const std::string &label) override {
    auto library = std::make_shared<Library>();
    library->object = SharedObject::load(bytes, size, label);
    auto version = reinterpret_cast<coreai_abi_version_fn>(
        library->object->symbol(COREAI_ABI_VERSION_SYMBOL));
    if (!version)
      throw AssetError(AssetError::Code::Unsupported,
                       label + " does not export " COREAI_ABI_VERSION_SYMBOL
                               ": not a coreai CPU executable");
    uint32_t v = version();
    if (v != COREAI_KERNEL_ABI_VERSION)
      throw AssetError(AssetError::Code::Unsupported,
                       label + " uses kernel ABI version " + std::to_string(v) +
                           ", but this runtime supports " +
                           std::to_string(COREAI_KERNEL_ABI_VERSION));
    return std::make_shared<CpuExecutable>(std::move(library), label);
  }
};

} // namespace

const char *hostCpuArch() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}

std::shared_ptr<Executor> createCpuExecutor() {
  return std::make_shared<CpuExecutor>();
}

void registerCpuExecutor() { registerExecutor(createCpuExecutor()); }

} // namespace coreai::runtime

//===- CpuExecutor.cpp - Runs CPU executables per KernelABI.h -------------===//
#include "lib/Runtime/CPU/CpuExecutor.h"

#include "coreai/AssetError.h"
#include "lib/Bundle/KernelABI.h"
#include "lib/Runtime/CPU/SharedObject.h"

#include <map>
#include <mutex>

namespace coreai::runtime {
namespace {

const char kFormat[] = "elf-shared-object";

/// Why this host cannot run code built for `arch` (empty if it can).
/// Variants are named as --cpu-arch names them ("x86-64-v3"); bundles from
/// before variants say "x86_64" for the baseline.
std::string whyHostCannotRun(const std::string &arch) {
  std::string isa = arch == "aarch64" ? "aarch64"
                    : arch == "x86_64" || arch.rfind("x86-64", 0) == 0
                        ? "x86_64"
                        : "";
  if (isa.empty())
    return "unknown CPU architecture '" + arch + "'";
  if (isa != hostCpuArch())
    return "built for " + isa + ", but this host is " + hostCpuArch();
#if defined(__x86_64__)
  __builtin_cpu_init();
  bool ok = arch == "x86_64" || arch == "x86-64" ||
            (arch == "x86-64-v2" && __builtin_cpu_supports("x86-64-v2")) ||
            (arch == "x86-64-v3" && __builtin_cpu_supports("x86-64-v3")) ||
            (arch == "x86-64-v4" && __builtin_cpu_supports("x86-64-v4"));
  if (!ok)
    return arch == "x86-64-v2" || arch == "x86-64-v3" || arch == "x86-64-v4"
               ? "this host's CPU does not implement " + arch
               : "unknown CPU architecture '" + arch + "'";
#endif
  return "";
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
      trace->push_back({name_, computeUnitName(ComputeUnit::CPU),
                        "the whole function", start, traceClockUs() - start});
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

  void checkArguments(const std::string &symbol,
                      const std::vector<BoundBuffer> &buffers,
                      const std::string &label) override {
    auto *table = static_cast<const uint64_t *>(library_->object->symbol(
        (symbol + COREAI_ARGUMENT_TABLE_SUFFIX).c_str()));
    if (!table)
      throw AssetError(AssetError::Code::Corrupt,
                       label + ": " + label_ + " has no argument table for '" +
                           symbol + "'");
    if (table[0] != buffers.size())
      throw AssetError(AssetError::Code::Corrupt,
                       label + ": '" + symbol + "' was compiled for " +
                           std::to_string(table[0]) +
                           " buffers, the bundle "
                           "binds " +
                           std::to_string(buffers.size()));
    for (size_t i = 0; i < buffers.size(); ++i) {
      uint64_t bytes = table[1 + 2 * i], flags = table[2 + 2 * i];
      const BoundBuffer &b = buffers[i];
      if (bytes > b.bytes || (b.exact && bytes != b.bytes))
        throw AssetError(AssetError::Code::Corrupt,
                         label + ": buffer " + std::to_string(i) + " (" +
                             b.what + ") has " + std::to_string(b.bytes) +
                             " bytes, but the code of '" + symbol + "' uses " +
                             std::to_string(bytes));
      if ((flags & COREAI_ARGUMENT_WRITTEN) && !b.writable)
        throw AssetError(AssetError::Code::Corrupt,
                         label + ": the code of '" + symbol +
                             "' writes buffer " + std::to_string(i) + " (" +
                             b.what + "), which is read-only");
    }
  }

  coreai_dispatch_fn dispatchEntry(const std::string &symbol,
                                   uint32_t numBindings,
                                   const std::string &label) override {
    // Only dispatch entries: any other exported symbol has another ABI.
    void *sym = symbol.rfind(COREAI_DISPATCH_PREFIX, 0) == 0
                    ? library_->object->symbol(symbol.c_str())
                    : nullptr;
    if (!sym)
      throw AssetError(AssetError::Code::Corrupt, label + ": " + label_ +
                                                      " has no dispatch '" +
                                                      symbol + "'");
    auto fn = reinterpret_cast<coreai_dispatch_fn>(sym);
    // A count of zero workgroups only checks the binding count, touching
    // no memory (KernelABI.h): so a step never runs with too few bindings.
    std::vector<void *> none(numBindings, nullptr);
    coreai_dispatch_state_v2 query{none.data(), numBindings, {0, 0, 0}};
    coreai_workgroup_state_v2 workgroup{{0, 0, 0}, 0};
    if (fn(&query, &workgroup) != 0)
      throw AssetError(AssetError::Code::Corrupt,
                       label + ": dispatch '" + symbol + "' does not take " +
                           std::to_string(numBindings) + " bindings");
    return fn;
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
    std::string why = whyNotFormat(exe, kFormat);
    return why.empty() ? whyHostCannotRun(exe.arch) : why;
  }

  std::shared_ptr<LoadedExecutable> load(const bundle::ExecutableInfo &,
                                         const uint8_t *bytes, uint64_t size,
                                         const std::string &label) override {
    auto library = std::make_shared<Library>();
    library->object = SharedObject::load(bytes, size, label);
    checkABI(*library, label);
    return std::make_shared<CpuExecutable>(std::move(library), label);
  }

  // Loaded in place, a cached object's pages are shared with every other
  // process that runs the model.
  bool loadsFromFiles() const override { return true; }

  std::shared_ptr<LoadedExecutable>
  loadFile(const bundle::ExecutableInfo &, const std::string &path,
           const uint8_t *, uint64_t, const std::string &label) override {
    // dlopen returns the object already loaded from a path, so every model
    // loaded from one file shares one Library (and the lock its static
    // arenas need).
    std::lock_guard<std::mutex> lock(mutex_);
    std::shared_ptr<Library> library = byPath_[path].lock();
    if (!library) {
      library = std::make_shared<Library>();
      library->object = SharedObject::loadFile(path, label);
      checkABI(*library, label);
      byPath_[path] = library;
    }
    return std::make_shared<CpuExecutable>(std::move(library), label);
  }

private:
  static void checkABI(const Library &library, const std::string &label) {
    auto version = reinterpret_cast<coreai_abi_version_fn>(
        library.object->symbol(COREAI_ABI_VERSION_SYMBOL));
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
  }

  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<Library>> byPath_;
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

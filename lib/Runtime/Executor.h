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

#include "lib/Bundle/BundleReader.h"
#include "lib/Runtime/ComputeUnit.h"
#include "lib/Runtime/NDArray.h"

#include <memory>
#include <string>
#include <vector>

namespace coreai::runtime {

/// One bundle function, ready to run. Inputs and outputs have been checked
/// against the function's descriptor before run() is called.
class Kernel {
public:
  virtual ~Kernel() = default;
  virtual void run(const std::vector<NDArray> &inputs,
                   std::vector<NDArray> &outputs) = 0;
};

/// An executable loaded for its unit (e.g. a dlopen-ed shared object).
class LoadedExecutable {
public:
  virtual ~LoadedExecutable() = default;
  /// Prepares `function`; `constants` are its constant buffers in argument
  /// order (in the mapped bundle, alive as long as the model). Throws
  /// AssetError.
  virtual std::unique_ptr<Kernel>
  prepare(const bundle::FunctionInfo &function,
          std::vector<const void *> constants) = 0;
};

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
};

/// Makes `executor` available to every later specialize(). Replaces an
/// executor with the same name(). Thread-safe.
void registerExecutor(std::shared_ptr<Executor> executor);

/// The registered executors, in registration order. Thread-safe.
std::vector<std::shared_ptr<Executor>> registeredExecutors();

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_EXECUTOR_H

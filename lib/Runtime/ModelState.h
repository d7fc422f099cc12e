//===- ModelState.h - What the runtime handles share (internal) -----------===//
#ifndef COREAI_RUNTIME_MODELSTATE_H
#define COREAI_RUNTIME_MODELSTATE_H

#include "lib/Bundle/BundleReader.h"
#include "lib/Runtime/Executor.h"
#include "lib/Runtime/ModelAsset.h"

namespace coreai::runtime {

struct AssetState {
  std::shared_ptr<const bundle::BundleFile> file;
  std::string path;
  double openMillis = 0;
};

struct FunctionState {
  FunctionDescriptor descriptor;
  ComputeUnit unit = ComputeUnit::CPU;
  std::unique_ptr<Kernel> kernel;
};

struct ModelState {
  std::shared_ptr<const AssetState> asset; // keeps constants mapped
  // Declared after `asset` so they are unloaded before the bundle is unmapped.
  std::vector<std::shared_ptr<LoadedExecutable>> executables;
  std::vector<FunctionState> functions;
  double specializationMillis = 0;
};

/// The descriptor of a bundle function, in API terms.
FunctionDescriptor describe(const bundle::FunctionInfo &function);

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_MODELSTATE_H

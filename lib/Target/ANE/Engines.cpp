//===- Engines.cpp - The engine a compilation targets ---------------------===//
#include "lib/Target/ANE/Passes.h"

#include "lib/NeuralEngine/BuiltinEngines.h"

#include <map>
#include <mutex>

using namespace mlir;
using coreai::runtime::ane::EngineDescription;

FailureOr<EngineDescription>
coreai::anelower::loadEngine(Location loc, const std::string &arch) {
  // Placement and every segment's passes ask for the same engine: it is
  // parsed (or its file read) once per process. Passes may run in parallel.
  static std::mutex mutex;
  static std::map<std::string, EngineDescription> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = loaded.find(arch); it != loaded.end())
    return it->second;
  EngineDescription e;
  std::string error;
  if (!runtime::ane::loadEngineDescription(arch, e, error))
    return emitError(loc) << error;
  return loaded.emplace(arch, std::move(e)).first->second;
}

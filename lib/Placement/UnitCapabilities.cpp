//===- UnitCapabilities.cpp - The registry of each unit's capabilities ----===//
#include "lib/Placement/UnitCapabilities.h"

#include "mlir/IR/Diagnostics.h"

#include <array>
#include <mutex>

using namespace mlir;
using namespace coreai::placement;

UnitCapabilities::~UnitCapabilities() = default;

namespace {
// One factory per unit, indexed by the enum. Registration happens once at
// startup (coreai::registerComputeUnits), lookups from pass pipelines that
// may run on several threads: a mutex keeps both simple.
struct Registry {
  std::mutex mutex;
  std::array<CapabilitiesFactory, std::size(coreai::runtime::kComputeUnitNames)>
      factories;
};
Registry &registry() {
  static Registry r;
  return r;
}
} // namespace

void coreai::placement::registerUnitCapabilities(ComputeUnit unit,
                                                 CapabilitiesFactory factory) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.factories.at(static_cast<size_t>(unit)) = std::move(factory);
}

FailureOr<std::unique_ptr<UnitCapabilities>>
coreai::placement::lookupUnitCapabilities(ComputeUnit unit, Location loc,
                                          StringRef arch) {
  CapabilitiesFactory factory;
  {
    Registry &r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto i = static_cast<size_t>(unit);
    if (i < r.factories.size())
      factory = r.factories[i];
  }
  if (!factory)
    return emitError(loc, "no target for compute unit '")
           << runtime::computeUnitName(unit) << "' is registered";
  return factory(loc, arch);
}

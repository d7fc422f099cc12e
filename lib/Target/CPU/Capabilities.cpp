//===- Capabilities.cpp - What the CPU unit can run -----------------------===//
#include "lib/Target/CPU/Passes.h"

#include "lib/Placement/UnitCapabilities.h"

using namespace mlir;
using coreai::placement::UnitCapabilities;
using coreai::runtime::ComputeUnit;

namespace {
/// The host runs every op the importer produces (aigraph-to-linalg lowers
/// them all, control flow included): it is where every other unit's
/// refusals land.
class CPUCapabilities : public UnitCapabilities {
public:
  ComputeUnit unit() const override { return ComputeUnit::CPU; }
  std::string whyNot(Operation *) const override { return ""; }
  coreai::placement::UnitModel costModel() const override {
    return coreai::placement::unitModel(ComputeUnit::CPU, nullptr);
  }
};
} // namespace

void coreai::registerCPUUnitCapabilities() {
  placement::registerUnitCapabilities<CPUCapabilities>();
}

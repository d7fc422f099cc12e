//===- UnitCapabilities.h - What a compute unit can run, and why not ------===//
//
// Each target states what its unit can run in one class implementing this
// interface, and that class is the only source of the unit's refusals:
// placement asks it before putting an op on the unit, the placement report
// and `coreai-build --explain-placement` print its reasons, and the unit's
// lowering refuses with the same reasons (for the engine, the match failures
// of its layer patterns). Targets register their class by unit; placement
// looks it up and so depends on no target.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_PLACEMENT_UNITCAPABILITIES_H
#define COREAI_LIB_PLACEMENT_UNITCAPABILITIES_H

#include "lib/Placement/CostModel.h"

#include "coreai/ComputeUnit.h"

#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <functional>
#include <memory>
#include <string>

namespace coreai::placement {

using runtime::ComputeUnit;

class UnitCapabilities {
public:
  virtual ~UnitCapabilities();

  virtual ComputeUnit unit() const = 0;

  /// Empty if the unit can run `op`, else why not, in one phrase ("kernel
  /// 15x15 exceeds 13x13", "dynamic shapes run on the CPU").
  virtual std::string whyNot(mlir::Operation *op) const = 0;

  /// Empty if `op`, which the unit can run, is worth placing there on its
  /// own; else why it goes there only right after its operand's producer
  /// ran there (a reshape, which moves no data on the engine).
  virtual std::string whyNotAlone(mlir::Operation *op) const { return ""; }

  /// The unit's roofline for the cost strategy.
  virtual UnitModel costModel() const = 0;
};

/// Makes the capabilities of `unit` for an architecture name (the unit's
/// --*-arch option; "" for its default) or an error at the location.
using CapabilitiesFactory =
    std::function<mlir::FailureOr<std::unique_ptr<UnitCapabilities>>(
        mlir::Location, llvm::StringRef arch)>;

/// Declares `unit`'s capabilities (each target registers its own; a later
/// registration of the same unit replaces the earlier one).
void registerUnitCapabilities(ComputeUnit unit, CapabilitiesFactory factory);

/// Registers `Caps`, the capabilities of a unit that has no architecture
/// to choose.
template <typename Caps> void registerUnitCapabilities() {
  registerUnitCapabilities(
      Caps().unit(),
      [](mlir::Location, llvm::StringRef)
          -> mlir::FailureOr<std::unique_ptr<UnitCapabilities>> {
        return std::unique_ptr<UnitCapabilities>(std::make_unique<Caps>());
      });
}

/// The capabilities of `unit` for `arch`, or an error at `loc` when the
/// architecture is unknown or no target of that unit is linked in.
mlir::FailureOr<std::unique_ptr<UnitCapabilities>>
lookupUnitCapabilities(ComputeUnit unit, mlir::Location loc,
                       llvm::StringRef arch = "");

} // namespace coreai::placement

#endif // COREAI_LIB_PLACEMENT_UNITCAPABILITIES_H

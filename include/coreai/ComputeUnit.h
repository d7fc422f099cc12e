//===- ComputeUnit.h - The compute units a model can run on ---------------===//
#ifndef COREAI_COMPUTEUNIT_H
#define COREAI_COMPUTEUNIT_H

#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

namespace coreai::runtime {

enum class ComputeUnit { CPU, GPU, NeuralEngine };

/// Each unit's names, in one table in the enum's order: `name` is used in
/// bundles and on command lines ("cpu", "gpu", "ane"), `title` in messages
/// ("neural engine").
struct ComputeUnitNames {
  ComputeUnit unit;
  const char *name;
  const char *title;
};
inline constexpr ComputeUnitNames kComputeUnitNames[] = {
    {ComputeUnit::CPU, "cpu", "CPU"},
    {ComputeUnit::GPU, "gpu", "GPU"},
    {ComputeUnit::NeuralEngine, "ane", "neural engine"},
};
static_assert(kComputeUnitNames[0].unit == ComputeUnit::CPU &&
                  kComputeUnitNames[1].unit == ComputeUnit::GPU &&
                  kComputeUnitNames[2].unit == ComputeUnit::NeuralEngine,
              "kComputeUnitNames follows the enum's order");

/// The table's entry for `unit`; null for a value outside the enum.
inline const ComputeUnitNames *namesOf(ComputeUnit unit) {
  auto i = static_cast<size_t>(unit);
  return i < std::size(kComputeUnitNames) ? &kComputeUnitNames[i] : nullptr;
}
inline const char *computeUnitName(ComputeUnit unit) {
  const ComputeUnitNames *names = namesOf(unit);
  return names ? names->name : "?";
}
inline const char *computeUnitTitle(ComputeUnit unit) {
  const ComputeUnitNames *names = namesOf(unit);
  return names ? names->title : "?";
}

inline std::optional<ComputeUnit> parseComputeUnit(std::string_view name) {
  for (const ComputeUnitNames &names : kComputeUnitNames)
    if (names.name == name)
      return names.unit;
  return std::nullopt;
}

} // namespace coreai::runtime

#endif // COREAI_COMPUTEUNIT_H

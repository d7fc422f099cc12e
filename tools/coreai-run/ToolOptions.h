//===- ToolOptions.h - What coreai-run and coreai-debug read alike --------===//
//
// --compute as specialization options.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_COREAI_RUN_TOOLOPTIONS_H
#define COREAI_TOOLS_COREAI_RUN_TOOLOPTIONS_H

#include "coreai/ModelAsset.h"

#include <string>
#include <vector>

namespace coreai::run {

/// --compute: cpu (the CPU only), gpu or ane (that unit, with the CPU for
/// what it cannot run, failing without it), all (every available unit).
inline runtime::SpecializationOptions
specializationFor(const std::string &compute) {
  using runtime::ComputeUnit;
  runtime::SpecializationOptions spec;
  std::optional<ComputeUnit> unit = runtime::parseComputeUnit(compute);
  if (!unit) // all
    return spec;
  spec.allowedUnits = {ComputeUnit::CPU};
  if (*unit != ComputeUnit::CPU) {
    spec.allowedUnits.push_back(*unit);
    spec.preferredUnit = *unit;
  }
  return spec;
}

} // namespace coreai::run

#endif

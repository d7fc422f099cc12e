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
  if (compute == "cpu") {
    spec.allowedUnits = {ComputeUnit::CPU};
  } else if (compute == "gpu") {
    spec.allowedUnits = {ComputeUnit::CPU, ComputeUnit::GPU};
    spec.preferredUnit = ComputeUnit::GPU;
  } else if (compute == "ane") {
    spec.allowedUnits = {ComputeUnit::CPU, ComputeUnit::NeuralEngine};
    spec.preferredUnit = ComputeUnit::NeuralEngine;
  }
  return spec;
}

} // namespace coreai::run

#endif

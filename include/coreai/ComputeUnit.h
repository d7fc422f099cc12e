//===- ComputeUnit.h - The compute units a model can run on ---------------===//
#ifndef COREAI_COMPUTEUNIT_H
#define COREAI_COMPUTEUNIT_H

#include <optional>
#include <string_view>

namespace coreai::runtime {

enum class ComputeUnit { CPU, GPU, NeuralEngine };

/// The names used in bundles and on command lines: "cpu", "gpu", "ane".
inline const char *computeUnitName(ComputeUnit unit) {
  switch (unit) {
  case ComputeUnit::CPU: return "cpu";
  case ComputeUnit::GPU: return "gpu";
  case ComputeUnit::NeuralEngine: return "ane";
  }
  return "?";
}

/// The names used in messages: "CPU", "GPU", "neural engine".
inline const char *computeUnitTitle(ComputeUnit unit) {
  switch (unit) {
  case ComputeUnit::CPU: return "CPU";
  case ComputeUnit::GPU: return "GPU";
  case ComputeUnit::NeuralEngine: return "neural engine";
  }
  return "?";
}

inline std::optional<ComputeUnit> parseComputeUnit(std::string_view name) {
  if (name == "cpu")
    return ComputeUnit::CPU;
  if (name == "gpu")
    return ComputeUnit::GPU;
  if (name == "ane")
    return ComputeUnit::NeuralEngine;
  return std::nullopt;
}

} // namespace coreai::runtime

#endif // COREAI_COMPUTEUNIT_H

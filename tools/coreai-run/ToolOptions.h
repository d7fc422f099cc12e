//===- ToolOptions.h - What coreai-run and coreai-debug read alike --------===//
//
// --compute as specialization options, and the source-node lists of trace
// events ("conv1 (Conv, opset 17); relu1 (Relu, opset 17)").
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

struct SourceNode {
  std::string node, opType;
};

/// The nodes of a trace event's source, in order.
inline std::vector<SourceNode> parseSourceNodes(const std::string &source) {
  std::vector<SourceNode> nodes;
  size_t pos = 0;
  while (pos < source.size()) {
    size_t end = source.find("; ", pos);
    std::string part = source.substr(
        pos, end == std::string::npos ? std::string::npos : end - pos);
    size_t open = part.rfind(" (");
    SourceNode n{part.substr(0, open), ""};
    if (open != std::string::npos)
      n.opType =
          part.substr(open + 2, part.find_first_of(",)", open + 2) - open - 2);
    nodes.push_back(std::move(n));
    if (end == std::string::npos)
      break;
    pos = end + 2;
  }
  return nodes;
}

} // namespace coreai::run

#endif

//===- SourceNodes.h - The source-node lists of steps and trace events ----===//
//
// A step's, debug entry's or trace event's `source` names the source-model
// nodes it computes: "conv1 (Conv, opset 17); relu1 (Relu, opset 17)".
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_BUNDLE_SOURCENODES_H
#define COREAI_LIB_BUNDLE_SOURCENODES_H

#include "lib/Bundle/BundleWriter.h" // DebugEntry

#include <map>
#include <string>
#include <vector>

namespace coreai::bundle {

struct SourceNode {
  std::string node, opType;
};

/// The nodes of a `source` list, in order.
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

/// Node name -> the exporter's source location, from a debug table (nodes
/// whose entries name none are left out).
inline std::map<std::string, std::string>
sourceLocations(const std::vector<DebugEntry> &debug) {
  std::map<std::string, std::string> locations;
  for (const DebugEntry &entry : debug) {
    if (entry.location.empty())
      continue;
    // An entry of several nodes (fused by graph passes) has one location
    // per node, "; "-joined, when each node had one; else the first is kept.
    std::vector<SourceNode> nodes = parseSourceNodes(entry.source);
    std::vector<std::string> places;
    for (size_t start = 0; start < entry.location.size();) {
      size_t end = entry.location.find("; ", start);
      places.push_back(entry.location.substr(start, end - start));
      start = end == std::string::npos ? entry.location.size() : end + 2;
    }
    for (size_t i = 0; i < nodes.size(); ++i)
      locations.emplace(nodes[i].node,
                        places.size() == nodes.size() ? places[i] : places[0]);
  }
  return locations;
}

} // namespace coreai::bundle

#endif // COREAI_LIB_BUNDLE_SOURCENODES_H

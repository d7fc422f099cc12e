//===- SourceNames.h - The source-model node an op came from --------------===//
#ifndef COREAI_DIALECTS_AIGRAPH_SOURCENAMES_H
#define COREAI_DIALECTS_AIGRAPH_SOURCENAMES_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"

#include <algorithm>
#include <string>
#include <vector>

namespace coreai::aigraph {

/// "conv1 (Conv, opset 17)" from the importer's nested NameLocs; fused
/// locations list each source, separated by "; ". Empty if none is known.
inline std::string sourceOf(mlir::Location loc) {
  std::string out;
  if (auto fused = mlir::dyn_cast<mlir::FusedLoc>(loc)) {
    for (mlir::Location l : fused.getLocations()) {
      std::string s = sourceOf(l);
      if (!s.empty() && out.find(s) == std::string::npos)
        out += (out.empty() ? "" : "; ") + s;
    }
    return out;
  }
  if (auto name = mlir::dyn_cast<mlir::NameLoc>(loc)) {
    out = name.getName().str();
    if (auto inner = mlir::dyn_cast<mlir::NameLoc>(name.getChildLoc()))
      out += " (" + inner.getName().str() + ")";
  }
  return out;
}

/// Where the source nodes of `loc` came from in the exporter's program
/// ("net.py:42"), each place once, joined by "; ": the importer fuses it
/// after the model file, FusedLoc(FileLineColLoc(model), FileLineColLoc(src))
/// under the node's NameLocs. Empty if the exporter did not say.
inline std::string exporterLocationOf(mlir::Location loc) {
  if (auto name = mlir::dyn_cast<mlir::NameLoc>(loc))
    return exporterLocationOf(name.getChildLoc());
  auto fused = mlir::dyn_cast<mlir::FusedLoc>(loc);
  if (!fused)
    return "";
  llvm::ArrayRef<mlir::Location> parts = fused.getLocations();
  if (parts.size() == 2 && mlir::isa<mlir::FileLineColLoc>(parts[0]))
    if (auto src = mlir::dyn_cast<mlir::FileLineColLoc>(parts[1]))
      return src.getFilename().str() +
             (src.getLine() ? ":" + std::to_string(src.getLine()) : "");
  std::string out;
  for (mlir::Location part : parts) {
    std::string s = exporterLocationOf(part);
    if (!s.empty() && out.find(s) == std::string::npos)
      out += (out.empty() ? "" : "; ") + s;
  }
  return out;
}

/// The source nodes of `roots` and of every op nested in them, each node
/// once, in order of appearance, joined by "; "; past `limit` nodes the rest
/// are counted ("; ... (3 more)").
inline std::string sourcesOf(llvm::ArrayRef<mlir::Operation *> roots,
                             size_t limit = 16) {
  std::vector<std::string> nodes;
  for (mlir::Operation *root : roots)
    root->walk([&](mlir::Operation *op) {
      std::string s = sourceOf(op->getLoc());
      for (size_t start = 0; start < s.size();) {
        size_t end = s.find("; ", start);
        std::string node = s.substr(start, end - start);
        if (!node.empty() &&
            std::find(nodes.begin(), nodes.end(), node) == nodes.end())
          nodes.push_back(node);
        start = end == std::string::npos ? s.size() : end + 2;
      }
    });
  std::string out;
  for (size_t i = 0; i < nodes.size() && i < limit; ++i)
    out += (out.empty() ? "" : "; ") + nodes[i];
  if (nodes.size() > limit)
    out += "; ... (" + std::to_string(nodes.size() - limit) + " more)";
  return out;
}

} // namespace coreai::aigraph

#endif // COREAI_DIALECTS_AIGRAPH_SOURCENAMES_H

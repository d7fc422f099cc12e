//===- SourceNames.h - The source-model node an op came from --------------===//
#ifndef COREAI_DIALECTS_AIGRAPH_SOURCENAMES_H
#define COREAI_DIALECTS_AIGRAPH_SOURCENAMES_H

#include "mlir/IR/Location.h"

#include <string>

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

} // namespace coreai::aigraph

#endif // COREAI_DIALECTS_AIGRAPH_SOURCENAMES_H

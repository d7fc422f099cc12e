//===- Report.h - coreai-build compile --report FILE.json -----------------===//
#ifndef COREAI_TOOLS_COREAI_BUILD_REPORT_H
#define COREAI_TOOLS_COREAI_BUILD_REPORT_H

#include "lib/Pipeline/PlacementReport.h"

#include <string>

namespace coreai {

/// Writes `report` to `path` as JSON (a temporary file renamed into place).
/// Returns an empty string, or why it could not be written.
std::string writePlacementReport(const PlacementReport &report,
                                 const std::string &path);

} // namespace coreai

#endif // COREAI_TOOLS_COREAI_BUILD_REPORT_H

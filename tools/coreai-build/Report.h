//===- Report.h - coreai-build compile --report FILE.json|FILE.html -------===//
#ifndef COREAI_TOOLS_COREAI_BUILD_REPORT_H
#define COREAI_TOOLS_COREAI_BUILD_REPORT_H

#include "lib/Bundle/BundleWriter.h"
#include "lib/Pipeline/PlacementReport.h"

#include <string>

namespace coreai {

/// Writes `report` to `path` as JSON (a temporary file renamed into place).
/// Returns an empty string, or why it could not be written.
std::string writePlacementReport(const PlacementReport &report,
                                 const std::string &path);

/// Whether --report PATH asks for the HTML page (.html, .htm).
bool isHtmlReportPath(const std::string &path);

/// Writes the report as the HTML page of lib/Report (every function of
/// `contents` with its first schedule; estimates only). Returns an empty
/// string, or why it could not be written.
std::string writeCompileHtmlReport(const PlacementReport &report,
                                   const bundle::BundleContents &contents,
                                   const std::string &path);

} // namespace coreai

#endif // COREAI_TOOLS_COREAI_BUILD_REPORT_H

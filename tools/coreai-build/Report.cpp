//===- Report.cpp ---------------------------------------------------------===//
//
// {"strategy": "cost",
//  "ops": [{"function", "op", "source", "unit", "refused": {unit: reason},
//           "estimated_us": {unit: time}}],
//  "partitions": [{"function", "unit", "ops", "estimated_us"}],
//  "estimated_us": {function: time},
//  "memory": {"schedules": [{"function", "units", "steps", "input_bytes",
//             "output_bytes", "constant_bytes", "scratch_bytes"}]}}
//
//===----------------------------------------------------------------------===//
#include "Report.h"

#include "lib/Pipeline/DebugTable.h"
#include "lib/Report/ModelReport.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace coreai {
namespace {

using nlohmann::ordered_json;

/// Estimates to a tenth of a microsecond: enough, and stable text.
double rounded(double us) { return std::round(us * 10) / 10; }

} // namespace

std::string writePlacementReport(const PlacementReport &report,
                                 const std::string &path) {
  ordered_json j;
  j["strategy"] = report.strategy;
  j["ops"] = ordered_json::array();
  for (const PlacementReport::Op &op : report.ops) {
    ordered_json o;
    o["function"] = op.function;
    o["op"] = op.op;
    o["source"] = op.source;
    o["unit"] = op.unit;
    o["refused"] = ordered_json::object();
    for (const auto &[unit, reason] : op.refused)
      o["refused"][unit] = reason;
    o["estimated_us"] = ordered_json::object();
    for (const auto &[unit, us] : op.estimatedUs)
      o["estimated_us"][unit] = rounded(us);
    j["ops"].push_back(std::move(o));
  }
  j["partitions"] = ordered_json::array();
  for (const PlacementReport::Partition &p : report.partitions)
    j["partitions"].push_back({{"function", p.function},
                               {"unit", p.unit},
                               {"ops", p.ops},
                               {"estimated_us", rounded(p.estimatedUs)}});
  j["estimated_us"] = ordered_json::object();
  for (const auto &[function, us] : report.estimatedUs)
    j["estimated_us"][function] = rounded(us);
  ordered_json schedules = ordered_json::array();
  for (const PlacementReport::Schedule &s : report.schedules)
    schedules.push_back({{"function", s.function},
                         {"units", s.units},
                         {"steps", s.steps},
                         {"input_bytes", s.inputBytes},
                         {"output_bytes", s.outputBytes},
                         {"constant_bytes", s.constantBytes},
                         {"scratch_bytes", s.scratchBytes}});
  j["memory"] = {{"schedules", std::move(schedules)}};

  return report::writeReportFile(j.dump(1) + "\n", path);
}

bool isHtmlReportPath(const std::string &path) {
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos)
    return false;
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == "html" || ext == "htm";
}

std::string writeCompileHtmlReport(const PlacementReport &report,
                                   const bundle::BundleContents &contents,
                                   const std::string &path) {
  report::Page page;
  page.title = contents.modelName;
  page.producer = contents.producer;
  page.options = contents.compileOptions;
  page.context = "compile-time estimates";
  // From the report, not the bundle: the page is whole with --strip-debug.
  std::vector<std::vector<bundle::DebugEntry>> tables;
  tables.reserve(contents.functions.size());
  for (const bundle::FunctionData &fn : contents.functions)
    tables.push_back(debugTableOf(report, fn.name));
  for (size_t i = 0; i < contents.functions.size(); ++i) {
    const bundle::FunctionData &fn = contents.functions[i];
    report::FunctionView view;
    view.name = fn.name;
    view.debug = &tables[i];
    if (!fn.schedule.empty()) {
      view.schedule = &fn.schedule.front();
      view.scheduleIndex = 0;
    }
    page.functions.push_back(view);
  }
  return report::writeHtml(page, path);
}

} // namespace coreai

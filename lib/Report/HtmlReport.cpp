//===- HtmlReport.cpp - The report as one self-contained HTML page --------===//
#include "lib/Report/ModelReport.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>

namespace coreai::report {
namespace {

using nlohmann::ordered_json;

constexpr const char *kPage =
#include "lib/Report/ReportPage.inc"
    ;

/// To a thousandth of a microsecond: stable text for the same numbers.
double rounded(double v) { return std::round(v * 1000) / 1000; }

ordered_json functionData(const FunctionView &view) {
  static const std::vector<bundle::DebugEntry> none;
  const std::vector<bundle::DebugEntry> &debug =
      view.debug ? *view.debug : none;
  std::vector<OpMeasurement> measured;
  if (view.profile) {
    measured = measureOps(debug, view.profile->spans);
    // An op no span names (a reshape that moves no data) ran where its
    // first input did when its planned unit took no part in this run.
    std::set<std::string> ran;
    for (const MeasuredSpan &s : view.profile->spans)
      ran.insert(s.unit);
    for (size_t i = 0; i < debug.size(); ++i) {
      if (!measured[i].unit.empty())
        continue;
      if (ran.count(debug[i].unit))
        measured[i].unit = debug[i].unit;
      else if (!debug[i].inputs.empty())
        measured[i].unit = measured[debug[i].inputs.front()].unit;
      else
        measured[i].unit = "cpu";
    }
  }
  ordered_json fn;
  fn["name"] = view.name;
  fn["schedule"] = view.scheduleIndex;
  ordered_json ops = ordered_json::array();
  for (size_t i = 0; i < debug.size(); ++i) {
    const bundle::DebugEntry &d = debug[i];
    ordered_json op;
    op["op"] = d.op;
    op["source"] = d.source;
    op["location"] = d.location;
    // Profiled: the unit that ran it (the schedule in use may differ from
    // the first one the compiler placed it in).
    op["unit"] = view.profile ? measured[i].unit : d.unit;
    op["planned_unit"] = d.unit;
    op["inputs"] = d.inputs;
    op["flops"] = d.flops;
    op["estimated_us"] = rounded(d.estimatedUs);
    if (view.profile) {
      op["measured_us"] = rounded(measured[i].micros);
      op["simulated"] = measured[i].simulated;
    }
    op["refused"] = d.refused;
    ops.push_back(std::move(op));
  }
  fn["ops"] = std::move(ops);
  if (view.profile) {
    const Profile &p = *view.profile;
    fn["profile"] = {{"runs", p.runs},
                     {"latency_ms", rounded(p.latencyMs)},
                     {"dispatch_ms", rounded(p.dispatchMs)},
                     {"simulated_ms", rounded(p.simulatedMs)}};
  } else {
    fn["profile"] = nullptr;
  }
  if (view.schedule) {
    ordered_json steps = ordered_json::array();
    for (const bundle::StepData &s : view.schedule->steps)
      steps.push_back({{"unit", s.unit}, {"source", s.source}});
    fn["steps"] = std::move(steps);
    std::vector<ArenaBuffer> arena = arenaLayout(*view.schedule);
    uint64_t bytes = 0;
    ordered_json buffers = ordered_json::array();
    for (const ArenaBuffer &b : arena) {
      bytes = std::max(bytes, b.offset + b.bytes);
      buffers.push_back({{"slot", b.slot},
                         {"offset", b.offset},
                         {"bytes", b.bytes},
                         {"first", b.firstStep},
                         {"last", b.lastStep}});
    }
    fn["arena"] = {{"bytes", bytes}, {"buffers", std::move(buffers)}};
  } else {
    fn["steps"] = nullptr;
    fn["arena"] = nullptr;
  }
  return fn;
}

} // namespace

std::string renderHtml(const Page &page) {
  ordered_json data;
  data["title"] = page.title;
  data["producer"] = page.producer;
  data["options"] = page.options;
  data["context"] = page.context;
  data["functions"] = ordered_json::array();
  for (const FunctionView &view : page.functions)
    data["functions"].push_back(functionData(view));
  // Names come from the model and need not be UTF-8; "</" would end the
  // script element early (JSON reads "<\/" as "</").
  std::string json =
      data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string escaped;
  escaped.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() &&
        (json[i + 1] == '/' || json[i + 1] == '!')) {
      escaped += "\\u003c";
      continue;
    }
    escaped += json[i];
  }
  std::string html = kPage;
  const std::string marker = "@REPORT_DATA@";
  html.replace(html.find(marker), marker.size(), escaped);
  return html;
}

std::string writeHtml(const Page &page, const std::string &path) {
  return writeReportFile(renderHtml(page), path);
}

std::string writeReportFile(const std::string &text, const std::string &path) {
  std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary);
    out << text;
    out.close();
    if (!out) {
      std::remove(temp.c_str());
      return "cannot write the report";
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return "cannot write the report";
  }
  return "";
}

} // namespace coreai::report

//===- Profile.cpp - Where an inference spends its time -------------------===//
#include "Profile.h"
#include "tools/coreai-run/ToolOptions.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

using namespace coreai::runtime;

namespace {
struct Row {
  std::string unit, op, source;
  double micros = 0;
  int dispatches = 0;
};

/// "conv1 (Conv, opset 17); relu1 (Relu, opset 17)" -> "Conv+Relu".
std::string opTypes(const std::string &source) {
  std::vector<std::string> ops;
  for (const coreai::run::SourceNode &n : coreai::run::parseSourceNodes(source))
    if (!n.opType.empty() &&
        std::find(ops.begin(), ops.end(), n.opType) == ops.end())
      ops.push_back(n.opType);
  std::string joined;
  for (const std::string &op : ops)
    joined += (joined.empty() ? "" : "+") + op;
  return joined.empty() ? "-" : joined;
}

std::string format(const char *fmt, double a, double b = 0) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, a, b);
  return buf;
}

void printTable(std::ostream &os, std::vector<Row> rows, double perRunDiv,
                double total, int top, const char *what) {
  std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
    return a.micros != b.micros ? a.micros > b.micros : a.source < b.source;
  });
  if (rows.empty()) {
    os << "  (none)\n";
    return;
  }
  os << "      ms     %  unit  " << what << "\n";
  int shown = 0;
  for (const Row &r : rows) {
    if (shown++ == top) {
      os << "  ... " << rows.size() - top << " more\n";
      break;
    }
    double ms = r.micros / perRunDiv / 1000;
    os << format("%8.3f %5.1f", ms, total > 0 ? 100 * ms / total : 0) << "  "
       << r.unit << std::string(r.unit.size() < 4 ? 4 - r.unit.size() : 0, ' ')
       << "  " << r.op;
    if (!r.source.empty() && r.source != r.op)
      os << "  " << r.source;
    os << "\n";
  }
}
} // namespace

void coreai::run::printProfile(std::ostream &os, const InferenceFunction &fn,
                               const std::vector<NDArray> &inputs,
                               std::vector<NDArray> &outputs, int runs,
                               int top) {
  std::map<std::pair<std::string, std::string>, Row> bySource, engine;
  std::vector<double> latencies;
  double dispatchMicros = 0, engineMicros = 0;
  for (int r = 0; r < runs; ++r) {
    std::vector<TraceEvent> trace;
    auto start = std::chrono::steady_clock::now();
    fn.run(inputs, outputs, &trace);
    latencies.push_back(std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start)
                            .count());
    // A CPU dispatch is one event per worker that ran part of it, listed
    // together: one span from the first start to the last end.
    for (size_t i = 0; i < trace.size();) {
      const TraceEvent &e = trace[i];
      double begin = e.startUs, end = e.startUs + e.durationUs;
      size_t j = i + 1;
      if (e.unit == "cpu")
        for (; j < trace.size() && trace[j].unit == "cpu" &&
               trace[j].name == e.name && trace[j].source == e.source &&
               trace[j].worker > trace[j - 1].worker;
             ++j) {
          begin = std::min(begin, trace[j].startUs);
          end = std::max(end, trace[j].startUs + trace[j].durationUs);
        }
      i = j;
      bool simulated = e.unit == "ane";
      const std::string &what = e.source.empty() ? e.name : e.source;
      Row &row = (simulated ? engine : bySource)[{e.unit, what}];
      row.unit = e.unit;
      row.source = e.source.empty() ? e.name : e.source;
      row.op = e.source.empty() ? e.name : opTypes(e.source);
      row.micros += end - begin;
      ++row.dispatches;
      (simulated ? engineMicros : dispatchMicros) += end - begin;
    }
  }
  std::sort(latencies.begin(), latencies.end());
  double median = latencies[latencies.size() / 2];
  double perRun = dispatchMicros / runs / 1000;
  os << "profile of '" << fn.descriptor().name << "', " << runs
     << " runs: latency " << format("%.3f", median) << " ms (median); "
     << "dispatches "
     << format("%.3f ms (%.0f%% of it)", perRun,
               median > 0 ? 100 * perRun / median : 0)
     << "\n";
  std::vector<Row> rows;
  std::map<std::pair<std::string, std::string>, Row> byOp;
  for (auto &[key, row] : bySource) {
    rows.push_back(row);
    Row &op = byOp[{row.unit, row.op}];
    op.unit = row.unit;
    op.op = row.op;
    op.micros += row.micros;
  }
  printTable(os, rows, runs, median, top, "op  source nodes");
  os << "by op type:\n";
  rows.clear();
  for (auto &[key, row] : byOp)
    rows.push_back(row);
  printTable(os, rows, runs, median, top, "op");
  if (!engine.empty()) {
    double engineMs = engineMicros / runs / 1000;
    os << "neural engine (simulated by its cycle model, not wall time): "
       << format("%.3f", engineMs) << " ms per run\n";
    rows.clear();
    for (auto &[key, row] : engine)
      rows.push_back(row);
    printTable(os, rows, runs, engineMs, top, "layer  source nodes");
  }
}

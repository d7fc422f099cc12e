//===- Profile.cpp - Where an inference spends its time -------------------===//
#include "Profile.h"
#include "lib/Bundle/SourceNodes.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

using namespace coreai::runtime;
using coreai::report::MeasuredSpan;

namespace {
struct Row {
  std::string unit, op, source;
  double micros = 0; // per run
  double flops = 0;  // per run; 0 when unknown
};

/// "conv1 (Conv, opset 17); relu1 (Relu, opset 17)" -> "Conv+Relu".
std::string opTypes(const std::string &source) {
  std::vector<std::string> ops;
  for (const coreai::bundle::SourceNode &n :
       coreai::bundle::parseSourceNodes(source))
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

void printTable(std::ostream &os, std::vector<Row> rows, double total, int top,
                const char *what) {
  std::sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
    return a.micros != b.micros ? a.micros > b.micros : a.source < b.source;
  });
  if (rows.empty()) {
    os << "  (none)\n";
    return;
  }
  os << "      ms     %  GFLOP/s  unit  " << what << "\n";
  int shown = 0;
  for (const Row &r : rows) {
    if (shown++ == top) {
      os << "  ... " << rows.size() - top << " more\n";
      break;
    }
    double ms = r.micros / 1000;
    os << format("%8.3f %5.1f", ms, total > 0 ? 100 * ms / total : 0)
       << (r.flops > 0 && r.micros > 0
               ? format("  %7.2f", r.flops / r.micros / 1000)
               : std::string("        -"))
       << "  " << r.unit
       << std::string(r.unit.size() < 4 ? 4 - r.unit.size() : 0, ' ') << "  "
       << r.op;
    if (!r.source.empty() && r.source != r.op)
      os << "  " << r.source;
    os << "\n";
  }
}
} // namespace

coreai::report::Profile
coreai::run::measureProfile(const InferenceFunction &fn,
                            const std::vector<NDArray> &inputs,
                            std::vector<NDArray> &outputs, int runs) {
  std::map<std::pair<std::string, std::string>, MeasuredSpan> spans;
  std::vector<std::pair<std::string, std::string>> order;
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
      const char *cpu = computeUnitName(ComputeUnit::CPU);
      if (e.unit == cpu)
        for (; j < trace.size() && trace[j].unit == cpu &&
               trace[j].step == e.step && trace[j].worker > trace[j - 1].worker;
             ++j) {
          begin = std::min(begin, trace[j].startUs);
          end = std::max(end, trace[j].startUs + trace[j].durationUs);
        }
      i = j;
      bool simulated = parseComputeUnit(e.unit) == ComputeUnit::NeuralEngine;
      std::pair<std::string, std::string> key{
          e.unit, e.source.empty() ? e.name : e.source};
      auto [it, added] = spans.try_emplace(key);
      if (added) {
        order.push_back(key);
        it->second = {e.unit, e.source, e.name, 0, simulated};
      }
      it->second.micros += (end - begin) / runs;
      (simulated ? engineMicros : dispatchMicros) += end - begin;
    }
  }
  std::sort(latencies.begin(), latencies.end());
  report::Profile profile;
  profile.runs = runs;
  profile.latencyMs = latencies[latencies.size() / 2];
  profile.dispatchMs = dispatchMicros / runs / 1000;
  profile.simulatedMs = engineMicros / runs / 1000;
  for (const auto &key : order)
    profile.spans.push_back(spans[key]);
  return profile;
}

void coreai::run::printProfile(std::ostream &os, const std::string &name,
                               const report::Profile &profile,
                               const std::vector<bundle::DebugEntry> &debug,
                               int top) {
  std::vector<double> flops = report::flopsPerSpan(debug, profile.spans);
  double median = profile.latencyMs;
  os << "profile of '" << name << "', " << profile.runs << " runs: latency "
     << format("%.3f", median) << " ms (median); "
     << "dispatches "
     << format("%.3f ms (%.0f%% of it)", profile.dispatchMs,
               median > 0 ? 100 * profile.dispatchMs / median : 0)
     << "\n";
  std::vector<Row> rows, engine;
  std::map<std::pair<std::string, std::string>, Row> byOp;
  for (size_t i = 0; i < profile.spans.size(); ++i) {
    const MeasuredSpan &s = profile.spans[i];
    Row row{s.unit, s.source.empty() ? s.kernel : opTypes(s.source),
            s.source.empty() ? s.kernel : s.source, s.micros, flops[i]};
    if (s.simulated) {
      engine.push_back(row);
      continue;
    }
    Row &op = byOp[{row.unit, row.op}];
    op.unit = row.unit;
    op.op = row.op;
    op.micros += row.micros;
    op.flops += row.flops;
    rows.push_back(std::move(row));
  }
  printTable(os, rows, median, top, "op  source nodes");
  os << "by op type:\n";
  rows.clear();
  for (auto &[key, row] : byOp)
    rows.push_back(row);
  printTable(os, rows, median, top, "op");
  if (!engine.empty()) {
    os << "neural engine (simulated by its cycle model, not wall time): "
       << format("%.3f", profile.simulatedMs) << " ms per run\n";
    printTable(os, engine, profile.simulatedMs, top, "layer  source nodes");
  }
}

//===- ModelReport.h - A bundle's graph, costs and memory, for reports ----===//
//
// What the visual report shows (coreai-build compile --report FILE.html,
// coreai-run --profile-html FILE.html): every op of a function as the
// compiler placed it (the bundle's debug table: source nodes, unit, inputs,
// estimated cost, why other units refused it), the steps and scratch
// memory of the schedule that runs, and, after a profile, the measured time
// of each dispatch spread over the ops it computes.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_REPORT_MODELREPORT_H
#define COREAI_LIB_REPORT_MODELREPORT_H

#include "lib/Bundle/BundleWriter.h" // DebugEntry, ScheduleData

#include <string>
#include <vector>

namespace coreai::report {

/// The time of one dispatch (or engine layer) per run, from a profile.
struct MeasuredSpan {
  std::string unit;       // "cpu", "gpu", "ane"
  std::string source;     // the source nodes it computes ("" when unknown)
  std::string kernel;     // its entry point
  double micros = 0;      // per run
  bool simulated = false; // the engine's cycle model, not wall time
};

struct Profile {
  int runs = 0;
  double latencyMs = 0;   // median wall time of a run
  double dispatchMs = 0;  // wall time inside dispatches, per run
  double simulatedMs = 0; // the engine's simulated time, per run
  std::vector<MeasuredSpan> spans;
};

/// One function's report: its debug table, and the schedule that runs it
/// (null when it runs whole).
struct FunctionView {
  std::string name;
  const std::vector<bundle::DebugEntry> *debug = nullptr;
  const bundle::ScheduleData *schedule = nullptr;
  int scheduleIndex = -1;
  const Profile *profile = nullptr; // measured costs, when profiled
};

struct Page {
  std::string title;    // the model
  std::string producer; // "coreai-build 0.2.0"
  std::string options;  // the flags that shaped the bundle
  std::string context;  // how it was made: "compile" or "profile on ..."
  std::vector<FunctionView> functions;
};

/// What a profile says of one op of the debug table.
struct OpMeasurement {
  double micros = 0;      // its share of the measured time
  std::string unit;       // the unit that gave it the most time ("": none)
  bool simulated = false; // some of it is the engine's simulated time
};

/// Each op's share of the measured time: every span is split between the
/// debug entries naming one of its nodes, in proportion to their estimates
/// (evenly when none has one). Ops no span names get nothing.
std::vector<OpMeasurement> measureOps(const std::vector<bundle::DebugEntry> &,
                                      const std::vector<MeasuredSpan> &);

/// The floating-point operations each span performs: the flops of the
/// debug entries naming one of its nodes, an entry named by several spans
/// (an op lowered to more than one dispatch) shared between them in
/// proportion to their time, so each gets the op's rate. 0 when unknown.
std::vector<double> flopsPerSpan(const std::vector<bundle::DebugEntry> &,
                                 const std::vector<MeasuredSpan> &);

/// Where each scratch slot of `schedule` lives in the host arena (offsets
/// as the runtime assigns them: in slot order, 64-byte aligned) and the
/// steps between its first and last use.
struct ArenaBuffer {
  uint32_t slot = 0;
  uint64_t offset = 0, bytes = 0;
  int64_t firstStep = -1, lastStep = -1; // -1: never used
};
std::vector<ArenaBuffer> arenaLayout(const bundle::ScheduleData &schedule);

/// The page as one self-contained HTML document (no network access
/// needed): the graph coloured by unit, per-op costs, the arena timeline
/// and the placement reasons.
std::string renderHtml(const Page &page);

/// Writes renderHtml(page) to `path` (a temporary file renamed into place).
/// Returns an empty string, or why it could not be written.
std::string writeHtml(const Page &page, const std::string &path);

/// Writes `text` to `path` the same way: every report (HTML or JSON) is
/// whole or absent.
std::string writeReportFile(const std::string &text, const std::string &path);

} // namespace coreai::report

#endif // COREAI_LIB_REPORT_MODELREPORT_H

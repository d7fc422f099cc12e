//===- Profile.h - Where an inference spends its time, by source node -----===//
//
// coreai-run --profile N: N traced runs, each dispatch's time aggregated by
// its source nodes and unit, printed as a table of the heaviest with their
// share of the measured latency and, where the debug table knows the work
// of their ops, their GFLOP/s (and by op type). CPU dispatches count once
// however many workers ran them (first start to last end); the GPU's come
// from device timestamps; the neural engine's are simulated cycles, kept in
// a table of their own, never added to wall-clock time. --profile-html
// draws the same measurements on the report page (lib/Report).
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_COREAI_RUN_PROFILE_H
#define COREAI_TOOLS_COREAI_RUN_PROFILE_H

#include "coreai/ModelAsset.h"
#include "lib/Report/ModelReport.h"

#include <ostream>
#include <vector>

namespace coreai::run {

/// Runs `fn` `runs` times with a trace: the median latency and each
/// dispatch's (or engine layer's) time per run, keyed by unit and source.
/// Throws AssetError from the runs.
report::Profile measureProfile(const runtime::InferenceFunction &fn,
                               const std::vector<runtime::NDArray> &inputs,
                               std::vector<runtime::NDArray> &outputs,
                               int runs);

/// Prints `profile` of function `name` to `os`, `top` rows per table;
/// `debug` (the function's debug table, possibly empty) gives GFLOP/s.
void printProfile(std::ostream &os, const std::string &name,
                  const report::Profile &profile,
                  const std::vector<bundle::DebugEntry> &debug, int top);

} // namespace coreai::run

#endif

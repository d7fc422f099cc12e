//===- Profile.h - Where an inference spends its time, by source node -----===//
//
// coreai-run --profile N: N traced runs, each dispatch's time aggregated by
// its source nodes and unit, printed as a table of the heaviest with their
// share of the measured latency (and by op type). CPU dispatches count once
// however many workers ran them (first start to last end); the GPU's come
// from device timestamps; the neural engine's are simulated cycles, kept in
// a table of their own, never added to wall-clock time.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_COREAI_RUN_PROFILE_H
#define COREAI_TOOLS_COREAI_RUN_PROFILE_H

#include "coreai/ModelAsset.h"

#include <ostream>
#include <vector>

namespace coreai::run {

/// Runs `fn` `runs` times with a trace and prints the profile to `os`;
/// `top`: rows per table. Throws AssetError from the runs.
void printProfile(std::ostream &os, const runtime::InferenceFunction &fn,
                  const std::vector<runtime::NDArray> &inputs,
                  std::vector<runtime::NDArray> &outputs, int runs, int top);

} // namespace coreai::run

#endif

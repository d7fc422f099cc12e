//===- Inspect.h - coreai-build inspect -----------------------------------===//
#ifndef COREAI_TOOLS_COREAI_BUILD_INSPECT_H
#define COREAI_TOOLS_COREAI_BUILD_INSPECT_H

#include <string>

namespace coreai {

/// Prints what a bundle holds: metadata (model, producer, source hash,
/// compile options), every function with its inputs and outputs, the
/// executables (unit, CPU variant or GPU target, size), the constants, and
/// for each function its schedule: steps and source ops per unit. `json`:
/// the same as one JSON object. A bundle that fails verification is one
/// error line naming the file. Returns the exit status (0, or 1).
int inspectBundle(const std::string &path, bool json);

} // namespace coreai

#endif // COREAI_TOOLS_COREAI_BUILD_INSPECT_H

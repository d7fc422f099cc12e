//===- TensorDump.h - Intermediate tensors by source node -----------------===//
//
// coreai-run --dump-tensors DIR: runs FUNCTION.debug, the copy of a function
// that `coreai-build compile --debug-tensors` adds, which also returns the
// outputs of the chosen nodes, and writes each as DIR/<node>.npy with
// DIR/index.json (node, op type, output name, dtype, shape, file) in graph
// order.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_COREAI_RUN_TENSORDUMP_H
#define COREAI_TOOLS_COREAI_RUN_TENSORDUMP_H

#include "coreai/ModelAsset.h"

#include <string>
#include <vector>

namespace coreai::run {

/// Writes the intermediate tensors of `function` for `inputs` into `dir`;
/// returns how many. Throws AssetError (no debug function, a failed run) or
/// std::runtime_error naming a file that cannot be written.
size_t dumpIntermediateTensors(const runtime::Model &model,
                               const std::string &function,
                               const std::vector<runtime::NDArray> &inputs,
                               const std::string &dir);

} // namespace coreai::run

#endif

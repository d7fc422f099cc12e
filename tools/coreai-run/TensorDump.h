//===- TensorDump.h - Intermediate tensors by source node -----------------===//
//
// `coreai-build compile --debug-tensors` adds FUNCTION.debug, a copy of a
// function that also returns the outputs of the chosen nodes, named
// "NODE (OpType): VALUE". This runs it (coreai-run --dump-tensors,
// coreai-debug compare), writes the values as DIR/<node>.npy with
// DIR/index.json (node, op type, output name, dtype, shape, unit, source
// location, file) in graph order, and reads such a folder back.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_COREAI_RUN_TENSORDUMP_H
#define COREAI_TOOLS_COREAI_RUN_TENSORDUMP_H

#include "coreai/ModelAsset.h"

#include <string>
#include <vector>

namespace coreai::run {

struct IntermediateTensor {
  std::string node, opType, value;
  std::string unit; // the unit that computed it ("" when unknown)
  runtime::NDArray array;
  std::string location; // the exporter's source location ("" when unknown)
};

/// Runs FUNCTION.debug of `model` (specialized from `asset`, whose debug
/// table gives source locations) on `inputs`: its intermediate tensors in
/// graph order. Throws AssetError (no debug function, a failed run).
std::vector<IntermediateTensor>
runDebugFunction(const runtime::ModelAsset &asset, const runtime::Model &model,
                 const std::string &function,
                 const std::vector<runtime::NDArray> &inputs);

/// Writes `tensors` into `dir` (created if missing). Throws
/// std::runtime_error naming a file that cannot be written.
void writeIntermediateTensors(const std::vector<IntermediateTensor> &tensors,
                              const std::string &dir);

/// Reads a folder written by writeIntermediateTensors. Throws
/// std::runtime_error naming the file that is missing or malformed.
std::vector<IntermediateTensor> readIntermediateTensors(const std::string &dir);

} // namespace coreai::run

#endif

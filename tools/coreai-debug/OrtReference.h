//===- OrtReference.h - ONNX Runtime's intermediates as a reference -------===//
//
// coreai-debug compare --reference ort: the model rewritten so that every
// node output of its graph is a graph output, run in ONNX Runtime by
// scripts/onnx-reference.js (onnxruntime-node, as scripts/bench uses it),
// which writes a --dump-tensors folder.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_COREAI_DEBUG_ORTREFERENCE_H
#define COREAI_TOOLS_COREAI_DEBUG_ORTREFERENCE_H

#include <string>
#include <vector>

namespace coreai::debug {

struct OrtOptions {
  std::string model;  // the .onnx the bundle was compiled from
  std::string ortDir; // has node_modules/onnxruntime-node
  std::string script; // scripts/onnx-reference.js
  std::vector<std::string> inputs;
};

/// Runs the model's intermediates through ONNX Runtime into `outDir` (a
/// --dump-tensors folder). Returns an error message, empty on success.
std::string runOrtReference(const OrtOptions &options,
                            const std::string &outDir);

} // namespace coreai::debug

#endif

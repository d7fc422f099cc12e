//===- OutputShapeCheck.h - Outputs whose shape is decided at run time ----===//
//
// An output of run-time shape (TensorDesc.runtime_shape_from, format 1.5)
// holds its value in a buffer of its static shape, the bound (in the box the
// extents give, or, runtime_reshape, as all of its elements in order), and
// names another output, int64 [rank], that holds its extents after each run.
// The runtime reads those extents (and checks each against the bound) to return
// the value at its actual shape, so the pairing must be unambiguous: the
// writer refuses what the reader would refuse, with the same words: both
// call checkRuntimeShapes.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_OUTPUTSHAPECHECK_H
#define COREAI_BUNDLE_OUTPUTSHAPECHECK_H

#include "lib/Bundle/BundleWriter.h"

#include <string>
#include <vector>

namespace coreai::bundle {

/// Empty if every output of `f` (a FunctionData or FunctionInfo) of run-time
/// shape names a valid extents output, else a one-line reason naming both.
template <typename Function> std::string checkRuntimeShapes(const Function &f) {
  for (const TensorDesc &in : f.inputs)
    if (in.runtimeShapeFrom != -1)
      return "function '" + f.name + "' input '" + in.name +
             "' has a run-time shape (only outputs may)";
  std::vector<bool> used(f.outputs.size());
  for (size_t o = 0; o < f.outputs.size(); ++o) {
    const TensorDesc &out = f.outputs[o];
    if (out.runtimeReshape && out.runtimeShapeFrom == -1)
      return "function '" + f.name + "' output " + std::to_string(o) + " '" +
             out.name + "' is reshaped at run time but names no extents";
    if (out.runtimeShapeFrom == -1)
      continue;
    std::string what = "function '" + f.name + "' output " + std::to_string(o) +
                       " '" + out.name + "'";
    int32_t e = out.runtimeShapeFrom;
    if (e < 0 || (size_t)e >= f.outputs.size() || (size_t)e == o)
      return what + " takes its shape from output " + std::to_string(e) +
             ", not another of its " + std::to_string(f.outputs.size()) +
             " outputs";
    const TensorDesc &extents = f.outputs[e];
    if (extents.dtype != DType::I64 ||
        extents.shape != std::vector<int64_t>{(int64_t)out.shape.size()} ||
        extents.runtimeShapeFrom != -1)
      return what + " takes its shape from output '" + extents.name +
             "', which is not a fixed int64 [" +
             std::to_string(out.shape.size()) + "]";
    if (used[e])
      return what + " takes its shape from output '" + extents.name +
             "', as another output does";
    used[e] = true;
  }
  return "";
}

} // namespace coreai::bundle

#endif // COREAI_BUNDLE_OUTPUTSHAPECHECK_H

//===- StateCheck.h - Consistency of a function's kept state --------------===//
//
// A state pair (Function.states, format 1.5) names an input and an output
// that are one value: the runtime allocates it once per InferenceState and
// feeds each call's output to the next call's input. That is only sound when
// both have the same dtype and shape and no tensor is in two pairs. The
// writer refuses what the reader would refuse, with the same words: both call
// checkStates.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_STATECHECK_H
#define COREAI_BUNDLE_STATECHECK_H

#include "lib/Bundle/BundleWriter.h"

#include <string>
#include <vector>

namespace coreai::bundle {

/// Empty if every state pair of `f` (a FunctionData or FunctionInfo) is
/// valid, else a one-line reason naming `f` and the pair.
template <typename Function> std::string checkStates(const Function &f) {
  std::vector<bool> inputUsed(f.inputs.size()), outputUsed(f.outputs.size());
  for (size_t k = 0; k < f.states.size(); ++k) {
    const StatePair &s = f.states[k];
    std::string what = "function '" + f.name + "' state " + std::to_string(k);
    if (s.input >= f.inputs.size() || s.output >= f.outputs.size())
      return what + " pairs input " + std::to_string(s.input) +
             " with output " + std::to_string(s.output) + ", but it has " +
             std::to_string(f.inputs.size()) + " inputs and " +
             std::to_string(f.outputs.size()) + " outputs";
    const TensorDesc &in = f.inputs[s.input], &out = f.outputs[s.output];
    if (inputUsed[s.input] || outputUsed[s.output])
      return what + " ('" + in.name + "') uses a tensor of an earlier pair";
    inputUsed[s.input] = outputUsed[s.output] = true;
    if (in.dtype != out.dtype || in.shape != out.shape)
      return what + ": input '" + in.name + "' and output '" + out.name +
             "' differ in dtype or shape";
    if (in.image)
      return what + ": input '" + in.name + "' is fed with pixel buffers";
    for (const TensorDesc &o : f.outputs)
      if (&o == &out || o.runtimeShapeFrom == (int32_t)s.output)
        if (o.runtimeShapeFrom >= 0)
          return what + ": output '" + out.name +
                 "' has or gives a shape decided at run time";
  }
  return "";
}

} // namespace coreai::bundle

#endif // COREAI_BUNDLE_STATECHECK_H

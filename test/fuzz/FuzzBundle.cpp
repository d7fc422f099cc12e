//===- FuzzBundle.cpp - libFuzzer: the bundle reader and specialization ---===//
//
// Any bytes as a bundle: opened (the reader's verification), then, when it
// opens, specialized for the neural engine alone (the CPU, whose code is
// native, is not allowed: fuzzed machine code proves nothing) and run on
// zero inputs. Built with COREAI_FUZZING, the reader skips its hash
// comparisons so that mutations reach the structure behind them.
//
//===----------------------------------------------------------------------===//
#include "coreai/Executors.h"
#include "coreai/ModelAsset.h"

#include <cstdint>
#include <optional>
#include <vector>

using namespace coreai::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static bool registered = (registerAneExecutor(), true);
  (void)registered;
  std::optional<ModelAsset> asset;
  try {
    asset.emplace(
        ModelAsset::fromBytes(std::vector<uint8_t>(data, data + size)));
  } catch (const AssetError &) {
    return 0;
  }
  SpecializationOptions options;
  options.allowedUnits = {ComputeUnit::NeuralEngine};
  options.preferredUnit = ComputeUnit::NeuralEngine;
  std::optional<Model> model;
  try {
    model.emplace(asset->specialize(options));
  } catch (const AssetError &) {
    return 0;
  }
  for (const std::string &name : model->functionNames()) {
    InferenceFunction fn = model->function(name);
    std::vector<NDArray> inputs;
    uint64_t bytes = 0;
    for (const TensorDescriptor &t : fn.descriptor().inputs) {
      uint64_t n = coreai::dtypeSize(t.dtype);
      for (int64_t d : t.shape)
        n *= uint64_t(d);
      bytes += n;
    }
    if (bytes > (uint64_t(64) << 20))
      continue; // the harness's memory, not the runtime's
    for (const TensorDescriptor &t : fn.descriptor().inputs)
      inputs.emplace_back(t.dtype, t.shape);
    try {
      fn.run(inputs);
    } catch (const AssetError &) {
    }
  }
  return 0;
}

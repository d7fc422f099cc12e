//===- classify.cpp - The digits demo: an app using the coreai runtime ----===//
//
//   digits-classify digits.aimodel samples.npy labels.npy
//
// Opens the compiled bundle, specializes it for the CPU, runs the 8 sample
// images in one batch and prints each predicted digit beside its true label.
//
//===----------------------------------------------------------------------===//
#include "coreai/Executors.h"
#include "coreai/ModelAsset.h"
#include "coreai/TensorIO.h"
#include "examples/digits/predictions.h"

#include <cstdio>
#include <exception>

using namespace coreai::runtime;

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr,
                 "usage: digits-classify BUNDLE SAMPLES.npy LABELS.npy\n");
    return 2;
  }
  try {
    registerCpuExecutor();
    ModelAsset asset = ModelAsset::open(argv[1]);
    Model model = asset.specialize({{ComputeUnit::CPU}});
    InferenceFunction classify = model.function("main");

    NDArray images = readTensorFile(argv[2]);
    NDArray labels = readTensorFile(argv[3]);
    std::vector<NDArray> outputs = classify.run({images});
    const NDArray &probs = outputs.at(0); // N x 10
    return printPredictions(probs, labels) == probs.shape().at(0) ? 0 : 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "digits-classify: error: %s\n", e.what());
    return 1;
  }
}

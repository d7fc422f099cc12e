// cmake-app: classifies the 8 digit samples with the bundle that
// coreai_add_model(digits ... EMBED) compiled and linked into this program.
#include "digits.h"      // coreai_model_digits, coreai_model_digits_size
#include "predictions.h" // the demo's report, from DIGITS_DIR

// Every public C++ header, so that -Wall -Wextra -Werror checks them all.
#include <coreai/AssetError.h>
#include <coreai/ComputeStream.h>
#include <coreai/ComputeUnit.h>
#include <coreai/DType.h>
#include <coreai/Executors.h>
#include <coreai/ModelAsset.h>
#include <coreai/ModelCache.h>
#include <coreai/NDArray.h>
#include <coreai/TensorIO.h>

#include <cstdio>
#include <exception>

using namespace coreai::runtime;

int main(int argc, char **argv) {
  const char *samplesPath = argc > 1 ? argv[1] : DIGITS_SAMPLES;
  const char *labelsPath = argc > 2 ? argv[2] : DIGITS_LABELS;
  try {
    registerCpuExecutor();
    ModelAsset asset = ModelAsset::openMemory(
        coreai_model_digits, coreai_model_digits_size, "digits (embedded)");
    SpecializationOptions options;
    options.allowedUnits = {ComputeUnit::CPU};
    InferenceFunction classify = asset.specialize(options).function("main");

    NDArray images = readTensorFile(samplesPath);
    NDArray labels = readTensorFile(labelsPath);
    NDArray probs = classify.run({images}).at(0); // N x 10
    return printPredictions(probs, labels) == probs.shape().at(0) ? 0 : 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "cmake-app: error: %s\n", e.what());
    return 1;
  }
}

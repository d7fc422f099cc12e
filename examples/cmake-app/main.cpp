// cmake-app: classifies the 8 digit samples with the bundle that
// coreai_add_model(digits ... EMBED) compiled and linked into this program.
#include "digits.h" // coreai_model_digits, coreai_model_digits_size

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
    int64_t n = probs.shape().at(0), classes = probs.shape().at(1);
    int correct = 0;
    for (int64_t i = 0; i < n; ++i) {
      const float *row = probs.dataAs<float>() + i * classes;
      int64_t best = 0;
      for (int64_t c = 1; c < classes; ++c)
        if (row[c] > row[best])
          best = c;
      int64_t label = labels.dtype() == coreai::DType::I64
                          ? labels.dataAs<int64_t>()[i]
                          : labels.dataAs<int32_t>()[i];
      correct += best == label;
      std::printf("sample %lld: predicted %lld (p=%.3f), label %lld %s\n",
                  (long long)i, (long long)best, row[best], (long long)label,
                  best == label ? "ok" : "WRONG");
    }
    std::printf("%d of %lld correct\n", correct, (long long)n);
    return correct == n ? 0 : 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "cmake-app: error: %s\n", e.what());
    return 1;
  }
}

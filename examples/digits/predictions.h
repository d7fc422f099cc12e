//===- predictions.h - The digits demo's report, shared by its C++ apps ---===//
//
// Prints each sample's predicted digit beside its label and "K of N
// correct"; returns K. Used by digits-classify and examples/cmake-app (which
// finds it through DIGITS_DIR), so both print the same lines.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_EXAMPLES_DIGITS_PREDICTIONS_H
#define COREAI_EXAMPLES_DIGITS_PREDICTIONS_H

#include <coreai/NDArray.h>

#include <cstdio>

/// `probs`: float32 [N, classes]; `labels`: int64 or int32 [N].
inline int64_t printPredictions(const coreai::runtime::NDArray &probs,
                                const coreai::runtime::NDArray &labels) {
  int64_t n = probs.shape().at(0), classes = probs.shape().at(1);
  int64_t correct = 0;
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
  std::printf("%lld of %lld correct\n", (long long)correct, (long long)n);
  return correct;
}

#endif

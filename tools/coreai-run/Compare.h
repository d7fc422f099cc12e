//===- Compare.h - Checking outputs against reference tensors -------------===//
#ifndef COREAI_RUN_COMPARE_H
#define COREAI_RUN_COMPARE_H

#include "coreai/NDArray.h"

#include <string>

namespace coreai::run {

struct Tolerance {
  double atol = 1e-4;
  double rtol = 1e-3;
};

struct Comparison {
  bool ok = false;
  double maxAbsErr = 0;
  /// The largest finite |want|: the scale an fp16 unit rounds at.
  double maxAbsWant = 0;
  /// Empty when ok; otherwise what differs, e.g. "shape [2] != [3]" or
  /// "3 of 10 elements differ; first at index 4: got 1.5, want 1".
  std::string detail;
};

/// Floats match when |got - want| <= atol + rtol * |want| (NaN matches NaN,
/// infinities match themselves); integers and bools must be equal. dtype and
/// shape must be equal.
Comparison compare(const runtime::NDArray &got, const runtime::NDArray &want,
                   const Tolerance &tolerance);

/// The spacing of fp16 values at magnitude `m` (one unit in the last place;
/// 2^-24 below the normal range): what one rounding to fp16 may cost there.
double fp16Ulp(double m);

} // namespace coreai::run

#endif // COREAI_RUN_COMPARE_H

//===- Shape.h - Small helpers for tensor shapes --------------------------===//
//
// Used by the writer, the reader and the runtime so that every message prints
// shapes the same way ("[8,1,8,8]", "[]" for scalars) and every size
// computation checks overflow the same way.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_SHAPE_H
#define COREAI_BUNDLE_SHAPE_H

#include "coreai/DType.h"

#include <cstdint>
#include <string>
#include <vector>

namespace coreai::bundle {

inline std::string formatShape(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ',';
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

/// "float32 [2,3]"
inline std::string formatType(DType dtype, const std::vector<int64_t> &shape) {
  return std::string(dtypeName(dtype)) + " " + formatShape(shape);
}

/// Number of elements; false if a dim is negative or the product overflows.
inline bool elementCount(const std::vector<int64_t> &shape, uint64_t &count) {
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(n, static_cast<uint64_t>(d), &n))
      return false;
  }
  count = n;
  return true;
}

/// Size in bytes of a dense tensor; false on negative dims, overflow, or a
/// dtype without a fixed element size.
inline bool byteSize(DType dtype, const std::vector<int64_t> &shape,
                     uint64_t &bytes) {
  uint64_t n;
  size_t elem = dtypeSize(dtype);
  if (elem == 0 || !elementCount(shape, n))
    return false;
  return !__builtin_mul_overflow(n, static_cast<uint64_t>(elem), &bytes);
}

/// True for the DType values this format version knows, with a fixed size.
inline bool isKnownDType(uint8_t value) {
  return dtypeSize(static_cast<DType>(value)) != 0;
}

} // namespace coreai::bundle

#endif // COREAI_BUNDLE_SHAPE_H

//===- Values.h - Reading array elements as numbers, for any dtype --------===//
#ifndef COREAI_RUN_VALUES_H
#define COREAI_RUN_VALUES_H

#include "coreai/NDArray.h"
#include "lib/Runtime/Half.h"

#include <cstdint>

namespace coreai::run {

inline bool isFloatType(DType t) {
  return t == DType::F32 || t == DType::F64 || t == DType::F16 ||
         t == DType::BF16 || runtime::isNarrowFloat(t);
}

/// Element `i` as a double (exact for every dtype but 64-bit integers beyond
/// 2^53, which only matters for printing: comparisons use intAt/uintAt).
inline double doubleAt(const runtime::NDArray &a, uint64_t i) {
  switch (a.dtype()) {
  case DType::F32: return a.dataAs<float>()[i];
  case DType::F64: return a.dataAs<double>()[i];
  case DType::F16: return runtime::halfToFloat(a.dataAs<uint16_t>()[i]);
  case DType::BF16: return runtime::bfloat16ToFloat(a.dataAs<uint16_t>()[i]);
  case DType::F8E4M3FN:
  case DType::F8E4M3FNUZ:
  case DType::F8E5M2:
  case DType::F8E5M2FNUZ:
  case DType::F4E2M1:
  case DType::F8E8M0:
    return runtime::narrowFloatToFloat(a.dtype(), a.dataAs<uint8_t>()[i]);
  case DType::I8:
  case DType::I4:
  case DType::I2: return a.dataAs<int8_t>()[i];
  case DType::U4:
  case DType::U2:
  case DType::I16: return a.dataAs<int16_t>()[i];
  case DType::I32: return a.dataAs<int32_t>()[i];
  case DType::I64: return static_cast<double>(a.dataAs<int64_t>()[i]);
  case DType::U8:
  case DType::Bool: return a.dataAs<uint8_t>()[i];
  case DType::U16: return a.dataAs<uint16_t>()[i];
  case DType::U32: return a.dataAs<uint32_t>()[i];
  case DType::U64: return static_cast<double>(a.dataAs<uint64_t>()[i]);
  default: return 0;
  }
}

/// Element `i` of an integer or bool array, exactly. Bools compare as truth
/// values (any nonzero byte is true).
inline bool integerEqual(const runtime::NDArray &a, const runtime::NDArray &b,
                         uint64_t i) {
  switch (a.dtype()) {
  case DType::I64: return a.dataAs<int64_t>()[i] == b.dataAs<int64_t>()[i];
  case DType::U64: return a.dataAs<uint64_t>()[i] == b.dataAs<uint64_t>()[i];
  case DType::Bool:
    return (a.dataAs<uint8_t>()[i] != 0) == (b.dataAs<uint8_t>()[i] != 0);
  default: return doubleAt(a, i) == doubleAt(b, i);
  }
}

} // namespace coreai::run

#endif // COREAI_RUN_VALUES_H

//===- Half.h - 16-bit float conversions for tools ------------------------===//
//
// Only what comparing and printing results needs: float16 and bfloat16 bit
// patterns to float. Exact (every 16-bit value is representable as float).
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_HALF_H
#define COREAI_RUNTIME_HALF_H

#include <cstdint>
#include <cstring>

namespace coreai::runtime {

inline float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline float halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  if (exp == 0x1f) // inf / nan
    return bitsToFloat(sign | 0x7f800000 | (mant << 13));
  if (exp == 0) {
    if (mant == 0)
      return bitsToFloat(sign);
    // Subnormal: mant * 2^-24.
    float f = static_cast<float>(mant) * (1.0f / 16777216.0f);
    return sign ? -f : f;
  }
  return bitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
}

inline float bfloat16ToFloat(uint16_t b) {
  return bitsToFloat(static_cast<uint32_t>(b) << 16);
}

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_HALF_H

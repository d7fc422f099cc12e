//===- Fp16.h - IEEE binary16 arithmetic as fp16 hardware computes it -----===//
//
// The neural engine stores every tensor in fp16. A single fp16 operation
// (add, multiply) is computed here in fp32 and rounded once to fp16: fp32
// has 24 significand bits >= 2 * 11 + 2, so the double rounding is
// innocuous and the result is the correctly rounded fp16 one. A product of
// two fp16 values is exact in fp32, so fp32 accumulation of fp16 products is
// what an engine with an fp32 accumulator computes.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_ANE_FP16_H
#define COREAI_RUNTIME_ANE_FP16_H

#include "lib/Runtime/Half.h"

#include <cstdint>
#include <cstring>

namespace coreai::runtime::ane {

/// Rounds to the nearest fp16, ties to even; overflow gives +-inf, values
/// below the smallest subnormal's half give +-0, NaN stays NaN (quiet).
inline uint16_t floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  uint32_t absx = x & 0x7fffffff;
  if (absx >= 0x7f800000) // inf or nan
    return sign | (absx > 0x7f800000 ? 0x7e00 : 0x7c00);
  if (absx >= 0x477ff000) // >= 65520: rounds to inf
    return sign | 0x7c00;
  int32_t exp = static_cast<int32_t>(absx >> 23) - 127;
  uint32_t mant = absx & 0x7fffff;
  if (exp >= -14) {
    // Normal: keep 10 of 23 mantissa bits, round to nearest even.
    uint32_t half = static_cast<uint32_t>(exp + 15) << 10 | (mant >> 13);
    uint32_t rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
      ++half; // may carry into the exponent, which is right
    return sign | static_cast<uint16_t>(half);
  }
  if (exp < -25) // below half the smallest subnormal (2^-25)
    return sign;
  // Subnormal: value = m * 2^-24 with m = (1.mant) * 2^(exp + 24).
  uint32_t full = mant | 0x800000; // 24 bits: 1.mant * 2^23
  int shift = -exp - 1;            // (23 - 24 - exp): bits to drop
  uint32_t m = full >> shift;
  uint32_t rest = full & ((1u << shift) - 1);
  uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (m & 1)))
    ++m;
  return sign | static_cast<uint16_t>(m);
}

inline float toFloat(uint16_t h) { return halfToFloat(h); }

/// fp16 value of a float, as a float.
inline float roundToHalf(float f) { return halfToFloat(floatToHalf(f)); }

inline uint16_t addHalf(uint16_t a, uint16_t b) {
  return floatToHalf(toFloat(a) + toFloat(b));
}
inline uint16_t mulHalf(uint16_t a, uint16_t b) {
  return floatToHalf(toFloat(a) * toFloat(b));
}

} // namespace coreai::runtime::ane

#endif // COREAI_RUNTIME_ANE_FP16_H

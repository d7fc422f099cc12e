//===- Half.h - 16-bit float conversions for tools ------------------------===//
//
// Only what comparing, printing and widening results needs: float16,
// bfloat16, float8 and float4 bit patterns to float. Exact (every such value
// is representable as float).
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_HALF_H
#define COREAI_RUNTIME_HALF_H

#include "coreai/DType.h"

#include <cmath>
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

inline bool isNarrowFloat(DType t) {
  return t == DType::F8E4M3FN || t == DType::F8E4M3FNUZ ||
         t == DType::F8E5M2 || t == DType::F8E5M2FNUZ ||
         t == DType::F4E2M1 || t == DType::F8E8M0;
}

/// Value of a float8/float4 code (ONNX's definitions of the formats).
inline float narrowFloatToFloat(DType t, uint8_t code) {
  int expBits, manBits, bias;
  switch (t) {
  case DType::F8E4M3FN: expBits = 4, manBits = 3, bias = 7; break;
  case DType::F8E4M3FNUZ: expBits = 4, manBits = 3, bias = 8; break;
  case DType::F8E5M2: expBits = 5, manBits = 2, bias = 15; break;
  case DType::F8E5M2FNUZ: expBits = 5, manBits = 2, bias = 16; break;
  case DType::F4E2M1: expBits = 2, manBits = 1, bias = 1; break;
  case DType::F8E8M0: // a biased power of two; 0xFF is NaN
    return code == 0xFF ? NAN : std::ldexp(1.0f, (int)code - 127);
  default: return NAN;
  }
  bool fnuz = t == DType::F8E4M3FNUZ || t == DType::F8E5M2FNUZ;
  if (t == DType::F4E2M1)
    code &= 0xF;
  if (fnuz && code == 0x80)
    return NAN;
  uint32_t sign = (code >> (expBits + manBits)) & 1;
  uint32_t exp = (code >> manBits) & ((1u << expBits) - 1);
  uint32_t man = code & ((1u << manBits) - 1);
  if (t == DType::F8E4M3FN && exp == 15 && man == 7)
    return sign ? -NAN : NAN;
  if (t == DType::F8E5M2 && exp == 31)
    return man ? NAN : (sign ? -INFINITY : INFINITY);
  float v = exp == 0
                ? std::ldexp((float)man, 1 - bias - manBits)
                : std::ldexp((float)((1u << manBits) | man),
                             (int)exp - bias - manBits);
  return sign ? -v : v;
}

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_HALF_H

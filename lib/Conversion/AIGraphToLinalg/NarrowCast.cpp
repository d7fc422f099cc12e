//===- NarrowCast.cpp - Cast to and from float8, float4 and int4/int2 -----===//
//
// These types are stored one value per byte below aigraph (NarrowTypes.h)
// and LLVM has no arithmetic for them, so Cast goes through f32 (floats) or
// i32 (integers). Decoding a float8/float4 code is a lookup in a table that
// APFloat fills at compile time; encoding rounds the f32 bits to nearest
// even with integer arithmetic. No upstream pass does either on the CPU:
// arith-expand only covers f8E8M0 and f4E2M1 truncf/extf, and not the
// saturating ONNX semantics.
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

using namespace mlir;

namespace coreai::aigraph {
namespace {

Value i32c(OpBuilder &b, Location l, int64_t v) {
  return arith::ConstantIntOp::create(b, l, v, 32);
}

/// f32 value of a float8/float4 code: a constant table indexed by the code.
Value decodeNarrowFloat(OpBuilder &b, Location l, Value code, FloatType ft) {
  unsigned bits = ft.getWidth();
  SmallVector<float> table;
  for (unsigned c = 0; c < (1u << bits); ++c) {
    APFloat v(ft.getFloatSemantics(), APInt(bits, c));
    bool lost;
    v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    table.push_back(v.convertToFloat());
  }
  auto tableType = RankedTensorType::get({(int64_t)table.size()}, b.getF32Type());
  Value t = arith::ConstantOp::create(
      b, l, DenseElementsAttr::get(tableType, ArrayRef<float>(table)));
  Value idx = arith::AndIOp::create(
      b, l, arith::ExtUIOp::create(b, l, b.getI32Type(), code),
      i32c(b, l, (1 << bits) - 1));
  Value index = arith::IndexCastOp::create(b, l, b.getIndexType(), idx);
  return tensor::ExtractOp::create(b, l, t, ValueRange{index});
}

/// The parameters of a float8/float4 format that encoding needs.
struct MiniFloat {
  unsigned exp, man;
  int bias;
  unsigned maxCode;  // largest finite magnitude code
  bool unsignedZero; // fnuz: no -0; 0x80 is the only NaN
  bool hasInf;
  unsigned nanCode; // NaN, without the sign
};

std::optional<MiniFloat> describe(FloatType t) {
  if (isa<Float8E4M3FNType>(t))
    return MiniFloat{4, 3, 7, 0x7E, false, false, 0x7F};
  if (isa<Float8E4M3FNUZType>(t))
    return MiniFloat{4, 3, 8, 0x7F, true, false, 0x80};
  if (isa<Float8E5M2Type>(t))
    return MiniFloat{5, 2, 15, 0x7B, false, true, 0x7F};
  if (isa<Float8E5M2FNUZType>(t))
    return MiniFloat{5, 2, 16, 0x7F, true, false, 0x80};
  // float4e2m1 has neither infinity nor NaN: it always saturates, and ONNX
  // maps NaN to the code 0x8.
  if (isa<Float4E2M1FNType>(t))
    return MiniFloat{2, 1, 1, 0x7, false, false, 0x8};
  return std::nullopt;
}

/// f32 -> float8/float4 code (as i8), rounding to nearest even.
Value encodeMiniFloat(OpBuilder &b, Location l, Value x, const MiniFloat &f,
                      bool saturate) {
  Type i32 = b.getI32Type();
  Value bits = arith::BitcastOp::create(b, l, i32, x);
  Value sign = arith::ShRUIOp::create(b, l, bits, i32c(b, l, 31));
  Value mag = arith::AndIOp::create(b, l, bits, i32c(b, l, 0x7FFFFFFF));
  auto ucmp = [&](arith::CmpIPredicate p, Value a, int64_t c) {
    return arith::CmpIOp::create(b, l, p, a, i32c(b, l, c));
  };
  Value isNaN = ucmp(arith::CmpIPredicate::ugt, mag, 0x7F800000);
  Value isInf = ucmp(arith::CmpIPredicate::eq, mag, 0x7F800000);

  // Below the smallest normal, codes are multiples of the subnormal step:
  // scale by a power of two (exact) and round to an integer.
  int minExp = 1 - f.bias;
  int64_t minNormalBits = (int64_t)(127 + minExp) << 23;
  Value isSub = ucmp(arith::CmpIPredicate::ult, mag, minNormalBits);
  Value absX = arith::BitcastOp::create(
      b, l, b.getF32Type(),
      arith::SelectOp::create(b, l, isSub, mag, i32c(b, l, 0)));
  Value scaled = arith::MulFOp::create(
      b, l, absX,
      arith::ConstantOp::create(
          b, l, b.getF32FloatAttr(std::ldexp(1.0f, (int)f.man - minExp))));
  Value subCode = arith::FPToUIOp::create(
      b, l, i32, math::RoundEvenOp::create(b, l, scaled));

  // Normal: round the f32 mantissa to `man` bits (ties to even), then
  // rebias the exponent; a carry out of the mantissa bumps the exponent.
  int shift = 23 - (int)f.man;
  Value lsb = arith::AndIOp::create(
      b, l, arith::ShRUIOp::create(b, l, mag, i32c(b, l, shift)),
      i32c(b, l, 1));
  Value rounded = arith::AddIOp::create(
      b, l, arith::AddIOp::create(b, l, mag, i32c(b, l, (1 << (shift - 1)) - 1)),
      lsb);
  Value normalCode = arith::SubIOp::create(
      b, l, arith::ShRUIOp::create(b, l, rounded, i32c(b, l, shift)),
      i32c(b, l, (int64_t)(127 - f.bias) << f.man));
  Value code = arith::SelectOp::create(b, l, isSub, subCode, normalCode);

  Value overflow = arith::OrIOp::create(
      b, l, isInf, ucmp(arith::CmpIPredicate::ugt, code, f.maxCode));
  unsigned signShift = f.exp + f.man;
  Value signBit = arith::ShLIOp::create(b, l, sign, i32c(b, l, signShift));
  Value signedCode = arith::OrIOp::create(b, l, code, signBit);
  if (f.unsignedZero)
    signedCode = arith::SelectOp::create(
        b, l, ucmp(arith::CmpIPredicate::eq, code, 0), i32c(b, l, 0),
        signedCode);
  bool saturates = saturate || f.exp == 2;
  Value overflowCode;
  if (saturates)
    overflowCode = arith::OrIOp::create(b, l, i32c(b, l, f.maxCode), signBit);
  else if (f.hasInf)
    overflowCode =
        arith::OrIOp::create(b, l, i32c(b, l, f.maxCode + 1), signBit);
  else if (f.unsignedZero)
    overflowCode = i32c(b, l, f.nanCode);
  else
    overflowCode = arith::OrIOp::create(b, l, i32c(b, l, f.nanCode), signBit);
  Value nanCode =
      f.unsignedZero || f.exp == 2
          ? i32c(b, l, f.nanCode)
          : (Value)arith::OrIOp::create(b, l, i32c(b, l, f.nanCode), signBit);
  Value r = arith::SelectOp::create(b, l, overflow, overflowCode, signedCode);
  r = arith::SelectOp::create(b, l, isNaN, nanCode, r);
  return arith::TruncIOp::create(b, l, b.getI8Type(), r);
}

/// f32 -> float8e8m0 (a biased power of two), rounding as `mode` says.
Value encodeE8M0(OpBuilder &b, Location l, Value x, bool saturate,
                 StringRef mode) {
  Type i32 = b.getI32Type();
  Value bits = arith::BitcastOp::create(b, l, i32, x);
  Value mag = arith::AndIOp::create(b, l, bits, i32c(b, l, 0x7FFFFFFF));
  auto ucmp = [&](arith::CmpIPredicate p, Value a, int64_t c) {
    return arith::CmpIOp::create(b, l, p, a, i32c(b, l, c));
  };
  Value isNaN = ucmp(arith::CmpIPredicate::ugt, mag, 0x7F800000);
  Value isInf = ucmp(arith::CmpIPredicate::eq, mag, 0x7F800000);
  Value exp = arith::ShRUIOp::create(b, l, mag, i32c(b, l, 23));
  Value mant = arith::AndIOp::create(b, l, mag, i32c(b, l, 0x7FFFFF));
  Value up;
  if (mode == "up")
    up = ucmp(arith::CmpIPredicate::ne, mant, 0);
  else if (mode == "nearest")
    up = ucmp(arith::CmpIPredicate::uge, mant, 0x400000);
  else
    up = arith::ConstantIntOp::create(b, l, 0, 1);
  Value code = arith::AddIOp::create(
      b, l, exp, arith::ExtUIOp::create(b, l, i32, up));
  Value overflow = arith::OrIOp::create(
      b, l, isInf, ucmp(arith::CmpIPredicate::ugt, code, 0xFE));
  Value r = arith::SelectOp::create(b, l, overflow,
                                    i32c(b, l, saturate ? 0xFE : 0xFF), code);
  r = arith::SelectOp::create(b, l, isNaN, i32c(b, l, 0xFF), r);
  return arith::TruncIOp::create(b, l, b.getI8Type(), r);
}

} // namespace

Value castElement(OpBuilder &b, Location l, Value x, Type from, Type to,
                  bool saturate, StringRef roundMode) {
  bool fromU = from.isUnsignedInteger(), toU = to.isUnsignedInteger();
  // Narrow sources become f32 (floats) or stay in their byte (integers,
  // already sign- or zero-extended there).
  if (isNarrowFloat(from)) {
    x = decodeNarrowFloat(b, l, x, cast<FloatType>(from));
    from = b.getF32Type();
  }
  if (isNarrowFloat(to)) {
    Value f = castScalar(b, l, x, b.getF32Type(), fromU, false);
    if (isa<Float8E8M0FNUType>(to))
      return encodeE8M0(b, l, f, saturate, roundMode);
    return encodeMiniFloat(b, l, f, *describe(cast<FloatType>(to)), saturate);
  }
  if (isNarrowInteger(to)) {
    // ONNX keeps the low bits, as for any integer narrowing.
    Value wide = castScalar(b, l, x, b.getI32Type(), fromU, false);
    Value low = arith::TruncIOp::create(
        b, l, b.getIntegerType(to.getIntOrFloatBitWidth()), wide);
    return toU ? (Value)arith::ExtUIOp::create(b, l, b.getI8Type(), low)
               : (Value)arith::ExtSIOp::create(b, l, b.getI8Type(), low);
  }
  Type signlessTo =
      toU ? (Type)b.getIntegerType(to.getIntOrFloatBitWidth()) : to;
  return castScalar(b, l, x, signlessTo, fromU, toU);
}

} // namespace coreai::aigraph

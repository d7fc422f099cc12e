//===- NarrowTypes.h - element types stored one per byte ------------------===//
//
// ONNX's 8-bit floats (float8e4m3fn, float8e4m3fnuz, float8e5m2,
// float8e5m2fnuz, float8e8m0), float4e2m1 and the 4- and 2-bit integers have
// no arithmetic in LLVM. aigraph keeps their MLIR types; below aigraph they
// are stored one value per byte (i8): a float's bit pattern in the low bits,
// an integer sign- or zero-extended. Only Cast computes on them (through
// f32 or i32), which is also all that ONNX defines for most of them.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_DIALECTS_AIGRAPH_NARROWTYPES_H
#define COREAI_DIALECTS_AIGRAPH_NARROWTYPES_H

#include "mlir/IR/BuiltinTypes.h"

namespace coreai::aigraph {

/// A float type narrower than 16 bits (the float8 and float4 families).
inline bool isNarrowFloat(mlir::Type t) {
  auto f = llvm::dyn_cast<mlir::FloatType>(t);
  return f && f.getWidth() < 16;
}

/// An integer type narrower than a byte, other than i1 (int4, uint2...).
inline bool isNarrowInteger(mlir::Type t) {
  auto i = llvm::dyn_cast<mlir::IntegerType>(t);
  return i && i.getWidth() > 1 && i.getWidth() < 8;
}

inline bool isNarrowType(mlir::Type t) {
  return isNarrowFloat(t) || isNarrowInteger(t);
}

} // namespace coreai::aigraph

#endif

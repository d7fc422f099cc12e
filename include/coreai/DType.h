//===- DType.h - Tensor element types shared by compiler and runtime ------===//
//
// The numbering is ONNX's TensorProto.DataType, so values read from ONNX files
// need no translation and the bundle stays readable by anyone who knows ONNX.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_DTYPE_H
#define COREAI_DTYPE_H

#include <cstddef>
#include <cstdint>

namespace coreai {

enum class DType : uint8_t {
  Undefined = 0,
  F32 = 1,
  U8 = 2,
  I8 = 3,
  U16 = 4,
  I16 = 5,
  I32 = 6,
  I64 = 7,
  String = 8,
  Bool = 9,
  F16 = 10,
  F64 = 11,
  U32 = 12,
  U64 = 13,
  BF16 = 16,
  // Narrow types: in memory (kernel buffers, NDArray) one value per byte, a
  // float's code in the low bits, an integer sign- or zero-extended. ONNX
  // files pack the 4- and 2-bit types; TensorIO unpacks them.
  F8E4M3FN = 17,
  F8E4M3FNUZ = 18,
  F8E5M2 = 19,
  F8E5M2FNUZ = 20,
  U4 = 21,
  I4 = 22,
  F4E2M1 = 23,
  F8E8M0 = 24,
  U2 = 25,
  I2 = 26,
};

/// Size in bytes of one element; 0 for types without a fixed size.
inline size_t dtypeSize(DType t) {
  switch (t) {
  case DType::U8:
  case DType::I8:
  case DType::Bool:
  case DType::F8E4M3FN:
  case DType::F8E4M3FNUZ:
  case DType::F8E5M2:
  case DType::F8E5M2FNUZ:
  case DType::U4:
  case DType::I4:
  case DType::F4E2M1:
  case DType::F8E8M0:
  case DType::U2:
  case DType::I2:
    return 1;
  case DType::U16:
  case DType::I16:
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::F32:
  case DType::I32:
  case DType::U32:
    return 4;
  case DType::I64:
  case DType::U64:
  case DType::F64:
    return 8;
  default:
    return 0;
  }
}

/// Lower-case name as used in messages ("float32", "int64", ...).
inline const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32: return "float32";
  case DType::U8: return "uint8";
  case DType::I8: return "int8";
  case DType::U16: return "uint16";
  case DType::I16: return "int16";
  case DType::I32: return "int32";
  case DType::I64: return "int64";
  case DType::String: return "string";
  case DType::Bool: return "bool";
  case DType::F16: return "float16";
  case DType::F64: return "float64";
  case DType::U32: return "uint32";
  case DType::U64: return "uint64";
  case DType::BF16: return "bfloat16";
  case DType::F8E4M3FN: return "float8e4m3fn";
  case DType::F8E4M3FNUZ: return "float8e4m3fnuz";
  case DType::F8E5M2: return "float8e5m2";
  case DType::F8E5M2FNUZ: return "float8e5m2fnuz";
  case DType::U4: return "uint4";
  case DType::I4: return "int4";
  case DType::F4E2M1: return "float4e2m1";
  case DType::F8E8M0: return "float8e8m0";
  case DType::U2: return "uint2";
  case DType::I2: return "int2";
  default: return "undefined";
  }
}

} // namespace coreai

#endif // COREAI_DTYPE_H

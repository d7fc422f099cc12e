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
};

/// Size in bytes of one element; 0 for types without a fixed size.
inline size_t dtypeSize(DType t) {
  switch (t) {
  case DType::U8:
  case DType::I8:
  case DType::Bool:
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
  default: return "undefined";
  }
}

} // namespace coreai

#endif // COREAI_DTYPE_H

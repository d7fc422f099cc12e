//===- BundleValues.cpp - MLIR types and attributes as bundle data --------===//
#include "lib/Pipeline/BundleValues.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;

FailureOr<coreai::DType> coreai::toDType(Location loc, Type t) {
  if (t.isF32())
    return coreai::DType::F32;
  if (t.isF64())
    return coreai::DType::F64;
  if (t.isF16())
    return coreai::DType::F16;
  if (t.isBF16())
    return coreai::DType::BF16;
  if (t.isInteger(1))
    return coreai::DType::Bool;
  if (isa<Float8E4M3FNType>(t))
    return coreai::DType::F8E4M3FN;
  if (isa<Float8E4M3FNUZType>(t))
    return coreai::DType::F8E4M3FNUZ;
  if (isa<Float8E5M2Type>(t))
    return coreai::DType::F8E5M2;
  if (isa<Float8E5M2FNUZType>(t))
    return coreai::DType::F8E5M2FNUZ;
  if (isa<Float4E2M1FNType>(t))
    return coreai::DType::F4E2M1;
  if (isa<Float8E8M0FNUType>(t))
    return coreai::DType::F8E8M0;
  if (auto it = dyn_cast<IntegerType>(t)) {
    bool u = it.isUnsigned();
    switch (it.getWidth()) {
    case 2:
      return u ? coreai::DType::U2 : coreai::DType::I2;
    case 4:
      return u ? coreai::DType::U4 : coreai::DType::I4;
    case 8:
      return u ? coreai::DType::U8 : coreai::DType::I8;
    case 16:
      return u ? coreai::DType::U16 : coreai::DType::I16;
    case 32:
      return u ? coreai::DType::U32 : coreai::DType::I32;
    case 64:
      return u ? coreai::DType::U64 : coreai::DType::I64;
    }
  }
  return emitError(loc) << "element type " << t
                        << " cannot cross the bundle boundary";
}

FailureOr<coreai::bundle::ConstantData>
coreai::toConstantData(Location loc, DenseElementsAttr dense) {
  auto type = dense.getType();
  FailureOr<DType> dtype = toDType(loc, type.getElementType());
  if (failed(dtype))
    return failure();
  bundle::ConstantData c;
  c.dtype = *dtype;
  c.shape.assign(type.getShape().begin(), type.getShape().end());
  std::vector<uint8_t> &bytes = c.bytes;
  int64_t elemBytes = (type.getElementTypeBitWidth() + 7) / 8;
  if (type.getElementType().isInteger(1)) {
    for (bool v : dense.getValues<bool>())
      bytes.push_back(v);
    return c;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    for (int64_t i = 0; i < type.getNumElements(); ++i)
      bytes.insert(bytes.end(), raw.begin(), raw.begin() + elemBytes);
    return c;
  }
  bytes.insert(bytes.end(), raw.begin(), raw.end());
  return c;
}

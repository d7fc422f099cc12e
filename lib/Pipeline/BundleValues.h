//===- BundleValues.h - MLIR types and attributes as bundle data ----------===//
#ifndef COREAI_LIB_PIPELINE_BUNDLEVALUES_H
#define COREAI_LIB_PIPELINE_BUNDLEVALUES_H

#include "coreai/DType.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

#include <cstdint>
#include <vector>

namespace coreai {

/// The bundle dtype of an element type, or an error at `loc`.
mlir::FailureOr<DType> toDType(mlir::Location loc, mlir::Type t);

/// Appends the bytes of `dense` as the runtime stores them (one byte per
/// bool, splats expanded).
void appendBytes(mlir::DenseElementsAttr dense, std::vector<uint8_t> &bytes);

} // namespace coreai

#endif // COREAI_LIB_PIPELINE_BUNDLEVALUES_H

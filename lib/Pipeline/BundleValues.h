//===- BundleValues.h - MLIR types and attributes as bundle data ----------===//
#ifndef COREAI_LIB_PIPELINE_BUNDLEVALUES_H
#define COREAI_LIB_PIPELINE_BUNDLEVALUES_H

#include "coreai/DType.h"
#include "lib/Bundle/BundleWriter.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

#include <cstdint>
#include <vector>

namespace coreai {

/// The bundle dtype of an element type, or an error at `loc`.
mlir::FailureOr<DType> toDType(mlir::Location loc, mlir::Type t);

/// `dense` as a bundle constant: its dtype, shape and bytes as the runtime
/// stores them (one byte per bool, splats expanded), or an error at `loc`.
mlir::FailureOr<bundle::ConstantData>
toConstantData(mlir::Location loc, mlir::DenseElementsAttr dense);

} // namespace coreai

#endif // COREAI_LIB_PIPELINE_BUNDLEVALUES_H

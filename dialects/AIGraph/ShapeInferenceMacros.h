//===- ShapeInferenceMacros.h - Shared inferReturnTypes pieces -*- C++ -*-===//
//
// Internal to the dialect's ShapeInference*.cpp files.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_DIALECTS_AIGRAPH_SHAPEINFERENCEMACROS_H
#define COREAI_DIALECTS_AIGRAPH_SHAPEINFERENCEMACROS_H

#include "mlir/IR/BuiltinTypes.h"

namespace coreai::aigraph {
/// An operand's type (every aigraph operand is a ranked tensor; the op
/// definitions constrain it).
inline mlir::RankedTensorType rankedOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}
} // namespace coreai::aigraph

/// The result has the type of the single `input` operand.
#define AIGRAPH_SAME_TYPE_INFER(OP)                                            \
  ::llvm::LogicalResult OP::inferReturnTypes(                                  \
      ::mlir::MLIRContext *, std::optional<::mlir::Location>, Adaptor adaptor, \
      ::llvm::SmallVectorImpl<::mlir::Type> &types) {                          \
    types.push_back(adaptor.getInput().getType());                             \
    return ::mlir::success();                                                  \
  }

#endif

//===- ConstantValues.h - Graph values known at compile time ----*- C++ -*-===//
#ifndef COREAI_DIALECTS_AIGRAPH_CONSTANTVALUES_H
#define COREAI_DIALECTS_AIGRAPH_CONSTANTVALUES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"

namespace coreai::aigraph {

/// The dense value of `v` when it is known at compile time: an
/// aigraph.constant, or an argument of a function-like op that
/// aigraph-hoist-constants marked as a hoisted constant (kConstantArgAttr).
/// Null otherwise.
mlir::DenseElementsAttr constantValueOf(mlir::Value v);

} // namespace coreai::aigraph

#endif // COREAI_DIALECTS_AIGRAPH_CONSTANTVALUES_H

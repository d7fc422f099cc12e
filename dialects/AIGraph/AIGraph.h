//===- AIGraph.h - The aigraph dialect ------------------------------------===//
#ifndef COREAI_DIALECTS_AIGRAPH_AIGRAPH_H
#define COREAI_DIALECTS_AIGRAPH_AIGRAPH_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/AIGraph/AIGraphDialect.h.inc"

#define GET_OP_CLASSES
#include "dialects/AIGraph/AIGraphOps.h.inc"

namespace coreai::aigraph {

/// numpy broadcasting of two shapes; failure when they are incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// Output size of one spatial dim of a convolution or pooling window.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t dilation, int64_t padBegin, int64_t padEnd,
                         bool ceilMode);

} // namespace coreai::aigraph

#endif // COREAI_DIALECTS_AIGRAPH_AIGRAPH_H

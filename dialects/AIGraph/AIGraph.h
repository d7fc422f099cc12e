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
#include "dialects/AIGraph/AIGraphEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/AIGraph/AIGraphAttributes.h.inc"

namespace coreai::aigraph {

// Result-type rules shared by many ops (see AIGraphOps.td): each trait's ODS
// definition writes the op's inferReturnTypes; the classes only mark the ops.

/// The result has the type of the `input` operand.
template <typename ConcreteType>
class ResultTypeOfInput
    : public mlir::OpTrait::TraitBase<ConcreteType, ResultTypeOfInput> {};
/// `lhs` and `rhs` broadcast; the result has lhs's element type.
template <typename ConcreteType>
class BroadcastResult
    : public mlir::OpTrait::TraitBase<ConcreteType, BroadcastResult> {};
/// `lhs` and `rhs` broadcast; the result is i1.
template <typename ConcreteType>
class BroadcastPredicate
    : public mlir::OpTrait::TraitBase<ConcreteType, BroadcastPredicate> {};

/// The shapes of `values` broadcast (numpy rules) into one result of
/// `elementType`; an error at `loc` naming the shapes when they do not.
llvm::LogicalResult
inferBroadcastResult(std::optional<mlir::Location> loc, mlir::ValueRange values,
                     mlir::Type elementType,
                     llvm::SmallVectorImpl<mlir::Type> &types);

/// An operand's type (every aigraph operand is a ranked tensor; the op
/// definitions constrain it).
inline mlir::RankedTensorType rankedOf(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}

} // namespace coreai::aigraph

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

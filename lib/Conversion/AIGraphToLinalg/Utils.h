//===- Utils.h - Helpers shared by the aigraph -> linalg patterns ---------===//
#ifndef COREAI_LIB_CONVERSION_AIGRAPHTOLINALG_UTILS_H
#define COREAI_LIB_CONVERSION_AIGRAPHTOLINALG_UTILS_H

#include "dialects/AIGraph/AIGraph.h"
#include "dialects/AIGraph/NarrowTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace coreai::aigraph {

using BodyBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// An uninitialized tensor of the given shape and element type.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<int64_t> shape, mlir::Type elementType);

/// A tensor filled with `value` (a float or integer constant of elementType).
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<int64_t> shape, mlir::Type elementType,
                         double value);

/// A scalar constant of `type` (float or integer).
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// The indexing map reading `operandShape` inside an iteration space of
/// `outShape` under numpy broadcasting (right-aligned; size-1 dims read 0).
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> outShape);

/// An elementwise linalg.generic over `outType` reading `inputs` with numpy
/// broadcasting; `body` gets one scalar per input.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType outType,
                             mlir::ValueRange inputs, BodyBuilder body);

/// The iteration space of a reduction of `type` over `reducedDims`: one
/// iterator per dim (reduction for the reduced ones), and the kept dims as
/// the output's shape and its indexing map's results.
struct ReductionSpace {
  llvm::SmallVector<mlir::utils::IteratorType> iterators;
  llvm::SmallVector<int64_t> outShape;
  llvm::SmallVector<mlir::AffineExpr> outExprs;
};
ReductionSpace reductionSpace(mlir::RankedTensorType type,
                              llvm::ArrayRef<int64_t> reducedDims);

/// Reduces `input` over the dims in `reducedDims` (a sorted list) into a
/// tensor without those dims, starting from `init`; `combine(acc, x)`.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value input, llvm::ArrayRef<int64_t> reducedDims,
                           double init, BodyBuilder combine);

/// Reshapes a static tensor to `shape` (same element count).
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                      llvm::ArrayRef<int64_t> shape);

/// Pads the trailing `spatial` dims of an N x C x ... tensor with `value`;
/// `pads` is ONNX-ordered (all begins, then all ends).
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       llvm::ArrayRef<int64_t> pads, double value);

/// Requires a static shape on every operand and result of `op`, and element
/// types the lowering handles (unsigned integers only where `allowUnsigned`).
llvm::LogicalResult requireStaticShapes(mlir::Operation *op,
                                        mlir::ConversionPatternRewriter &rw,
                                        bool allowUnsigned = false);

/// Converts a scalar between element types with ONNX Cast semantics;
/// integers are signless, so their signedness comes separately.
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       mlir::Type to, bool fromUnsigned = false,
                       bool toUnsigned = false);

/// ONNX Cast of one element `x` (already in its converted, signless type)
/// from element type `from` to `to` (both aigraph types), including the
/// byte-stored float8/float4/sub-byte integer types (NarrowCast.cpp).
mlir::Value castElement(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        mlir::Type from, mlir::Type to, bool saturate,
                        llvm::StringRef roundMode);

/// Whether any operand of `op` has an unsigned integer element type (the
/// lowering computes on signless integers and picks unsigned arith ops).
bool hasUnsignedOperand(mlir::Operation *op);

/// The type of result `i` of `op` after the signless type conversion.
template <typename Pattern>
mlir::RankedTensorType resultType(const Pattern *pattern, mlir::Operation *op,
                                  unsigned i = 0) {
  return llvm::cast<mlir::RankedTensorType>(
      pattern->getTypeConverter()->convertType(op->getResult(i).getType()));
}

void populateElementwisePatterns(const mlir::TypeConverter &converter,
                      mlir::RewritePatternSet &patterns);
void populateLinearAlgebraPatterns(const mlir::TypeConverter &converter,
                      mlir::RewritePatternSet &patterns);
void populatePoolingPatterns(const mlir::TypeConverter &converter,
                      mlir::RewritePatternSet &patterns);
void populateNormalizationPatterns(const mlir::TypeConverter &converter,
                      mlir::RewritePatternSet &patterns);
void populateShapeOpPatterns(const mlir::TypeConverter &converter,
                             mlir::RewritePatternSet &patterns);
void populateReductionPatterns(const mlir::TypeConverter &converter,
                      mlir::RewritePatternSet &patterns);
void populateIndexingPatterns(const mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);

} // namespace coreai::aigraph

#endif

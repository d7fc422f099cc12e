//===- TransposeGemmWeights.cpp - Weights stored as the kernels read them -===//
//
// ONNX exporters write fully connected layers as Gemm(x, W, transB=1) with
// W of shape [N, K]: every output column then reads a strided column of
// the stored weights. Transposing the constant once at compile time (and
// clearing transB) gives every unit contiguous rows of W^T along the output
// dim, the layout the CPU's vector kernels and the GPU's tiles load, at no
// cost at run time (not at batch 1, where a dot product along W's rows
// streams them best, unless the function is one of several shape variants
// that share their weights). For the same reason a MatMul with one row by
// constant [K, N] weights becomes that batch-1 Gemm over the stored W^T.
// Only constants that every user reads this way are rewritten (one weight
// may serve several layers), so the bundle never holds both layouts.
//
//===----------------------------------------------------------------------===//
#include "lib/Transforms/Passes.h"

#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cstring>
#include <vector>

using namespace mlir;
namespace ag = coreai::aigraph;

namespace coreai {
#define GEN_PASS_DEF_TRANSPOSEGEMMWEIGHTS
#include "lib/Transforms/Passes.h.inc"
} // namespace coreai

namespace {

/// `value` ([rows, cols]) transposed, moving raw elements; null for
/// sub-byte element types (left as they are).
DenseElementsAttr transposed(DenseElementsAttr value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  auto result = RankedTensorType::get({cols, rows}, type.getElementType());
  if (value.isSplat())
    return value.reshape(result);
  Type element = type.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8)
    return {};
  size_t bytes = element.getIntOrFloatBitWidth() / 8;
  ArrayRef<char> in = value.getRawData();
  std::vector<char> out(in.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      std::memcpy(&out[(c * rows + r) * bytes], &in[(r * cols + c) * bytes],
                  bytes);
  return DenseElementsAttr::getFromRawBuffer(result, out);
}

/// The rows of A (M), or -1 when unknown. With one row (batch 1), the
/// product is a dot product per output, best read along the rows of W as
/// stored: each weight streamed once, contiguously.
int64_t rows(ag::GemmOp gemm) {
  auto a = dyn_cast<RankedTensorType>(gemm.getA().getType());
  if (!a || a.getRank() != 2)
    return -1;
  return a.getDimSize(gemm.getTransA() ? 1 : 0);
}

/// Whether `use` is the right operand, constant [K, N] weights, of a
/// MatMul with one row: every dim of the left operand but the last is 1 (a
/// fully connected layer at batch 1, a decoder's token step).
bool isOneRowMatMulWeight(OpOperand &use) {
  auto matmul = dyn_cast<ag::MatMulOp>(use.getOwner());
  if (!matmul || &use != &matmul.getRhsMutable())
    return false;
  auto lhs = dyn_cast<RankedTensorType>(matmul.getLhs().getType());
  auto rhs = dyn_cast<RankedTensorType>(matmul.getRhs().getType());
  auto out = dyn_cast<RankedTensorType>(matmul.getType());
  return lhs && rhs && out && lhs.hasStaticShape() && rhs.hasStaticShape() &&
         out.hasStaticShape() && rhs.getRank() == 2 && lhs.getRank() >= 1 &&
         rhs.getNumElements() > 0 &&
         lhs.getNumElements() == lhs.getShape().back();
}

/// `matmul` (one row, see isOneRowMatMulWeight) as a Gemm with transB over
/// `transposedWeights` ([N, K]), its left operand and result reshaped to
/// and from one row.
void rewriteAsDotProducts(ag::MatMulOp matmul, Value transposedWeights) {
  OpBuilder b(matmul);
  Location loc = matmul.getLoc();
  auto lhs = cast<RankedTensorType>(matmul.getLhs().getType());
  auto out = cast<RankedTensorType>(matmul.getType());
  int64_t k = lhs.getShape().back(), n = out.getNumElements();
  auto row = [&](Value v, RankedTensorType type, int64_t cols) -> Value {
    auto flat = RankedTensorType::get({1, cols}, type.getElementType());
    if (type == flat)
      return v;
    return ag::ReshapeOp::create(b, loc, flat, v,
                                 b.getDenseI64ArrayAttr(flat.getShape()));
  };
  Value a = row(matmul.getLhs(), lhs, k);
  auto flatOut = RankedTensorType::get({1, n}, out.getElementType());
  Value product = ag::GemmOp::create(
      b, loc, flatOut, a, transposedWeights, Value(), b.getF64FloatAttr(1.0),
      b.getF64FloatAttr(1.0), b.getBoolAttr(false), b.getBoolAttr(true));
  if (flatOut != out)
    product = ag::ReshapeOp::create(b, loc, out, product,
                                    b.getDenseI64ArrayAttr(out.getShape()));
  matmul.getResult().replaceAllUsesWith(product);
  matmul.erase();
}

struct TransposeGemmWeights
    : coreai::impl::TransposeGemmWeightsBase<TransposeGemmWeights> {
  void runOnOperation() override {
    // The shape variants of one model share their weights, so their layout
    // may not depend on the batch: in a group, batch 1 reads W^T too.
    bool shapeGroup = getOperation()->hasAttr(coreai::kShapeGroupAttr);
    auto readTransposed = [&](OpOperand &use) {
      auto gemm = dyn_cast<ag::GemmOp>(use.getOwner());
      return gemm && gemm.getTransB() && &use == &gemm.getBMutable() &&
             (shapeGroup || rows(gemm) != 1);
    };
    // (Collected first: the rewrite erases MatMuls a walk would visit.)
    SmallVector<ag::ConstantOp> constants;
    getOperation().walk(
        [&](ag::ConstantOp constant) { constants.push_back(constant); });
    for (ag::ConstantOp constant : constants) {
      Value weights = constant.getResult();
      if (weights.use_empty())
        continue;
      // One-row MatMuls by constant [K, N] weights: each 16-column block of
      // the vector kernel would walk K rows N floats apart, a TLB miss per
      // row once W outgrows the TLB's reach (6x slower than streaming it at
      // 512 x 8192). Stored as W^T, each output is a dot product along a
      // contiguous row, as for Gemms at batch 1.
      bool dotProducts =
          !shapeGroup && llvm::all_of(weights.getUses(), isOneRowMatMulWeight);
      // Otherwise every use must be the B of a Gemm that reads it transposed.
      if (!dotProducts && !llvm::all_of(weights.getUses(), readTransposed))
        continue;
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      auto type = dyn_cast<RankedTensorType>(weights.getType());
      if (!dense || !type || type.getRank() != 2 || !type.hasStaticShape())
        continue;
      DenseElementsAttr layout = transposed(dense);
      if (!layout)
        continue;
      OpBuilder b(constant);
      auto stored = ag::ConstantOp::create(b, constant.getLoc(), layout);
      for (Operation *user : llvm::to_vector(weights.getUsers())) {
        if (dotProducts) {
          rewriteAsDotProducts(cast<ag::MatMulOp>(user), stored);
          continue;
        }
        auto gemm = cast<ag::GemmOp>(user);
        gemm.getBMutable().assign(stored);
        gemm.setTransB(false);
      }
      constant.erase();
    }
  }
};

} // namespace

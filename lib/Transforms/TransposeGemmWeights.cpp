//===- TransposeGemmWeights.cpp - Weights stored as the kernels read them -===//
//
// ONNX exporters write fully connected layers as Gemm(x, W, transB=1) with
// W of shape [N, K]: every output column then reads a strided column of
// the stored weights. Transposing the constant once at compile time (and
// clearing transB) gives every unit contiguous rows of W^T along the output
// dim, the layout the CPU's vector kernels and the GPU's tiles load, at no
// cost at run time (not at batch 1, where a dot product along W's rows
// streams them best, unless the function is one of several shape variants
// that share their weights). Only constants that every user reads this way are
// rewritten (one weight may serve several layers), so the bundle never
// holds both layouts.
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

struct TransposeGemmWeights
    : coreai::impl::TransposeGemmWeightsBase<TransposeGemmWeights> {
  void runOnOperation() override {
    // The shape variants of one model share their weights, so their layout
    // may not depend on the batch: in a group, batch 1 reads W^T too.
    bool shapeGroup = getOperation()->hasAttr(coreai::kShapeGroupAttr);
    getOperation().walk([&](ag::ConstantOp constant) {
      // Every use is the B of a Gemm that reads it transposed.
      Value weights = constant.getResult();
      if (weights.use_empty() ||
          !llvm::all_of(weights.getUses(), [&](OpOperand &use) {
            auto gemm = dyn_cast<ag::GemmOp>(use.getOwner());
            return gemm && gemm.getTransB() && &use == &gemm.getBMutable() &&
                   (shapeGroup || rows(gemm) != 1);
          }))
        return;
      auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
      auto type = dyn_cast<RankedTensorType>(weights.getType());
      if (!dense || !type || type.getRank() != 2 || !type.hasStaticShape())
        return;
      DenseElementsAttr layout = transposed(dense);
      if (!layout)
        return;
      OpBuilder b(constant);
      auto packed = ag::ConstantOp::create(b, constant.getLoc(), layout);
      for (Operation *user : llvm::to_vector(weights.getUsers())) {
        auto gemm = cast<ag::GemmOp>(user);
        gemm.getBMutable().assign(packed);
        gemm.setTransB(false);
      }
      constant.erase();
    });
  }
};

} // namespace

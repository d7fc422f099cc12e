//===- ConvolutionLayouts.h - Convolutions as the kernel wants them -------===//
//
// Before coreai-cpu-vectorize-contractions builds its kernels, convolutions
// whose NCHW form would waste vector lanes are rewritten over flattened
// images: see ConvolutionLayouts.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_TARGET_CPU_CONVOLUTIONLAYOUTS_H
#define COREAI_LIB_TARGET_CPU_CONVOLUTIONLAYOUTS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

namespace coreai::cpu {

/// Rewrites the NCHW convolutions of `func` (on buffers) into contractions
/// over flattened images where that fills more of the `width`-lane vectors
/// of the kernels: 1x1 convolutions (strided ones over a subsampled copy)
/// as matmuls over H * W, and convolutions with short output rows over the
/// flattened padded image (strided ones phase by phase); convolutions
/// whose weights are stored in blocks of output channels
/// (aigraph-block-convolution-weights) along those channels.
void prepareConvolutions(mlir::func::FuncOp func, mlir::RewriterBase &rewriter,
                         int64_t width);

} // namespace coreai::cpu

#endif // COREAI_LIB_TARGET_CPU_CONVOLUTIONLAYOUTS_H

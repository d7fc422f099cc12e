//===- Passes.h - coreai-build graph passes -------------------------------===//
#ifndef COREAI_LIB_TRANSFORMS_PASSES_H
#define COREAI_LIB_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace coreai {

/// Argument attribute holding the data of a hoisted constant.
inline constexpr llvm::StringLiteral kConstantArgAttr = "coreai.constant";
/// Argument/result attribute holding the source model's tensor name.
inline constexpr llvm::StringLiteral kNameAttr = "coreai.name";
/// Argument attribute of an input fed with pixel buffers: {format, mean,
/// std, scale} (aigraph-image-inputs).
inline constexpr llvm::StringLiteral kImageAttr = "coreai.image";
/// Argument attribute: the source model's name of each dim that was
/// symbolic and bound at compile time ("" for the others).
inline constexpr llvm::StringLiteral kDimNamesAttr = "coreai.dim_names";
/// Function attribute: number of leading arguments that are model inputs.
inline constexpr llvm::StringLiteral kNumInputsAttr = "coreai.num_inputs";
/// Function attribute of enumerated shapes (coreai-build --shape given
/// several times): the name of the group's first function, on every
/// function of the group (the same model compiled for other input shapes).
/// Passes keep constants' layouts independent of shape within a group, and
/// the bundle records it so that the runtime picks a variant by the shapes
/// of the inputs it is given.
inline constexpr llvm::StringLiteral kShapeGroupAttr = "coreai.shape_group";

#define GEN_PASS_DECL
#include "lib/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Transforms/Passes.h.inc"

} // namespace coreai

#endif // COREAI_LIB_TRANSFORMS_PASSES_H

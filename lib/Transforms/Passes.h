//===- Passes.h - coreai-build graph passes -------------------------------===//
#ifndef COREAI_LIB_TRANSFORMS_PASSES_H
#define COREAI_LIB_TRANSFORMS_PASSES_H

#include "dialects/AIGraph/AttributeNames.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace coreai {

#define GEN_PASS_DECL
#include "lib/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Transforms/Passes.h.inc"

} // namespace coreai

#endif // COREAI_LIB_TRANSFORMS_PASSES_H

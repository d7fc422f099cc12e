//===- Passes.h - Placement of ops on compute units -----------------------===//
#ifndef COREAI_LIB_PLACEMENT_PASSES_H
#define COREAI_LIB_PLACEMENT_PASSES_H

#include "dialects/AIGraph/AttributeNames.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace coreai {

#define GEN_PASS_DECL
#include "lib/Placement/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lib/Placement/Passes.h.inc"
} // namespace coreai

#endif // COREAI_LIB_PLACEMENT_PASSES_H

//===- GraphOps.h - How graph ops map onto the engine's layers ------------===//
//
// Shared by the capability check (which must refuse exactly what the
// legalization cannot lower) and the legalization itself.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_TARGET_ANE_GRAPHOPS_H
#define COREAI_LIB_TARGET_ANE_GRAPHOPS_H

#include "lib/NeuralEngine/EngineDescription.h"
#include "lib/NeuralEngine/TensorLayout.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <string>

namespace coreai::anelower {

using runtime::ane::EngineDescription;
using runtime::ane::OpLimits;

/// The dense value of `v` when it is known at compile time: an
/// aigraph.constant, or a function argument marked as a hoisted constant.
mlir::DenseElementsAttr constantOf(mlir::Value v);

/// An elementwise add/sub/mul as the engine runs it: `big` op `small`, where
/// `small` has big's shape or is one value per channel (dim 1 of a rank-4
/// tensor, else the last dim); `swapped` when the graph op had them the other
/// way round (only for add and mul).
struct ElementwiseForm {
  mlir::Value big, small;
  bool swapped = false;
  bool perChannel = false;
  int64_t channels = 0;
};
/// The form of `op` (aigraph.add/sub/mul), or why the engine cannot take it.
std::string elementwiseForm(mlir::Operation *op, ElementwiseForm &form);

using runtime::ane::channelDim;

/// Empty if the engine `e` can run `op`, else why not, in one phrase
/// ("kernel 15x15 exceeds 13x13", "dynamic shape", "int64 tensor").
std::string whyNotOnANE(mlir::Operation *op, const EngineDescription &e);

/// True for ops that move no data on the engine (reshapes, identity).
bool isLayoutOnly(mlir::Operation *op);

} // namespace coreai::anelower

#endif // COREAI_LIB_TARGET_ANE_GRAPHOPS_H

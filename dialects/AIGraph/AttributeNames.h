//===- AttributeNames.h - coreai.* attributes stages share ------*- C++ -*-===//
//
// Every discardable attribute the compiler's stages put on functions,
// arguments and ops to tell a later stage something (import, graph passes,
// placement, the CPU pipeline, the bundle writer). Listed in one place so
// that a reader of any pass finds what an attribute means and who sets it.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_DIALECTS_AIGRAPH_ATTRIBUTENAMES_H
#define COREAI_DIALECTS_AIGRAPH_ATTRIBUTENAMES_H

#include "coreai/ComputeUnit.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace coreai {

//===----------------------------------------------------------------------===//
// Model interface (importer, graph passes; read by the bundle writer)
//===----------------------------------------------------------------------===//

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
/// On a function result whose shape is decided at run time (a reduction
/// over axes given as an input, ...): the index of the result holding its
/// actual extents, int64 [rank]. The result itself holds the value in the
/// box [0, extent) of each dim of its static type, the upper bound; an
/// extent of -1 drops that dim (the value is at index 0 of it).
inline constexpr llvm::StringLiteral kRuntimeShapeAttr = "coreai.runtime_shape";
/// With kRuntimeShapeAttr: the result holds all the elements of its static
/// type in order, at the extents' shape (a reshape decided at run time),
/// instead of a box of it.
inline constexpr llvm::StringLiteral kRuntimeReshapeAttr =
    "coreai.runtime_reshape";
/// Function attribute: number of leading arguments that are model inputs.
inline constexpr llvm::StringLiteral kNumInputsAttr = "coreai.num_inputs";
/// How many of `func`'s `numArguments` leading arguments are model inputs:
/// all of them until aigraph-hoist-constants appends constants.
inline int64_t numModelInputs(mlir::Operation *func, unsigned numArguments) {
  if (auto n = func->getAttrOfType<mlir::IntegerAttr>(kNumInputsAttr))
    return n.getInt();
  return numArguments;
}
/// Function attribute of enumerated shapes (coreai-build --shape given
/// several times): the name of the group's first function, on every
/// function of the group (the same model compiled for other input shapes).
/// Passes keep constants' layouts independent of shape within a group, and
/// the bundle records it so that the runtime picks a variant by the shapes
/// of the inputs it is given.
inline constexpr llvm::StringLiteral kShapeGroupAttr = "coreai.shape_group";

/// Op attribute of the reshapes and transposes that present a constant
/// stored in a unit's own layout as the tensor its consumer reads
/// (aigraph-block-convolution-weights): part of how the consumer reads its
/// weights, not a node of the model, so reports leave them out.
inline constexpr llvm::StringLiteral kWeightLayoutAttr = "coreai.weight_layout";

//===----------------------------------------------------------------------===//
// Placement (coreai-place, coreai-partition)
//===----------------------------------------------------------------------===//

/// The unit an op runs on ("cpu", "gpu", "ane": the names of
/// include/coreai/ComputeUnit.h), on ops and segment functions.
inline constexpr llvm::StringLiteral kUnitAttr = "coreai.unit";
/// The unit `op` is placed on; none when it has no (or no valid) kUnitAttr.
inline std::optional<runtime::ComputeUnit> placedUnit(mlir::Operation *op) {
  auto name = op->getAttrOfType<mlir::StringAttr>(kUnitAttr);
  if (!name)
    return std::nullopt;
  return runtime::parseComputeUnit({name.data(), name.size()});
}
inline void setPlacedUnit(mlir::Operation *op, runtime::ComputeUnit unit) {
  op->setAttr(kUnitAttr, mlir::StringAttr::get(op->getContext(),
                                               runtime::computeUnitName(unit)));
}
/// Marks an op that must be outlined alone.
inline constexpr llvm::StringLiteral kIsolateAttr = "coreai.isolate";

//===----------------------------------------------------------------------===//
// CPU pipeline (lib/Target/CPU)
//===----------------------------------------------------------------------===//

/// On a contraction (a linalg.generic on buffers) for
/// coreai-cpu-vectorize-contractions: the loop whose iterations are the
/// kernel's vector lanes, instead of the output's innermost dim; the output
/// is then stored lane by lane (a scatter).
inline constexpr llvm::StringLiteral kVectorDimAttr = "coreai.vector_dim";

/// Module attribute recording each function's argument layout before
/// bufferization: {F = [num_inputs, num_constants, num_outputs]}.
inline constexpr llvm::StringLiteral kABILayoutAttr = "coreai.abi_layout";
/// On a dispatch function: how many workgroups are worth launching.
inline constexpr llvm::StringLiteral kWorkgroupsAttr = "coreai.workgroups";
/// On a dispatch function: the source nodes it computes ("a (Conv); ...").
inline constexpr llvm::StringLiteral kSourceAttr = "coreai.source";
/// On an scf.parallel: every iteration writes its own elements of every
/// buffer the nest writes (coreai-cpu-vectorize-contractions tiles), so
/// its iterations may be split over workgroups as they are.
inline constexpr llvm::StringLiteral kDisjointTilesAttr =
    "coreai.disjoint_tiles";
/// Module attribute: {dispatch function = number of bindings}.
inline constexpr llvm::StringLiteral kDispatchesAttr = "coreai.dispatches";
/// Module attribute: {function = array<i64: bytes, written, ...>} per
/// buffer argument (coreai-cpu-record-argument-tables).
inline constexpr llvm::StringLiteral kArgumentTablesAttr =
    "coreai.argument_tables";

} // namespace coreai

#endif // COREAI_DIALECTS_AIGRAPH_ATTRIBUTENAMES_H

//===- ShapeVariantCheck.h - Consistency of enumerated shapes -------------===//
//
// A function compiled for enumerated shapes is a primary function and its
// shape variants (Function.variant_of, format 1.4). The runtime picks the
// variant whose input shapes equal the arrays it is given, so the variants
// must be interchangeable apart from their shapes and no two may take the
// same shapes, and they keep the same state. The writer refuses what the reader
// would refuse, with the same words: both call checkShapeVariant.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_SHAPEVARIANTCHECK_H
#define COREAI_BUNDLE_SHAPEVARIANTCHECK_H

#include "lib/Bundle/BundleWriter.h"

#include <string>
#include <vector>

namespace coreai::bundle {

namespace detail {
/// Empty if `a` and `b` differ at most in their shapes' extents.
inline std::string sameSignature(const std::vector<TensorDesc> &a,
                                 const std::vector<TensorDesc> &b,
                                 const char *kind) {
  if (a.size() != b.size())
    return std::string("has ") + std::to_string(a.size()) + " " + kind +
           "s, not " + std::to_string(b.size());
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].dtype != b[i].dtype ||
        a[i].shape.size() != b[i].shape.size() ||
        a[i].image.has_value() != b[i].image.has_value() ||
        a[i].runtimeShapeFrom != b[i].runtimeShapeFrom ||
        a[i].runtimeReshape != b[i].runtimeReshape)
      return std::string(kind) + " " + std::to_string(i) + " '" + a[i].name +
             "' differs in name, dtype, rank, image format or run-time "
             "shape";
  return "";
}
} // namespace detail

/// Empty if `f` (a FunctionData or FunctionInfo) is no shape variant or a
/// valid one of the functions before it, `earlier[0..count)`; else a
/// one-line reason naming `f`.
template <typename Function>
std::string checkShapeVariant(const Function &f, const Function *earlier,
                              size_t count) {
  if (f.variantOf.empty())
    return "";
  std::string what =
      "function '" + f.name + "', a shape variant of '" + f.variantOf + "',";
  const Function *primary = nullptr;
  for (size_t i = 0; i < count && !primary; ++i)
    if (earlier[i].name == f.variantOf)
      primary = &earlier[i];
  if (!primary)
    return what + " does not follow a function of that name";
  if (!primary->variantOf.empty())
    return what + " names a function that is itself a shape variant";
  if (std::string why =
          detail::sameSignature(f.inputs, primary->inputs, "input");
      !why.empty())
    return what + " " + why;
  if (std::string why =
          detail::sameSignature(f.outputs, primary->outputs, "output");
      !why.empty())
    return what + " " + why;
  // An InferenceState holds one buffer per pair for every variant: the
  // variants keep the same state at the same shapes (both checked by
  // checkStates first, so the indices are valid).
  if (f.states != primary->states)
    return what + " keeps other state than '" + primary->name + "'";
  for (const StatePair &s : f.states)
    if (f.inputs[s.input].shape != primary->inputs[s.input].shape)
      return what + " keeps state '" + f.inputs[s.input].name +
             "' at another shape";
  auto sameInputShapes = [&](const Function &other) {
    for (size_t i = 0; i < f.inputs.size(); ++i)
      if (f.inputs[i].shape != other.inputs[i].shape)
        return false;
    return true;
  };
  for (size_t i = 0; i < count; ++i)
    if ((&earlier[i] == primary || earlier[i].variantOf == f.variantOf) &&
        sameInputShapes(earlier[i]))
      return what + " takes the same input shapes as '" + earlier[i].name + "'";
  return "";
}

} // namespace coreai::bundle

#endif // COREAI_BUNDLE_SHAPEVARIANTCHECK_H

//===- AIGraphEnums.td - Enum attributes of aigraph ops ----*- tablegen -*-===//
//
// Attributes with a closed set of values, as enums: the attribute verifies
// itself (the parser refuses a value outside the set), so neither the ops'
// verifiers nor their lowerings compare strings. Included by AIGraphOps.td
// after the dialect definition; the enum and attribute classes are generated
// from AIGraphOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef AIGRAPH_ENUMS
#define AIGRAPH_ENUMS

include "mlir/IR/EnumAttr.td"

// How a scatter combines an update with the value already there (ONNX
// ScatterElements / ScatterND `reduction`); the strings are ONNX's.
def AIGraph_ScatterReduction : I32EnumAttr<"ScatterReduction",
    "scatter reduction", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"Add", 1, "add">,
      I32EnumAttrCase<"Mul", 2, "mul">,
      I32EnumAttrCase<"Max", 3, "max">,
      I32EnumAttrCase<"Min", 4, "min">
    ]> {
  let cppNamespace = "::coreai::aigraph";
  // The attribute is the dialect's EnumAttr below (same C++ name), not an
  // integer attribute.
  let genSpecializedAttr = 0;
}

// Printed as #aigraph.scatter_reduction<add>.
def AIGraph_ScatterReductionAttr
    : EnumAttr<AIGraph_Dialect, AIGraph_ScatterReduction, "scatter_reduction"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // AIGRAPH_ENUMS

//===- AIGraphDialect.cpp - aigraph dialect registration ------------------===//
#include "dialects/AIGraph/AIGraph.h"

using namespace mlir;
using namespace coreai::aigraph;

#include "dialects/AIGraph/AIGraphDialect.cpp.inc"

void AIGraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/AIGraph/AIGraphOps.cpp.inc"
      >();
}

Operation *AIGraphDialect::materializeConstant(OpBuilder &builder,
                                               Attribute value, Type type,
                                               Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

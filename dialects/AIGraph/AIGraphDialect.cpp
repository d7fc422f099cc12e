//===- AIGraphDialect.cpp - aigraph dialect registration ------------------===//
#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/DialectImplementation.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace coreai::aigraph;

#include "dialects/AIGraph/AIGraphDialect.cpp.inc"
#include "dialects/AIGraph/AIGraphEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/AIGraph/AIGraphAttributes.cpp.inc"

void AIGraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/AIGraph/AIGraphOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/AIGraph/AIGraphAttributes.cpp.inc"
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

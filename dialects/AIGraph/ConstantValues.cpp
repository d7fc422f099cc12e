//===- ConstantValues.cpp - Graph values known at compile time ------------===//
#include "dialects/AIGraph/ConstantValues.h"

#include "dialects/AIGraph/AIGraph.h"
#include "dialects/AIGraph/AttributeNames.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;

DenseElementsAttr coreai::aigraph::constantValueOf(Value v) {
  if (!v)
    return {};
  if (auto c = v.getDefiningOp<ConstantOp>())
    return dyn_cast<DenseElementsAttr>(c.getValue());
  if (auto arg = dyn_cast<BlockArgument>(v))
    if (auto f = dyn_cast_or_null<FunctionOpInterface>(
            arg.getOwner()->getParentOp()))
      return f.getArgAttrOfType<DenseElementsAttr>(arg.getArgNumber(),
                                                   kConstantArgAttr);
  return {};
}

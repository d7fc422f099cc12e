//===- HoistConstants.cpp - Constants become bundle-bound arguments -------===//
#include "lib/Transforms/Passes.h"

#include "dialects/AIGraph/AIGraph.h"
#include "dialects/AIGraph/NarrowTypes.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_HOISTCONSTANTS
#include "lib/Transforms/Passes.h.inc"
} // namespace coreai

namespace {
struct HoistConstants : coreai::impl::HoistConstantsBase<HoistConstants> {
  using Base::Base;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (failed(hoist(func)))
        return signalPassFailure();
    }
  }

  LogicalResult hoist(func::FuncOp func) {
    Builder b(func.getContext());
    unsigned numInputs = coreai::numModelInputs(func, func.getNumArguments());
    func->setAttr(coreai::kNumInputsAttr, b.getI64IntegerAttr(numInputs));

    // Existing hoisted constants (the pass is idempotent) by value.
    DenseMap<Attribute, BlockArgument> byValue;
    for (unsigned i = numInputs; i < func.getNumArguments(); ++i)
      if (auto v = func.getArgAttr(i, coreai::kConstantArgAttr))
        byValue[v] = func.getArgument(i);

    SmallVector<coreai::aigraph::ConstantOp> toHoist;
    func.walk([&](coreai::aigraph::ConstantOp c) {
      auto type = cast<ShapedType>(c.getType());
      // Narrow types change their storage in the lowering (NarrowTypes.h);
      // they stay inline constants.
      if (coreai::aigraph::isNarrowType(type.getElementType()))
        return;
      int64_t bits = type.getNumElements() *
                     (int64_t)type.getElementTypeBitWidth();
      if ((bits + 7) / 8 >= minBytes)
        toHoist.push_back(c);
    });
    for (auto c : toHoist) {
      Attribute value = c.getValue();
      BlockArgument &arg = byValue[value];
      if (!arg) {
        unsigned index = func.getNumArguments();
        if (failed(func.insertArgument(index, c.getType(), {}, c.getLoc())))
          return failure();
        func.setArgAttr(index, coreai::kConstantArgAttr, value);
        arg = func.getArgument(index);
      }
      c.getResult().replaceAllUsesWith(arg);
      c.erase();
    }
    // Neither inputs (the caller's arrays) nor constants (read-only pages of
    // the bundle) may be written in place by bufferization.
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      func.setArgAttr(i, "bufferization.writable", b.getBoolAttr(false));
    return success();
  }
};
} // namespace

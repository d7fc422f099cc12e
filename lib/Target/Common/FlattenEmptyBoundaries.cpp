//===- FlattenEmptyBoundaries.cpp - Zero-sized boundary tensors as 1-D ----===//
#include "lib/Target/Common/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_FLATTENEMPTYBOUNDARIES
#include "lib/Target/Common/Passes.h.inc"
} // namespace coreai

namespace {

/// A zero-sized tensor type other than rank 1 (those lower fine).
bool needsFlattening(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && rt.hasStaticShape() && rt.getNumElements() == 0 &&
         rt.getRank() != 1;
}

struct FlattenEmptyBoundariesPass
    : coreai::impl::FlattenEmptyBoundariesBase<FlattenEmptyBoundariesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    OpBuilder b(func.getBody());
    auto flat = [](Type t) {
      return RankedTensorType::get({0},
                                   cast<RankedTensorType>(t).getElementType());
    };
    Block &entry = func.getBody().front();
    for (BlockArgument arg : entry.getArguments()) {
      if (!needsFlattening(arg.getType()))
        continue;
      auto type = cast<RankedTensorType>(arg.getType());
      Value empty = tensor::EmptyOp::create(b, arg.getLoc(), type.getShape(),
                                            type.getElementType());
      arg.replaceAllUsesWith(empty);
      arg.setType(flat(type));
    }
    func.walk([&](func::ReturnOp ret) {
      OpBuilder rb(ret);
      for (OpOperand &operand : ret->getOpOperands())
        if (needsFlattening(operand.get().getType()))
          operand.set(tensor::EmptyOp::create(
              rb, ret.getLoc(), ArrayRef<int64_t>{0},
              cast<RankedTensorType>(operand.get().getType())
                  .getElementType()));
    });
    SmallVector<Type> results;
    for (Type t : func.getResultTypes())
      results.push_back(needsFlattening(t) ? flat(t) : t);
    func.setType(FunctionType::get(func.getContext(),
                                   entry.getArgumentTypes(), results));
  }
};

} // namespace

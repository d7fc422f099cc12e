//===- DeduplicateDispatches.cpp - One function per dispatch body ---------===//
//
// A model's repeated blocks outline into dispatches with the same code: ViT-S
// has 12 identical layers, so without this LLVM compiled every layer's
// kernels 12 times per CPU variant. Equal dispatches (same type, workgroup
// count and body, locations aside) are merged into the first; its calls keep
// their own source names. See Passes.td for why upstream's
// duplicate-function-elimination is not used.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "dialects/AIGraph/AttributeNames.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Hashing.h"

#include <unordered_map>

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CPUDEDUPLICATEDISPATCHES
#include "lib/Target/CPU/Passes.h.inc"
} // namespace coreai

namespace {

bool isDispatch(func::FuncOp func) {
  return !func.isExternal() && func.isPrivate() &&
         func->hasAttr(coreai::kWorkgroupsAttr);
}

/// A hash of what makes two dispatches interchangeable; equal dispatches
/// hash equally (isEquivalent decides).
llvm::hash_code hashDispatch(func::FuncOp func) {
  llvm::hash_code hash = llvm::hash_combine(
      func.getFunctionType(), func->getAttr(coreai::kWorkgroupsAttr));
  func.getBody().walk([&](Operation *op) {
    hash =
        llvm::hash_combine(hash, OperationEquivalence::computeHash(
                                     op, OperationEquivalence::ignoreHashValue,
                                     OperationEquivalence::ignoreHashValue,
                                     OperationEquivalence::IgnoreLocations));
  });
  return hash;
}

bool isEquivalent(func::FuncOp a, func::FuncOp b) {
  if (a.getFunctionType() != b.getFunctionType())
    return false;
  // Every attribute but the name (the workgroup count among them).
  for (NamedAttribute attr : a->getAttrs())
    if (attr.getName() != a.getSymNameAttrName() &&
        b->getAttr(attr.getName()) != attr.getValue())
      return false;
  if (a->getAttrs().size() != b->getAttrs().size())
    return false;
  return OperationEquivalence::isRegionEquivalentTo(
      &a.getBody(), &b.getBody(), OperationEquivalence::IgnoreLocations);
}

struct DeduplicateDispatches
    : coreai::impl::CPUDeduplicateDispatchesBase<DeduplicateDispatches> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Module order: the first of equal dispatches is kept. Keyed by the
    // whole hash (a DenseMap key reserves two values a hash may take).
    std::unordered_map<size_t, SmallVector<func::FuncOp>> kept;
    DenseMap<StringAttr, func::FuncOp> replacement;
    SmallVector<func::FuncOp> erased;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (!isDispatch(func))
        continue;
      SmallVector<func::FuncOp> &bucket = kept[(size_t)hashDispatch(func)];
      auto same = llvm::find_if(
          bucket, [&](func::FuncOp k) { return isEquivalent(k, func); });
      if (same == bucket.end()) {
        bucket.push_back(func);
        continue;
      }
      replacement[func.getSymNameAttr()] = *same;
      erased.push_back(func);
    }
    if (erased.empty())
      return;
    module.walk([&](func::CallOp call) {
      auto it = replacement.find(call.getCalleeAttr().getAttr());
      if (it != replacement.end())
        call.setCallee(it->second.getSymName());
    });
    for (func::FuncOp func : erased)
      func.erase();
    // The entry points of the dispatches that remain.
    if (auto dispatches =
            module->getAttrOfType<DictionaryAttr>(coreai::kDispatchesAttr)) {
      SmallVector<NamedAttribute> remaining;
      for (NamedAttribute entry : dispatches)
        if (!replacement.contains(entry.getName()))
          remaining.push_back(entry);
      module->setAttr(coreai::kDispatchesAttr,
                      DictionaryAttr::get(&getContext(), remaining));
    }
  }
};

} // namespace

//===- LoopAccesses.cpp - Which buffer elements a loop nest touches -------===//
#include "lib/Target/CPU/LoopAccesses.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <functional>

using namespace mlir;

namespace coreai::cpu {

Value rootBuffer(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<memref::AllocOp, memref::AllocaOp, memref::GetGlobalOp,
            memref::ViewOp>(def))
      return v;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      return nullptr;
    v = view.getViewSource();
  }
  auto arg = cast<BlockArgument>(v);
  Block *owner = arg.getOwner();
  return owner->isEntryBlock() && isa<func::FuncOp>(owner->getParentOp())
             ? v
             : Value();
}

std::optional<SmallVector<BufferAccess>> collectAccesses(Operation *op) {
  SmallVector<BufferAccess> accesses;
  bool known = true;
  op->walk([&](Operation *nested) {
    if (auto load = dyn_cast<memref::LoadOp>(nested)) {
      accesses.push_back({rootBuffer(load.getMemRef()), load.getMemRef(),
                          llvm::to_vector(load.getIndices()), false});
      return;
    }
    if (auto store = dyn_cast<memref::StoreOp>(nested)) {
      accesses.push_back({rootBuffer(store.getMemRef()), store.getMemRef(),
                          llvm::to_vector(store.getIndices()), true});
      return;
    }
    // Loops and branches are judged by the ops inside them; allocating a
    // private buffer reads and writes nothing shared.
    if (nested->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return;
    auto effects = dyn_cast<MemoryEffectOpInterface>(nested);
    if (!effects) {
      known &= isMemoryEffectFree(nested);
      return;
    }
    if (effects.hasEffect<MemoryEffects::Read>() ||
        effects.hasEffect<MemoryEffects::Write>())
      known = false;
  });
  if (!known)
    return std::nullopt;
  return accesses;
}

bool sameIndex(Value a, Value b) {
  if (a == b)
    return true;
  std::optional<int64_t> ca = getConstantIntValue(a),
                         cb = getConstantIntValue(b);
  return ca && cb && *ca == *cb;
}

bool accessesArePointwise(
    ArrayRef<BufferAccess> accesses, ArrayRef<Operation *> scopes,
    const IRMapping &map, SmallVectorImpl<SmallVector<Value>> *written) {
  auto isPrivate = [&](Value root) {
    Operation *def = root.getDefiningOp();
    return def && llvm::any_of(scopes, [&](Operation *scope) {
             return scope->isAncestor(def);
           });
  };
  auto mapped = [&](Value v) { return map.lookupOrDefault(v); };
  bool unknownWrite = false, unknownRead = false;
  for (const BufferAccess &a : accesses) {
    (a.write ? unknownWrite : unknownRead) |= !a.root;
  }
  if (unknownWrite)
    return false;
  for (const BufferAccess &w : accesses) {
    if (!w.write || isPrivate(w.root))
      continue;
    // A read of a buffer we cannot name might read this one.
    if (unknownRead)
      return false;
    for (const BufferAccess &a : accesses) {
      if (a.root != w.root)
        continue;
      if (mapped(a.memref) != mapped(w.memref) ||
          a.indices.size() != w.indices.size())
        return false;
      for (auto [x, y] : llvm::zip(a.indices, w.indices))
        if (!sameIndex(mapped(x), mapped(y)))
          return false;
    }
    if (written) {
      SmallVector<Value> indices;
      for (Value v : w.indices)
        indices.push_back(mapped(v));
      written->push_back(std::move(indices));
    }
  }
  return true;
}

Value underlyingBuffer(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto c = dyn_cast<memref::CollapseShapeOp>(def))
      v = c.getSrc();
    else if (auto e = dyn_cast<memref::ExpandShapeOp>(def))
      v = e.getSrc();
    else
      break;
  }
  return v;
}

bool onlyUsedBy(Value buffer, ArrayRef<Operation *> users) {
  Value root = underlyingBuffer(buffer);
  if (!root.getDefiningOp<memref::AllocOp>())
    return false;
  std::function<bool(Value)> check = [&](Value v) {
    return llvm::all_of(v.getUsers(), [&](Operation *u) {
      if (isa<memref::CollapseShapeOp, memref::ExpandShapeOp>(u))
        return check(u->getResult(0));
      return llvm::is_contained(users, u);
    });
  };
  return check(root);
}

Operation *neighbourWithEffects(Operation *op, bool forward) {
  for (Operation *n = forward ? op->getNextNode() : op->getPrevNode(); n;
       n = forward ? n->getNextNode() : n->getPrevNode()) {
    if (n->getNumRegions() == 0 &&
        (isMemoryEffectFree(n) || isa<memref::AllocOp>(n)))
      continue;
    return n;
  }
  return nullptr;
}

} // namespace coreai::cpu

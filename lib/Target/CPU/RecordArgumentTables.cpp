//===- RecordArgumentTables.cpp - What each entry's buffers must be -------===//
//
// The code of a CPU executable knows what it reads and writes; the bundle's
// metadata only says what buffers the runtime binds. This records, for every
// function and dispatch, each buffer argument's size in bytes and whether
// the code writes it, so coreai-cpu-entry-points can export them as
// `<entry>__args` tables (KernelABI.h) that the runtime checks the metadata
// against: an edited bundle cannot then bind a buffer smaller than the code
// touches, nor let it write into an input or a constant.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CPURECORDARGUMENTTABLES
#include "lib/Target/CPU/Passes.h.inc"
} // namespace coreai

namespace {

/// Bytes of one element as the runtime stores it (one byte at least: the
/// bundle keeps narrow types one value per byte); 0 when unknown.
int64_t elementBytes(Type type) {
  if (type.isIntOrFloat())
    return std::max<int64_t>(1, (type.getIntOrFloatBitWidth() + 7) / 8);
  if (type.isIndex())
    return 8;
  if (auto complex = dyn_cast<ComplexType>(type))
    return 2 * elementBytes(complex.getElementType());
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.getNumElements() * elementBytes(vector.getElementType());
  return 0;
}

/// The buffer a view is of (through every view and cast).
Value rootOf(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def)) {
      v = view.getViewSource();
      continue;
    }
    if (auto cast = dyn_cast<memref::CastOp>(def)) {
      v = cast.getSource();
      continue;
    }
    break;
  }
  return v;
}

struct RecordArgumentTables
    : coreai::impl::CPURecordArgumentTablesBase<RecordArgumentTables> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Dispatches first: the functions that call them inherit their writes.
    SmallVector<func::FuncOp> order;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && func->hasAttr(coreai::kWorkgroupsAttr))
        order.push_back(func);
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && !func->hasAttr(coreai::kWorkgroupsAttr))
        order.push_back(func);

    Builder b(module.getContext());
    SmallVector<NamedAttribute> tables;
    for (func::FuncOp func : order) {
      SmallVector<bool> written = writtenArguments(func);
      SmallVector<int64_t> table;
      for (BlockArgument arg : func.getArguments()) {
        auto type = dyn_cast<MemRefType>(arg.getType());
        if (!type)
          continue; // a dispatch's workgroup id and count
        int64_t bytes =
            type.hasStaticShape()
                ? type.getNumElements() * elementBytes(type.getElementType())
                : 0;
        table.push_back(bytes);
        table.push_back(written[arg.getArgNumber()] ? 1 : 0);
      }
      writes[func.getSymName()] = std::move(written);
      tables.push_back(
          b.getNamedAttr(func.getSymName(), b.getDenseI64ArrayAttr(table)));
    }
    module->setAttr(coreai::kArgumentTablesAttr, b.getDictionaryAttr(tables));
  }

  /// Which arguments of `func` its code may write: through a write effect
  /// on a view of it, a call to a function that writes the operand, or an
  /// op whose effects are unknown.
  SmallVector<bool> writtenArguments(func::FuncOp func) {
    SmallVector<bool> written(func.getNumArguments(), false);
    auto mark = [&](Value v) {
      if (auto arg = dyn_cast<BlockArgument>(rootOf(v)))
        if (arg.getOwner()->getParentOp() == func)
          written[arg.getArgNumber()] = true;
    };
    auto markAllBuffers = [&](Operation *op) {
      for (Value operand : op->getOperands())
        if (isa<BaseMemRefType>(operand.getType()))
          mark(operand);
    };
    func.walk([&](Operation *op) {
      if (auto call = dyn_cast<CallOpInterface>(op)) {
        auto callee =
            dyn_cast_or_null<SymbolRefAttr>(call.getCallableForCallee());
        auto it =
            callee ? writes.find(callee.getLeafReference()) : writes.end();
        if (it == writes.end()) {
          markAllBuffers(op);
          return;
        }
        for (auto [i, operand] : llvm::enumerate(call.getArgOperands()))
          if (i < it->second.size() && it->second[i])
            mark(operand);
        return;
      }
      if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
        return; // its nested ops are visited
      auto effects = dyn_cast<MemoryEffectOpInterface>(op);
      if (!effects) {
        markAllBuffers(op);
        return;
      }
      SmallVector<MemoryEffects::EffectInstance> list;
      effects.getEffects(list);
      for (const MemoryEffects::EffectInstance &e : list) {
        if (!isa<MemoryEffects::Write, MemoryEffects::Free>(e.getEffect()))
          continue;
        if (Value v = e.getValue())
          mark(v);
        else
          markAllBuffers(op);
      }
    });
    return written;
  }

  llvm::StringMap<SmallVector<bool>> writes;
};
} // namespace

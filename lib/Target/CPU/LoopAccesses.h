//===- LoopAccesses.h - Which buffer elements a loop nest touches ---------===//
//
// The facts loop fusion and workgroup distribution both need: which buffer
// each load and store of a nest reaches, and at which indices. Buffers are
// told apart by their roots, as the kernel ABI and the scratch planner
// guarantee: a function's arguments are distinct buffers, as are its
// allocations, globals, and the views of the planned arena.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_TARGET_CPU_LOOPACCESSES_H
#define COREAI_LIB_TARGET_CPU_LOOPACCESSES_H

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Operation.h"

#include <optional>

namespace coreai::cpu {

/// The buffer `v` is a view of: an argument of the enclosing function's
/// entry block, an allocation, a global, or a `memref.view` (a buffer of
/// the planned arena); null when it comes from anything else.
mlir::Value rootBuffer(mlir::Value v);

/// Whether two index values are equal: the same value or equal constants.
bool sameIndex(mlir::Value a, mlir::Value b);

struct BufferAccess {
  mlir::Value root;   // null: unknown (may be any buffer)
  mlir::Value memref; // the value loaded from or stored to
  llvm::SmallVector<mlir::Value> indices;
  bool write = false;
};

/// Every load and store inside `op`, or nullopt when an op inside reads or
/// writes memory in another way (so nothing can be proven).
std::optional<llvm::SmallVector<BufferAccess>>
collectAccesses(mlir::Operation *op);

/// True when every buffer written by `accesses` is only ever accessed, by
/// all of them, through one memref value at one list of indices (after
/// `map`, which renames indices of some of them), so that each iteration
/// point touches its own elements of it. Buffers defined inside one of
/// `scopes` are private to each iteration and ignored. `written` receives
/// the index lists of the writes.
bool accessesArePointwise(llvm::ArrayRef<BufferAccess> accesses,
                          llvm::ArrayRef<mlir::Operation *> scopes,
                          const mlir::IRMapping &map,
                          llvm::SmallVectorImpl<llvm::SmallVector<mlir::Value>>
                              *written = nullptr);

/// The buffer `v` reinterprets with the same element order (through
/// collapse_shape/expand_shape), or `v` itself.
mlir::Value underlyingBuffer(mlir::Value v);

/// Whether `buffer` is an allocation that only `users` touch (directly or
/// through reshaped views).
bool onlyUsedBy(mlir::Value buffer, llvm::ArrayRef<mlir::Operation *> users);

/// The next (or previous) op in the block that reads or writes memory,
/// skipping views, constants and allocations.
mlir::Operation *neighbourWithEffects(mlir::Operation *op, bool forward);

} // namespace coreai::cpu

#endif // COREAI_LIB_TARGET_CPU_LOOPACCESSES_H

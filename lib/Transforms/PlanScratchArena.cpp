//===- PlanScratchArena.cpp - Scratch buffers as views of one arena -------===//
//
// Static memory planning on buffers, before a function is split into steps:
// every top-level allocation becomes a view at a planned offset of one
// arena allocation, buffers whose lifetimes (the first to the last
// top-level op that uses them, through views) do not overlap sharing bytes.
// The runtime then allocates one block, once, for all of a function's
// scratch. Upstream MLIR has no static planner of this kind (its buffer
// passes hoist, promote and deallocate single allocations).
//
//===----------------------------------------------------------------------===//
#include "lib/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <algorithm>

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_PLANSCRATCHARENA
#include "lib/Transforms/Passes.h.inc"
} // namespace coreai

namespace {

constexpr int64_t kAlignment = 64;

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes = 0;
  int64_t first = 0, last = 0; // top-level op indices
  int64_t offset = 0;
};

/// Bytes of `type` when it can live in a byte arena (whole-byte elements,
/// static shape, identity layout), else nullopt.
std::optional<int64_t> arenaBytes(MemRefType type) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      !type.getElementType().isIntOrFloat() ||
      type.getElementTypeBitWidth() % 8 != 0 || type.getMemorySpace())
    return std::nullopt;
  return type.getNumElements() * (int64_t)(type.getElementTypeBitWidth() / 8);
}

struct PlanScratchArena : coreai::impl::PlanScratchArenaBase<PlanScratchArena> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || !func.getBody().hasOneBlock())
      return;
    Block &body = func.getBody().front();
    DenseMap<Operation *, int64_t> position;
    int64_t index = 0;
    for (Operation &op : body)
      position[&op] = index++;

    std::vector<Buffer> buffers;
    for (Operation &op : body) {
      auto alloc = dyn_cast<memref::AllocOp>(op);
      if (!alloc)
        continue;
      std::optional<int64_t> bytes = arenaBytes(alloc.getType());
      if (!bytes || *bytes == 0)
        continue;
      Buffer b{alloc, *bytes, position[alloc], position[alloc], 0};
      // Every use, through views, counted at its top-level op.
      SmallVector<Value> worklist{alloc.getResult()};
      DenseSet<Value> seen{alloc.getResult()};
      bool escapes = false;
      while (!worklist.empty()) {
        Value v = worklist.pop_back_val();
        for (OpOperand &use : v.getUses()) {
          Operation *top = body.findAncestorOpInBlock(*use.getOwner());
          if (!top || isa<func::ReturnOp>(top)) {
            escapes = true;
            continue;
          }
          b.last = std::max(b.last, position[top]);
          // Whatever may alias the buffer keeps it alive: the buffer results
          // of its user (views, casts, selects) and of that user's top-level
          // op (loops that carry it, e.g. scf.for iter_args).
          for (Operation *op : {use.getOwner(), top})
            for (Value r : op->getResults())
              if (isa<BaseMemRefType>(r.getType()) && seen.insert(r).second)
                worklist.push_back(r);
        }
      }
      if (!escapes)
        buffers.push_back(b);
    }
    if (buffers.empty())
      return;

    // Greedy by size (as TFLite's arena planner): largest buffers first,
    // each at the lowest aligned offset clear of every placed buffer alive
    // at the same time; ties in order of first use.
    std::vector<Buffer *> order;
    for (Buffer &b : buffers)
      order.push_back(&b);
    std::stable_sort(order.begin(), order.end(),
                     [](Buffer *x, Buffer *y) { return x->bytes > y->bytes; });
    int64_t arenaSize = 0;
    std::vector<Buffer *> placed;
    for (Buffer *bp : order) {
      Buffer &b = *bp;
      int64_t size = (b.bytes + kAlignment - 1) / kAlignment * kAlignment;
      std::vector<std::pair<int64_t, int64_t>> busy; // [start, end)
      for (Buffer *p : placed)
        if (!(p->last < b.first || b.last < p->first))
          busy.push_back({p->offset, p->offset + (p->bytes + kAlignment - 1) /
                                                     kAlignment * kAlignment});
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [start, end] : busy) {
        if (offset + size <= start)
          break;
        offset = std::max(offset, end);
      }
      b.offset = offset;
      arenaSize = std::max(arenaSize, offset + size);
      placed.push_back(&b);
    }

    OpBuilder builder = OpBuilder::atBlockBegin(&body);
    Location loc = func.getLoc();
    auto arenaType =
        MemRefType::get({arenaSize}, IntegerType::get(func.getContext(), 8));
    Value arena = memref::AllocOp::create(builder, loc, arenaType,
                                          builder.getI64IntegerAttr(kAlignment))
                      .getResult();
    for (Buffer &b : buffers) {
      builder.setInsertionPoint(b.alloc);
      Value offset =
          arith::ConstantIndexOp::create(builder, b.alloc.getLoc(), b.offset);
      Value view =
          memref::ViewOp::create(builder, b.alloc.getLoc(), b.alloc.getType(),
                                 arena, offset, ValueRange{});
      b.alloc.replaceAllUsesWith(view);
      b.alloc.erase();
    }
  }
};

} // namespace

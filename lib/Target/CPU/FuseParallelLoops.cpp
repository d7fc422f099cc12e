//===- FuseParallelLoops.cpp - Epilogues into their producers' loop nests -===//
//
// A parallel loop nest merges into the one before it when both cover the
// same iteration space and every buffer either writes is only ever
// accessed, by both, at the iteration's own point (LoopAccesses.h): then
// running the second's body right after the first's, point by point, reads
// and writes exactly what running the nests one after the other would.
// Fill + convolution + bias + activation + residual add become one pass over
// memory. Upstream's naivelyFuseParallelOps does the same merge, but decides
// overlap with MLIR's alias analysis, which cannot know that the kernel ABI
// makes a function's arguments distinct buffers, and does not check that
// the two nests' writes to one buffer land at the same points.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/LoopAccesses.h"
#include "lib/Target/CPU/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CPUFUSEPARALLELLOOPS
#include "lib/Target/CPU/Passes.h.inc"
} // namespace coreai

namespace {

bool sameSpace(scf::ParallelOp a, scf::ParallelOp b) {
  if (a.getNumLoops() != b.getNumLoops() || a.getNumResults() ||
      b.getNumResults())
    return false;
  for (unsigned d = 0; d < a.getNumLoops(); ++d)
    if (!coreai::cpu::sameIndex(a.getLowerBound()[d], b.getLowerBound()[d]) ||
        !coreai::cpu::sameIndex(a.getUpperBound()[d], b.getUpperBound()[d]) ||
        !coreai::cpu::sameIndex(a.getStep()[d], b.getStep()[d]))
      return false;
  return true;
}

/// Merges `second` into `first` when that is legal; returns whether it did.
bool fuse(scf::ParallelOp first, scf::ParallelOp second) {
  if (!sameSpace(first, second) ||
      first->hasAttr(coreai::kDisjointTilesAttr) ||
      second->hasAttr(coreai::kDisjointTilesAttr))
    return false;
  auto a = coreai::cpu::collectAccesses(first);
  auto b = coreai::cpu::collectAccesses(second);
  if (!a || !b)
    return false;
  IRMapping map;
  for (unsigned d = 0; d < first.getNumLoops(); ++d)
    map.map(second.getBody()->getArgument(d), first.getBody()->getArgument(d));
  SmallVector<coreai::cpu::BufferAccess> all(a->begin(), a->end());
  all.append(b->begin(), b->end());
  // Buffers defined inside either nest are private to its iterations.
  if (!coreai::cpu::accessesArePointwise(all, {first, second}, map))
    return false;
  Block *into = first.getBody();
  Operation *terminator = into->getTerminator();
  for (Operation &op : llvm::make_early_inc_range(
           second.getBody()->without_terminator()))
    op.moveBefore(terminator);
  for (unsigned d = 0; d < second.getNumLoops(); ++d)
    second.getBody()->getArgument(d).replaceAllUsesWith(into->getArgument(d));
  second.erase();
  return true;
}

struct CPUFuseParallelLoops
    : coreai::impl::CPUFuseParallelLoopsBase<CPUFuseParallelLoops> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    SmallVector<Block *> blocks;
    func.walk([&](Block *block) { blocks.push_back(block); });
    for (Block *block : blocks) {
      for (auto it = block->begin(); it != block->end(); ++it) {
        auto first = dyn_cast<scf::ParallelOp>(&*it);
        if (!first)
          continue;
        // Fuse the nests that follow while they can; ops between that
        // touch no memory (constants, views) move before the first.
        for (;;) {
          Operation *next = first->getNextNode();
          SmallVector<Operation *> between;
          while (next && !isa<scf::ParallelOp>(next) &&
                 next->getNumRegions() == 0 && isMemoryEffectFree(next)) {
            between.push_back(next);
            next = next->getNextNode();
          }
          auto second = dyn_cast_or_null<scf::ParallelOp>(next);
          if (!second || !sameSpace(first, second))
            break;
          for (Operation *op : between)
            op->moveBefore(first);
          if (!fuse(first, second))
            break;
        }
      }
    }
  }
};

} // namespace

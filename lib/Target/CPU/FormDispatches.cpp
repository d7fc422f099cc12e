//===- FormDispatches.cpp - Loop nests -> workgroup-distributed dispatches
//-===//
//
// After bufferization and convert-linalg-to-parallel-loops, a function body
// is a straight line of buffer allocations, views, constants and loop nests.
// Each loop nest (with the scalar ops that feed it) is outlined into a
// dispatch function that takes the base buffers it touches plus its
// workgroup id and count, and computes the share of the nest's outer
// parallel iterations that belongs to that workgroup. The function keeps a
// call per dispatch (workgroup 0 of 1: the whole nest), so it still runs on
// its own; the schedule extraction reads the same calls as the steps a
// thread pool runs in parallel.
//
// Views and constants are recomputed inside the dispatch, as on the GPU, so
// a binding is always a whole buffer: a function argument or an allocation.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "lib/Target/CPU/LoopAccesses.h"

#include "dialects/AIGraph/SourceNames.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <set>

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CPUFORMDISPATCHES
#include "lib/Target/CPU/Passes.h.inc"
} // namespace coreai

namespace {

/// Ops that stay in the host function: they allocate, describe or name
/// memory, and compute nothing a dispatch must wait for.
bool isHostOp(Operation *op) {
  return isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
             memref::GetGlobalOp, memref::CastOp, func::ReturnOp>(op) ||
         isa<ViewLikeOpInterface>(op) || op->hasTrait<OpTrait::ConstantLike>();
}

/// Ops recomputed inside a dispatch that uses their results.
bool isRecomputable(Operation *op) {
  return isa<memref::GetGlobalOp, memref::CastOp, ViewLikeOpInterface>(op) ||
         op->hasTrait<OpTrait::ConstantLike>();
}

struct TripCounts {
  SmallVector<int64_t> lower, upper, step, count;
};

std::optional<TripCounts> staticBounds(scf::ParallelOp par) {
  TripCounts t;
  for (unsigned d = 0; d < par.getNumLoops(); ++d) {
    std::optional<int64_t> lb = getConstantIntValue(par.getLowerBound()[d]);
    std::optional<int64_t> ub = getConstantIntValue(par.getUpperBound()[d]);
    std::optional<int64_t> st = getConstantIntValue(par.getStep()[d]);
    if (!lb || !ub || !st || *st <= 0)
      return std::nullopt;
    t.lower.push_back(*lb);
    t.upper.push_back(*ub);
    t.step.push_back(*st);
    t.count.push_back(*ub > *lb ? (*ub - *lb + *st - 1) / *st : 0);
  }
  return t;
}

/// A rough count of the scalar operations a region runs (loops with
/// constant trip counts multiply their bodies): what decides whether a
/// dispatch is worth spreading over threads.
double operationCount(Block &block) {
  double total = 0;
  for (Operation &op : block) {
    double inner = 0;
    for (Region &r : op.getRegions())
      for (Block &b : r)
        inner += operationCount(b);
    double trips = 1;
    if (auto loop = dyn_cast<scf::ForOp>(op)) {
      std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
      std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
      std::optional<int64_t> st = getConstantIntValue(loop.getStep());
      if (lb && ub && st && *st > 0)
        trips = *ub > *lb ? (double)((*ub - *lb + *st - 1) / *st) : 0;
    } else if (auto par = dyn_cast<scf::ParallelOp>(op)) {
      if (std::optional<TripCounts> t = staticBounds(par))
        for (int64_t n : t->count)
          trips *= (double)n;
    }
    // A vector op does the work of its lanes.
    double lanes = 1;
    if (op.getNumResults() == 1)
      if (auto vector = dyn_cast<VectorType>(op.getResult(0).getType()))
        lanes = (double)vector.getNumElements();
    total += lanes + trips * inner;
  }
  return total;
}

class FormDispatches
    : public coreai::impl::CPUFormDispatchesBase<FormDispatches> {
public:
  using CPUFormDispatchesBase::CPUFormDispatchesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (func::FuncOp func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isExternal() || func->hasAttr(coreai::kWorkgroupsAttr))
        continue;
      if (failed(formDispatches(func)))
        return signalPassFailure();
    }
    // What coreai-cpu-entry-points wraps once signatures are bare pointers.
    Builder b(module.getContext());
    SmallVector<NamedAttribute> entries;
    for (auto [name, count] : bindingCounts)
      entries.push_back(b.getNamedAttr(name, b.getI64IntegerAttr(count)));
    if (!entries.empty())
      module->setAttr(coreai::kDispatchesAttr, b.getDictionaryAttr(entries));
  }

private:
  LogicalResult formDispatches(func::FuncOp func);
  LogicalResult outline(func::FuncOp func, ArrayRef<Operation *> group,
                        unsigned index, Value zero, Value one);
  int64_t distribute(scf::ParallelOp par, Value id, Value count);

  SmallVector<std::pair<std::string, int64_t>> bindingCounts;
};

/// Groups the compute ops of `func` into dispatches: each loop nest starts
/// one, unless a scalar computed earlier in the current one is still needed
/// (then the nests share it and run as one workgroup).
LogicalResult FormDispatches::formDispatches(func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return func.emitError("dispatch formation needs a single-block function");
  Block &body = func.getBody().front();
  std::vector<std::vector<Operation *>> groups;
  std::set<Operation *> inCurrent;
  auto isOpen = [&]() {
    for (Operation *op : groups.back())
      for (Value r : op->getResults())
        for (Operation *user : r.getUsers()) {
          Operation *top = body.findAncestorOpInBlock(*user);
          if (!top || !inCurrent.count(top))
            return true;
        }
    return false;
  };
  for (Operation &op : body) {
    if (isHostOp(&op))
      continue;
    bool nest = op.getNumRegions() > 0;
    bool currentHasNest =
        !groups.empty() && llvm::any_of(groups.back(), [](Operation *o) {
          return o->getNumRegions() > 0;
        });
    if (groups.empty() || (nest && currentHasNest && !isOpen())) {
      groups.emplace_back();
      inCurrent.clear();
    }
    groups.back().push_back(&op);
    inCurrent.insert(&op);
  }
  // The host runs each dispatch whole: workgroup 0 of 1.
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  Value zero = arith::ConstantIndexOp::create(b, func.getLoc(), 0);
  Value one = arith::ConstantIndexOp::create(b, func.getLoc(), 1);
  for (auto [i, group] : llvm::enumerate(groups))
    if (failed(outline(func, group, i, zero, one)))
      return failure();
  return success();
}

/// Rewrites `par` in place so that it computes the share of workgroup `id`
/// of `count`: its outer dims (enough of them to give at least
/// kMinParallelism iterations) are linearized and split into `count`
/// contiguous ranges. Returns the number of workgroups worth launching.
int64_t FormDispatches::distribute(scf::ParallelOp par, Value id, Value count) {
  constexpr int64_t kMinParallelism = 512;
  std::optional<TripCounts> t = staticBounds(par);
  if (!t)
    return 1;
  unsigned numLoops = par.getNumLoops();
  Block *oldBody = par.getBody();
  // The order of the dims: those indexing the nest's output, outermost
  // first, then the rest. Split there, workgroups write contiguous blocks
  // of the output and never share its cache lines (a depthwise
  // convolution iterates (n, oh, ow, c) but writes [n, c, oh, ow]).
  SmallVector<unsigned> order;
  memref::StoreOp output;
  // Tiles of a vector kernel are already in that order, and disjoint.
  bool disjointTiles = par->hasAttr(coreai::kDisjointTilesAttr);
  if (!disjointTiles)
    par.walk([&](memref::StoreOp store) {
      if (!output)
        output = store;
    });
  if (output)
    for (Value index : output.getIndices())
      if (auto arg = dyn_cast<BlockArgument>(index))
        if (arg.getOwner() == oldBody &&
            !llvm::is_contained(order, arg.getArgNumber()))
          order.push_back(arg.getArgNumber());
  for (unsigned d = 0; d < numLoops; ++d)
    if (!llvm::is_contained(order, d))
      order.push_back(d);
  unsigned outer = 0;
  int64_t total = 1;
  while (outer < numLoops && total < kMinParallelism)
    total *= t->count[order[outer++]];
  if (total <= 1)
    return 1;
  // Workgroups must never touch elements another one writes: every buffer
  // the nest writes is accessed only at the iteration's own point
  // (LoopAccesses.h), and those points differ in some split dim.
  if (par.getNumResults())
    return 1;
  if (!disjointTiles) {
    std::optional<SmallVector<coreai::cpu::BufferAccess>> accesses =
        coreai::cpu::collectAccesses(par);
    SmallVector<SmallVector<Value>> written;
    if (!accesses ||
        !coreai::cpu::accessesArePointwise(*accesses, {par.getOperation()},
                                           IRMapping(), &written))
      return 1;
    for (const SmallVector<Value> &indices : written)
      for (unsigned i = 0; i < outer; ++i)
        if (!llvm::is_contained(indices, oldBody->getArgument(order[i])))
          return 1;
  }
  double ops = operationCount(*oldBody);
  for (int64_t n : t->count)
    ops *= (double)n;

  Location loc = par.getLoc();
  OpBuilder b(par);
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value one = cst(1);
  Value totalV = cst(total);
  // [id * total / count, (id + 1) * total / count): balanced, and together
  // the ranges of 0..count-1 cover every iteration once.
  Value begin = arith::DivUIOp::create(
      b, loc, arith::MulIOp::create(b, loc, id, totalV), count);
  Value next = arith::AddIOp::create(b, loc, id, one);
  Value end = arith::DivUIOp::create(
      b, loc, arith::MulIOp::create(b, loc, next, totalV), count);
  auto loop = scf::ForOp::create(b, loc, begin, end, one);
  b.setInsertionPointToStart(loop.getBody());

  IRMapping map;
  // Delinearize: the innermost collapsed dim varies fastest.
  Value rest = loop.getInductionVar();
  for (int i = (int)outer - 1; i >= 0; --i) {
    unsigned d = order[i];
    Value k = rest;
    if (i > 0) {
      Value n = cst(t->count[d]);
      k = arith::RemUIOp::create(b, loc, rest, n);
      rest = arith::DivUIOp::create(b, loc, rest, n);
    }
    if (t->step[d] != 1)
      k = arith::MulIOp::create(b, loc, k, cst(t->step[d]));
    if (t->lower[d] != 0)
      k = arith::AddIOp::create(b, loc, k, cst(t->lower[d]));
    map.map(oldBody->getArgument(d), k);
  }
  Block *target = loop.getBody();
  OpBuilder inner = b;
  if (outer < numLoops) {
    // The other dims, in the same order (the output's innermost last).
    SmallVector<Value> lbs, ubs, steps;
    for (unsigned i = outer; i < numLoops; ++i) {
      lbs.push_back(par.getLowerBound()[order[i]]);
      ubs.push_back(par.getUpperBound()[order[i]]);
      steps.push_back(par.getStep()[order[i]]);
    }
    auto remaining = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
    for (unsigned i = outer; i < numLoops; ++i)
      map.map(oldBody->getArgument(order[i]),
              remaining.getBody()->getArgument(i - outer));
    target = remaining.getBody();
    inner.setInsertionPoint(target->getTerminator());
  }
  for (Operation &op : oldBody->without_terminator())
    inner.clone(op, map);
  par.erase();
  // Stack buffers of one iteration (a vector kernel's packed panel) are
  // allocated once per workgroup call instead: its iterations run one after
  // another on one thread, each call has its own frame, and a loop of
  // allocas would grow the stack by one buffer per iteration.
  Block &entry = loop->getParentOfType<func::FuncOp>().getBody().front();
  loop.walk([&](memref::AllocaOp alloca) {
    if (alloca.getDynamicSizes().empty() && alloca.getSymbolOperands().empty())
      alloca->moveBefore(&entry, entry.begin());
  });

  // Enough work per workgroup to cover waking a thread; a bounded grid so
  // a dispatch's bookkeeping stays small.
  constexpr double kOpsPerWorkgroup = 32768;
  constexpr int64_t kMaxWorkgroups = 256;
  int64_t groups = (int64_t)(ops / kOpsPerWorkgroup);
  return std::clamp<int64_t>(groups, 1, std::min(total, kMaxWorkgroups));
}

LogicalResult FormDispatches::outline(func::FuncOp func,
                                      ArrayRef<Operation *> group,
                                      unsigned index, Value zero, Value one) {
  MLIRContext *ctx = func.getContext();
  Block &body = func.getBody().front();
  std::set<Operation *> members(group.begin(), group.end());
  for (Operation *op : group)
    for (Value r : op->getResults())
      for (Operation *user : r.getUsers())
        if (!members.count(body.findAncestorOpInBlock(*user)))
          return user->emitError(
              "uses a value computed by a loop nest outside it");
  // Values the group uses from outside it, in order of first use.
  SetVector<Value> used;
  for (Operation *op : group)
    op->walk([&](Operation *nested) {
      for (Value v : nested->getOperands()) {
        Operation *def = v.getDefiningOp();
        if (def && members.count(body.findAncestorOpInBlock(*def)))
          continue;
        if (!def && cast<BlockArgument>(v).getOwner()->getParentOp() != func)
          continue; // defined in a region of the group
        used.insert(v);
      }
    });
  // Bindings: the base buffers behind the used values; the ops between
  // (views, constants) are recomputed in the dispatch.
  SetVector<Value> bindings;
  SetVector<Operation *> recomputed;
  std::function<LogicalResult(Value)> collect = [&](Value v) -> LogicalResult {
    Operation *def = v.getDefiningOp();
    if (!def || isa<memref::AllocOp, memref::AllocaOp>(def)) {
      if (!isa<MemRefType>(v.getType()))
        return func.emitError("dispatch operand is not a buffer: ") << v;
      bindings.insert(v);
      return success();
    }
    if (!isRecomputable(def))
      return def->emitError("value used across dispatches: ") << v;
    for (Value operand : def->getOperands())
      if (failed(collect(operand)))
        return failure();
    recomputed.insert(def);
    return success();
  };
  for (Value v : used)
    if (failed(collect(v)))
      return failure();

  // Buffers without elements need no binding (and have no bare-pointer
  // form when their strides collapse): the dispatch uses a local one.
  SmallVector<Value> passed;
  SmallVector<Type> argTypes;
  for (Value v : bindings) {
    if (cast<MemRefType>(v.getType()).getNumElements() == 0)
      continue;
    passed.push_back(v);
    argTypes.push_back(v.getType());
  }
  IndexType indexType = IndexType::get(ctx);
  argTypes.push_back(indexType);
  argTypes.push_back(indexType);

  OpBuilder b(ctx);
  b.setInsertionPointAfter(func);
  std::string name = (func.getSymName() + "__dispatch" + Twine(index)).str();
  Location loc = group.front()->getLoc();
  auto dispatch =
      func::FuncOp::create(b, loc, name, b.getFunctionType(argTypes, {}));
  dispatch.setPrivate();
  Block *entry = dispatch.addEntryBlock();
  b.setInsertionPointToStart(entry);
  IRMapping map;
  for (auto [i, v] : llvm::enumerate(passed))
    map.map(v, entry->getArgument(i));
  for (Value v : bindings)
    if (!map.contains(v))
      map.map(v, memref::AllocaOp::create(b, loc, cast<MemRefType>(v.getType()))
                     .getResult());
  // In block order, so operands come first.
  SmallVector<Operation *> ordered(recomputed.begin(), recomputed.end());
  llvm::sort(ordered,
             [](Operation *x, Operation *y) { return x->isBeforeInBlock(y); });
  for (Operation *op : ordered)
    b.clone(*op, map);
  SmallVector<Operation *> clones;
  for (Operation *op : group)
    clones.push_back(b.clone(*op, map));
  func::ReturnOp::create(b, loc);

  // Spread the one loop nest over workgroups when nothing else in the
  // dispatch writes memory (so every workgroup may run what is left).
  Value id = entry->getArgument(passed.size());
  Value count = entry->getArgument(passed.size() + 1);
  int64_t workgroups = 1;
  SmallVector<scf::ParallelOp> nests;
  bool othersOnlyRead = true;
  for (Operation *op : clones) {
    if (auto par = dyn_cast<scf::ParallelOp>(op)) {
      nests.push_back(par);
      continue;
    }
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (op->getNumRegions() > 0 ||
        (effects ? effects.hasEffect<MemoryEffects::Write>()
                 : !isMemoryEffectFree(op)))
      othersOnlyRead = false;
  }
  if (nests.size() == 1 && othersOnlyRead && distributeNests)
    workgroups = distribute(nests.front(), id, count);

  dispatch->setAttr(coreai::kWorkgroupsAttr, b.getI64IntegerAttr(workgroups));
  bindingCounts.push_back({name, (int64_t)passed.size()});

  OpBuilder host(group.back());
  SmallVector<Value> operands(passed.begin(), passed.end());
  operands.push_back(zero);
  operands.push_back(one);
  auto call = func::CallOp::create(host, loc, dispatch, operands);
  // Where the work came from, for traces and profiles: on the call, since
  // dispatches with the same code are merged into one function.
  std::string source = coreai::aigraph::sourcesOf(group);
  if (!source.empty())
    call->setAttr(coreai::kSourceAttr, b.getStringAttr(source));
  for (Operation *op : llvm::reverse(group))
    op->erase();
  return success();
}

} // namespace

//===- MapToLaunches.cpp - Top-level loop nests -> gpu.launch -------------===//
#include "lib/Target/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_GPUMAPTOLAUNCHES
#include "lib/Target/GPU/Passes.h.inc"
} // namespace coreai

namespace {

/// The most workgroups Vulkan guarantees per grid dimension.
constexpr int64_t kMaxGroupsPerDim = 65535;

/// Ops recomputed inside each kernel that uses them.
bool recomputedInKernel(Operation *op) {
  return isa<arith::ConstantOp, memref::SubViewOp, memref::ExpandShapeOp,
             memref::CollapseShapeOp, memref::CastOp,
             memref::ReinterpretCastOp>(op);
}

/// Host-side ops that stay on the host: they allocate or describe buffers and
/// compute nothing a kernel must see (views and constants are recomputed in
/// the kernels that use them).
bool staysOnHost(Operation *op) {
  return recomputedInKernel(op) ||
         isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
             memref::GetGlobalOp, memref::ViewOp, gpu::LaunchOp,
             bufferization::DeallocOp>(op) ||
         op->hasTrait<OpTrait::IsTerminator>();
}

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// A launch of `groupsX` x `groupsY` workgroups of `block` invocations; the
/// caller fills its body (which ends with gpu.terminator).
gpu::LaunchOp createLaunch(OpBuilder &b, Location loc, int64_t groupsX,
                           int64_t groupsY, int64_t block) {
  Value one = indexConst(b, loc, 1);
  auto launch = gpu::LaunchOp::create(b, loc, indexConst(b, loc, groupsX),
                                      indexConst(b, loc, groupsY), one,
                                      indexConst(b, loc, block), one, one);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
  return launch;
}

/// Rewrites a scf.parallel without reductions as a nest of scf.for, for
/// parallel loops left inside a kernel.
void parallelToSerial(scf::ParallelOp par) {
  OpBuilder b(par);
  IRMapping map;
  for (auto [lb, ub, step, iv] :
       llvm::zip(par.getLowerBound(), par.getUpperBound(), par.getStep(),
                 par.getInductionVars())) {
    auto loop = scf::ForOp::create(b, par.getLoc(), lb, ub, step);
    map.map(iv, loop.getInductionVar());
    b.setInsertionPoint(loop.getBody()->getTerminator());
  }
  for (Operation &op : par.getBody()->without_terminator())
    b.clone(op, map);
  par.erase();
}

/// Clones the chains of views and constants that `launch` uses into its
/// body, so the kernel's captured buffers are the chains' sources.
void sinkViews(gpu::LaunchOp launch) {
  Region &body = launch.getBody();
  llvm::SetVector<Value> used;
  getUsedValuesDefinedAbove(body, used);
  OpBuilder b(&body.front(), body.front().begin());
  IRMapping map;
  std::function<Value(Value)> materialize = [&](Value v) -> Value {
    if (Value known = map.lookupOrNull(v))
      return known;
    Operation *def = v.getDefiningOp();
    if (!def || !recomputedInKernel(def))
      return v;
    for (Value operand : def->getOperands())
      map.map(operand, materialize(operand));
    b.clone(*def, map);
    return map.lookup(v);
  };
  for (Value v : used) {
    Value inside = materialize(v);
    if (inside != v)
      replaceAllUsesInRegionWith(v, inside, body);
  }
}

struct GPUMapToLaunches : coreai::impl::GPUMapToLaunchesBase<GPUMapToLaunches> {
  using Base::Base;

  /// Spreads a static scf.parallel over workgroups of invocations.
  LogicalResult mapParallel(scf::ParallelOp par) {
    if (par.getNumReductions() != 0)
      return par.emitError("parallel loop with reductions cannot become a "
                           "GPU launch");
    SmallVector<int64_t> lbs, steps, trips;
    int64_t total = 1;
    for (auto [lb, ub, step] :
         llvm::zip(par.getLowerBound(), par.getUpperBound(), par.getStep())) {
      auto l = getConstantIntValue(lb), u = getConstantIntValue(ub),
           s = getConstantIntValue(step);
      if (!l || !u || !s || *s <= 0)
        return par.emitError("parallel loop with dynamic bounds cannot "
                             "become a GPU launch");
      int64_t trip = *u > *l ? (*u - *l + *s - 1) / *s : 0;
      lbs.push_back(*l);
      steps.push_back(*s);
      trips.push_back(trip);
      total *= trip;
    }
    if (total == 0) {
      par.erase();
      return success();
    }
    int64_t block = std::min<int64_t>(workgroupSize, total);
    int64_t groups = (total + block - 1) / block;
    int64_t groupsX = std::min(groups, kMaxGroupsPerDim);
    int64_t groupsY = (groups + groupsX - 1) / groupsX;
    if (groupsY > kMaxGroupsPerDim)
      return par.emitError("parallel loop of ")
             << total << " iterations is too large for one GPU launch";

    Location loc = par.getLoc();
    OpBuilder b(par);
    gpu::LaunchOp launch = createLaunch(b, loc, groupsX, groupsY, block);
    b.setInsertionPoint(launch.getBody().front().getTerminator());
    // id = (block.y * groupsX + block.x) * block + thread.x
    Value group = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(b, loc, launch.getBlockIds().y,
                              indexConst(b, loc, groupsX)),
        launch.getBlockIds().x);
    Value id = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, group, indexConst(b, loc, block)),
        launch.getThreadIds().x);
    Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, id,
                                          indexConst(b, loc, total));
    auto guard = scf::IfOp::create(b, loc, inRange, /*withElse=*/false);
    b.setInsertionPoint(guard.thenBlock()->getTerminator());

    IRMapping map;
    Value rest = id;
    for (int64_t d = (int64_t)trips.size() - 1; d >= 0; --d) {
      Value trip = indexConst(b, loc, trips[d]);
      Value pos = d == 0 ? rest : arith::RemUIOp::create(b, loc, rest, trip);
      if (d != 0)
        rest = arith::DivUIOp::create(b, loc, rest, trip);
      Value iv = pos;
      if (steps[d] != 1)
        iv = arith::MulIOp::create(b, loc, iv, indexConst(b, loc, steps[d]));
      if (lbs[d] != 0)
        iv = arith::AddIOp::create(b, loc, iv, indexConst(b, loc, lbs[d]));
      map.map(par.getInductionVars()[d], iv);
    }
    for (Operation &op : par.getBody()->without_terminator())
      b.clone(op, map);
    par.erase();
    return success();
  }

  /// Moves a run of top-level compute ops into a one-invocation launch.
  LogicalResult mapSerial(ArrayRef<Operation *> run) {
    Operation *first = run.front();
    llvm::SmallPtrSet<Operation *, 8> inRun(run.begin(), run.end());
    for (Operation *op : run)
      for (Value v : op->getResults())
        for (Operation *user : v.getUsers())
          if (!inRun.contains(first->getBlock()->findAncestorOpInBlock(*user)))
            return op->emitError("host code uses a value computed by a "
                                 "sequential kernel");
    OpBuilder b(first);
    gpu::LaunchOp launch = createLaunch(b, first->getLoc(), 1, 1, 1);
    Operation *terminator = launch.getBody().front().getTerminator();
    for (Operation *op : run)
      op->moveBefore(terminator);
    return success();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &body = func.getBody().front();
    SmallVector<Operation *> run;
    auto flush = [&]() -> LogicalResult {
      if (run.empty())
        return success();
      LogicalResult r = mapSerial(run);
      run.clear();
      return r;
    };
    for (Operation &op : llvm::make_early_inc_range(body)) {
      if (auto par = dyn_cast<scf::ParallelOp>(op)) {
        if (failed(flush()) || failed(mapParallel(par)))
          return signalPassFailure();
        continue;
      }
      if (staysOnHost(&op)) {
        if (failed(flush()))
          return signalPassFailure();
        continue;
      }
      run.push_back(&op);
    }
    if (failed(flush()))
      return signalPassFailure();

    // Views and constants are recomputed inside each kernel, so a kernel's
    // buffer arguments are whole allocations (or function arguments): a
    // SPIR-V binding then covers the whole buffer, and fold-memref-alias-ops
    // turns the views into index arithmetic on it.
    SmallVector<gpu::LaunchOp> launches;
    func.walk([&](gpu::LaunchOp l) { launches.push_back(l); });
    for (gpu::LaunchOp l : launches)
      sinkViews(l);

    // Parallel loops left inside kernels run sequentially per invocation.
    SmallVector<scf::ParallelOp> inner;
    func.walk([&](scf::ParallelOp p) { inner.push_back(p); });
    // Post-order: inner loops are rewritten before the loops that hold them.
    for (scf::ParallelOp p : inner) {
      if (p.getNumReductions() != 0) {
        p.emitError("parallel loop with reductions inside a kernel");
        return signalPassFailure();
      }
      parallelToSerial(p);
    }
  }
};

} // namespace

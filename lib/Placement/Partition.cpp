//===- Partition.cpp - Outline per-unit runs of ops into functions --------===//
#include "lib/Placement/Passes.h"

#include "lib/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_PARTITION
#include "lib/Placement/Passes.h.inc"
} // namespace coreai

namespace {

using coreai::runtime::ComputeUnit;

/// Outlines `run` (consecutive ops of `func`'s body) into a new function
/// named `name`, placed after `after`, and replaces it with a call. Returns
/// the new function.
func::FuncOp outline(func::FuncOp func, ArrayRef<Operation *> run,
                     StringRef name, ComputeUnit unit, Operation *after) {
  MLIRContext *ctx = func.getContext();
  llvm::SmallPtrSet<Operation *, 16> inRun(run.begin(), run.end());
  Block *body = &func.getBody().front();
  auto inside = [&](Operation *user) {
    Operation *top = body->findAncestorOpInBlock(*user);
    return top && inRun.contains(top);
  };

  llvm::SetVector<Value> inputs;
  llvm::SetVector<Operation *> constants;
  for (Operation *op : run)
    op->walk([&](Operation *nested) {
      for (Value v : nested->getOperands()) {
        Operation *def = v.getDefiningOp();
        if (def && inside(def))
          continue;
        if (def && def->getBlock() == body &&
            def->hasTrait<OpTrait::ConstantLike>()) {
          constants.insert(def);
          continue;
        }
        if (def && def->getParentRegion() != &func.getBody())
          continue; // defined inside the run's own regions
        inputs.insert(v);
      }
    });
  SmallVector<Value> outputs;
  for (Operation *op : run)
    for (Value r : op->getResults())
      if (llvm::any_of(r.getUsers(),
                       [&](Operation *user) { return !inside(user); }))
        outputs.push_back(r);

  SmallVector<Type> argTypes, resultTypes;
  for (Value v : inputs)
    argTypes.push_back(v.getType());
  for (Value v : outputs)
    resultTypes.push_back(v.getType());
  OpBuilder b(ctx);
  b.setInsertionPointAfter(after);
  auto segment = func::FuncOp::create(b, run.front()->getLoc(), name,
                                      b.getFunctionType(argTypes, resultTypes));
  coreai::setPlacedUnit(segment, unit);
  segment->setAttr(coreai::kNumInputsAttr,
                   b.getI64IntegerAttr(argTypes.size()));
  Block *entry = segment.addEntryBlock();
  for (unsigned i = 0; i < argTypes.size(); ++i)
    segment.setArgAttr(i, "bufferization.writable", b.getBoolAttr(false));
  // The neural engine's weights are part of its command stream: its
  // segments keep knowing which arguments are constants, and their values.
  if (unit == ComputeUnit::NeuralEngine)
    for (auto [i, v] : llvm::enumerate(inputs))
      if (auto arg = dyn_cast<BlockArgument>(v); arg && arg.getOwner() == body)
        if (Attribute c =
                func.getArgAttr(arg.getArgNumber(), coreai::kConstantArgAttr))
          segment.setArgAttr(i, coreai::kConstantArgAttr, c);
  IRMapping map;
  for (auto [v, arg] : llvm::zip(inputs, entry->getArguments()))
    map.map(v, arg);
  b.setInsertionPointToEnd(entry);
  for (Operation *c : constants)
    b.clone(*c, map);
  for (Operation *op : run)
    b.clone(*op, map);
  SmallVector<Value> returned;
  for (Value v : outputs)
    returned.push_back(map.lookup(v));
  func::ReturnOp::create(b, func.getLoc(), returned);

  b.setInsertionPoint(run.front());
  auto call = func::CallOp::create(b, run.front()->getLoc(), segment,
                                   inputs.getArrayRef());
  for (auto [v, r] : llvm::zip(outputs, call.getResults()))
    v.replaceUsesWithIf(
        r, [&](OpOperand &use) { return !inside(use.getOwner()); });
  for (Operation *op : llvm::reverse(run))
    op->erase();
  return segment;
}

struct Partition : coreai::impl::PartitionBase<Partition> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (func::FuncOp func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isExternal() || func->hasAttr(coreai::kUnitAttr))
        continue;
      Block &body = func.getBody().front();
      SmallVector<SmallVector<Operation *>> runs;
      SmallVector<ComputeUnit> runUnits;
      bool lastIsolated = false;
      for (Operation &op : body.without_terminator()) {
        if (op.hasTrait<OpTrait::ConstantLike>())
          continue;
        // Ops coreai-place did not reach run on the host.
        ComputeUnit unit = ComputeUnit::CPU;
        if (op.hasAttr(coreai::kUnitAttr)) {
          std::optional<ComputeUnit> placed = coreai::placedUnit(&op);
          if (!placed) {
            op.emitError("unknown compute unit ")
                << op.getAttr(coreai::kUnitAttr);
            return signalPassFailure();
          }
          unit = *placed;
        }
        bool isolated = op.hasAttr(coreai::kIsolateAttr);
        if (runs.empty() || unit != runUnits.back() || isolated ||
            lastIsolated) {
          runs.emplace_back();
          runUnits.push_back(unit);
        }
        runs.back().push_back(&op);
        lastIsolated = isolated;
      }
      Operation *after = func;
      for (auto [k, run] : llvm::enumerate(runs))
        after = outline(func, run, (func.getSymName() + "__s" + Twine(k)).str(),
                        runUnits[k], after);
      SmallVector<Operation *> constants;
      for (Operation &op : body.without_terminator())
        if (op.hasTrait<OpTrait::ConstantLike>())
          constants.push_back(&op);
      for (Operation *op : llvm::reverse(constants))
        if (op->use_empty())
          op->erase();
    }
  }
};

} // namespace

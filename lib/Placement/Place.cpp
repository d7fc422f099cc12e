//===- Place.cpp - Choose a compute unit per op ---------------------------===//
//
// Two strategies over one capability check (Capabilities.cpp for the GPU,
// anelower::whyNotOnANE for the engine; the CPU runs everything):
//
// - cost (the default): the assignment of units to the function's ops, in
//   program order, that minimizes the estimated time (CostModel.h): each
//   op's roofline time on its unit plus a synchronization and the bytes
//   that cross whenever consecutive ops change unit, starting and ending on
//   the host. A dynamic program over (op, unit) finds the minimum exactly
//   for that model, so a small op between two engine layers stays with them
//   and one alone between CPU ops stays on the CPU: no ping-pong.
// - preference: every op on the first unit of `units` that can run it
//   (what a test of one unit's kernels wants).
//
//===----------------------------------------------------------------------===//
#include "lib/Placement/CostModel.h"
#include "lib/Placement/Passes.h"

#include "lib/Target/ANE/GraphOps.h"
#include "lib/Target/ANE/Passes.h"

#include "mlir/IR/Builders.h"

#include <limits>

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_PLACE
#include "lib/Placement/Passes.h.inc"
} // namespace coreai

namespace {

bool operandOnANE(Operation &op) {
  if (op.getNumOperands() == 0)
    return false;
  Operation *def = op.getOperand(0).getDefiningOp();
  auto unit = def ? def->getAttrOfType<StringAttr>(coreai::kUnitAttr)
                  : StringAttr();
  return unit && unit.getValue() == "ane";
}

/// Bytes of `op`'s operands that other ops computed (weights and constants
/// are in every segment that needs them: they never cross).
double crossingBytes(Operation &op) {
  double bytes = 0;
  for (Value v : op.getOperands()) {
    if (coreai::anelower::constantOf(v))
      continue;
    if (Operation *def = v.getDefiningOp())
      if (def->hasTrait<OpTrait::ConstantLike>())
        continue;
    bytes += coreai::placement::bytesOf(v.getType());
  }
  return bytes;
}

struct Place : coreai::impl::PlaceBase<Place> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *ctx) override {
    if (strategy == "cost" || strategy == "preference")
      return success();
    return emitError(UnknownLoc::get(ctx))
           << "coreai-place: unknown strategy '" << strategy
           << "' (cost or preference)";
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    for (const std::string &unit : units) {
      if (unit == "ane") {
        FailureOr<coreai::runtime::ane::EngineDescription> e =
            coreai::anelower::loadEngine(func.getLoc(), aneArch);
        if (failed(e))
          return signalPassFailure();
        engine = *e;
      } else if (unit != "gpu" && unit != "cpu") {
        func.emitError("unknown compute unit '") << unit << "'";
        return signalPassFailure();
      }
    }
    if (strategy == "preference")
      placeByPreference(func);
    else
      placeByCost(func);
  }

  /// Whether `unit` can run `op` (the engine's layout-only rule aside).
  bool canRun(const std::string &unit, Operation &op) {
    if (unit == "cpu")
      return true;
    if (unit == "gpu")
      return coreai::placement::whyNotOnGPU(&op).empty();
    return unit == "ane" && coreai::anelower::whyNotOnANE(&op, *engine).empty();
  }

  void placeByPreference(func::FuncOp func) {
    Builder b(&getContext());
    for (Operation &op : func.getBody().front().without_terminator()) {
      if (op.hasTrait<OpTrait::ConstantLike>() || op.hasAttr(coreai::kUnitAttr))
        continue;
      std::string chosen = "cpu";
      for (const std::string &unit : units) {
        bool fits = canRun(unit, op) &&
                    (unit != "ane" || !coreai::anelower::isLayoutOnly(&op) ||
                     operandOnANE(op));
        if (fits) {
          chosen = unit;
          break;
        }
      }
      op.setAttr(coreai::kUnitAttr, b.getStringAttr(chosen));
    }
  }

  void placeByCost(func::FuncOp func) {
    // The candidates, preferred first (which wins ties), the CPU last.
    std::vector<std::string> all;
    for (const std::string &unit : units)
      if (unit != "cpu" && llvm::find(all, unit) == all.end())
        all.push_back(unit);
    all.push_back("cpu");
    size_t numUnits = all.size();
    size_t cpu = numUnits - 1;
    std::vector<coreai::placement::UnitModel> models;
    for (const std::string &unit : all)
      models.push_back(
          coreai::placement::unitModel(unit, engine ? &*engine : nullptr));

    std::vector<Operation *> ops;
    for (Operation &op : func.getBody().front().without_terminator())
      if (!op.hasTrait<OpTrait::ConstantLike>())
        ops.push_back(&op);
    constexpr double kInf = std::numeric_limits<double>::infinity();
    // best[i][u]: the least time of ops 0..i with op i on unit u; from[i][u]:
    // the unit of op i-1 on that path.
    std::vector<std::vector<double>> best(ops.size(),
                                          std::vector<double>(numUnits, kInf));
    std::vector<std::vector<size_t>> from(ops.size(),
                                          std::vector<size_t>(numUnits, cpu));
    for (size_t i = 0; i < ops.size(); ++i) {
      Operation &op = *ops[i];
      auto pinned = op.getAttrOfType<StringAttr>(coreai::kUnitAttr);
      coreai::placement::OpWork work = coreai::placement::workOf(&op);
      double crossing = crossingBytes(op);
      // A reshape or flatten goes to the engine only right after its
      // operand was computed there (alone it would only add a rounding to
      // fp16 and two unit boundaries).
      bool layoutOnly = coreai::anelower::isLayoutOnly(&op);
      bool followsPrevious = i > 0 && op.getNumOperands() > 0 &&
                             op.getOperand(0).getDefiningOp() == ops[i - 1];
      for (size_t u = 0; u < numUnits; ++u) {
        if (pinned ? pinned.getValue() != all[u] : !canRun(all[u], op))
          continue;
        double own = coreai::placement::estimateUs(models[u], work);
        for (size_t v = 0; v < (i ? numUnits : 1); ++v) {
          size_t prevUnit = i ? v : cpu; // the function starts on the host
          double before = i ? best[i - 1][v] : 0;
          if (before == kInf)
            continue;
          if (all[u] == "ane" && layoutOnly && !pinned &&
              !(followsPrevious && all[prevUnit] == "ane"))
            continue;
          double t =
              before + own +
              coreai::placement::switchUs(all[prevUnit], all[u], crossing);
          if (t < best[i][u]) {
            best[i][u] = t;
            from[i][u] = prevUnit;
          }
        }
      }
    }
    if (ops.empty())
      return;
    // The results go back to the host.
    double resultBytes = 0;
    for (Value v : func.getBody().front().getTerminator()->getOperands())
      resultBytes += coreai::placement::bytesOf(v.getType());
    size_t last = cpu;
    double total = kInf;
    for (size_t u = 0; u < numUnits; ++u) {
      double t = best.back()[u] +
                 coreai::placement::switchUs(all[u], "cpu", resultBytes);
      if (t < total) {
        total = t;
        last = u;
      }
    }
    Builder b(&getContext());
    for (size_t i = ops.size(); i-- > 0;) {
      if (!ops[i]->hasAttr(coreai::kUnitAttr))
        ops[i]->setAttr(coreai::kUnitAttr, b.getStringAttr(all[last]));
      last = from[i][last];
    }
  }

  std::optional<coreai::runtime::ane::EngineDescription> engine;
};
} // namespace

//===- Place.cpp - Choose a compute unit per op ---------------------------===//
//
// Two strategies over the units' capabilities (UnitCapabilities.h: each
// target states what its unit can run; the CPU runs everything):
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
#include "lib/Placement/UnitCapabilities.h"

#include "dialects/AIGraph/ConstantValues.h"

#include "mlir/IR/Builders.h"

#include <limits>

using namespace mlir;
using coreai::placement::UnitCapabilities;
using coreai::runtime::ComputeUnit;

namespace coreai {
#define GEN_PASS_DEF_PLACE
#include "lib/Placement/Passes.h.inc"
} // namespace coreai

namespace {

/// Whether `op`'s first operand was computed on `unit`.
bool operandPlacedOn(Operation &op, ComputeUnit unit) {
  if (op.getNumOperands() == 0)
    return false;
  Operation *def = op.getOperand(0).getDefiningOp();
  return def && coreai::placedUnit(def) == unit;
}

/// Bytes of `op`'s operands that other ops computed (weights and constants
/// are in every segment that needs them: they never cross).
double crossingBytes(Operation &op) {
  double bytes = 0;
  for (Value v : op.getOperands()) {
    if (coreai::aigraph::constantValueOf(v))
      continue;
    if (Operation *def = v.getDefiningOp())
      if (def->hasTrait<OpTrait::ConstantLike>())
        continue;
    bytes += coreai::placement::bytesOf(v.getType());
  }
  return bytes;
}

/// The units a function may use, preferred first.
using Candidates = std::vector<std::unique_ptr<UnitCapabilities>>;

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
    // The candidates, preferred first. The CPU runs everything: it is the
    // last resort of the preference strategy (unless listed earlier) and
    // always last for the cost strategy, where the first listed wins ties.
    std::vector<ComputeUnit> chosen;
    for (const std::string &name : units) {
      std::optional<ComputeUnit> unit = coreai::runtime::parseComputeUnit(name);
      if (!unit) {
        func.emitError("unknown compute unit '") << name << "'";
        return signalPassFailure();
      }
      bool cpuLast = *unit == ComputeUnit::CPU && strategy == "cost";
      if (!cpuLast && !llvm::is_contained(chosen, *unit))
        chosen.push_back(*unit);
    }
    if (!llvm::is_contained(chosen, ComputeUnit::CPU))
      chosen.push_back(ComputeUnit::CPU);
    Candidates candidates;
    for (ComputeUnit unit : chosen) {
      FailureOr<std::unique_ptr<UnitCapabilities>> caps =
          coreai::placement::lookupUnitCapabilities(
              unit, func.getLoc(),
              unit == ComputeUnit::NeuralEngine ? StringRef(aneArch) : "");
      if (failed(caps))
        return signalPassFailure();
      candidates.push_back(std::move(*caps));
    }
    if (strategy == "preference")
      placeByPreference(func, candidates);
    else
      placeByCost(func, candidates);
  }

  void placeByPreference(func::FuncOp func, const Candidates &candidates) {
    for (Operation &op : func.getBody().front().without_terminator()) {
      if (op.hasTrait<OpTrait::ConstantLike>() || op.hasAttr(coreai::kUnitAttr))
        continue;
      for (const std::unique_ptr<UnitCapabilities> &caps : candidates) {
        if (caps->whyNot(&op).empty() && (caps->whyNotAlone(&op).empty() ||
                                          operandPlacedOn(op, caps->unit()))) {
          coreai::setPlacedUnit(&op, caps->unit());
          break;
        }
      }
    }
  }

  void placeByCost(func::FuncOp func, const Candidates &candidates) {
    size_t numUnits = candidates.size();
    size_t cpu = numUnits - 1;
    std::vector<ComputeUnit> all;
    std::vector<coreai::placement::UnitModel> models;
    for (const std::unique_ptr<UnitCapabilities> &caps : candidates) {
      all.push_back(caps->unit());
      models.push_back(caps->costModel());
    }

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
      std::optional<ComputeUnit> pinned = coreai::placedUnit(&op);
      coreai::placement::OpWork work = coreai::placement::workOf(&op);
      double crossing = crossingBytes(op);
      bool followsPrevious = i > 0 && op.getNumOperands() > 0 &&
                             op.getOperand(0).getDefiningOp() == ops[i - 1];
      for (size_t u = 0; u < numUnits; ++u) {
        if (pinned ? *pinned != all[u] : !candidates[u]->whyNot(&op).empty())
          continue;
        // Some ops go to a unit only right after their operand was computed
        // there (UnitCapabilities::whyNotAlone).
        bool onlyAfterOwn = !pinned && !candidates[u]->whyNotAlone(&op).empty();
        double own = coreai::placement::estimateUs(models[u], work);
        for (size_t v = 0; v < (i ? numUnits : 1); ++v) {
          size_t prevUnit = i ? v : cpu; // the function starts on the host
          double before = i ? best[i - 1][v] : 0;
          if (before == kInf)
            continue;
          if (onlyAfterOwn && !(followsPrevious && prevUnit == u))
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
      double t = best.back()[u] + coreai::placement::switchUs(
                                      all[u], ComputeUnit::CPU, resultBytes);
      if (t < total) {
        total = t;
        last = u;
      }
    }
    for (size_t i = ops.size(); i-- > 0;) {
      if (!ops[i]->hasAttr(coreai::kUnitAttr))
        coreai::setPlacedUnit(ops[i], all[last]);
      last = from[i][last];
    }
  }
};
} // namespace

//===- DebugTable.cpp - What a bundle remembers of each graph op ----------===//
#include "lib/Pipeline/DebugTable.h"

#include "dialects/AIGraph/SourceNames.h"
#include "lib/Placement/CostModel.h"

using namespace mlir;

void coreai::describeGraphOp(Operation *op,
                             llvm::DenseMap<Operation *, uint32_t> &indexOf,
                             PlacementReport::Op &entry) {
  entry.op = op->getName().getStringRef().str();
  entry.source = aigraph::sourceOf(op->getLoc());
  entry.location = aigraph::exporterLocationOf(op->getLoc());
  entry.flops = placement::workOf(op).flops;
  for (Value operand : op->getOperands()) {
    auto it = indexOf.find(operand.getDefiningOp());
    if (it != indexOf.end() && !llvm::is_contained(entry.inputs, it->second))
      entry.inputs.push_back(it->second);
  }
  uint32_t index = indexOf.size();
  indexOf[op] = index;
}

std::vector<coreai::bundle::DebugEntry>
coreai::debugTableOf(const PlacementReport &report,
                     const std::string &function) {
  std::vector<bundle::DebugEntry> table;
  for (const PlacementReport::Op &op : report.ops) {
    if (op.function != function)
      continue;
    bundle::DebugEntry entry;
    entry.op = op.op;
    entry.source = op.source;
    entry.location = op.location;
    entry.unit = op.unit;
    entry.inputs = op.inputs;
    entry.flops = op.flops;
    for (const auto &[unit, us] : op.estimatedUs)
      if (unit == op.unit)
        entry.estimatedUs = us;
    for (const auto &[unit, reason] : op.refused)
      entry.refused.push_back(unit + ": " + reason);
    table.push_back(std::move(entry));
  }
  return table;
}

//===- DebugTable.h - What a bundle remembers of each graph op ------------===//
//
// The facts the placement report and the bundle's debug table share about an
// op of the placed graph: its source nodes, the exporter's source location,
// the ops whose results it reads (so a report can draw the graph) and its
// work. The debug table is the report's ops of one function, so reports of
// a bundle (coreai-run --profile-html) see what the compiler saw.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_PIPELINE_DEBUGTABLE_H
#define COREAI_LIB_PIPELINE_DEBUGTABLE_H

#include "lib/Bundle/BundleWriter.h"
#include "lib/Pipeline/PlacementReport.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"

namespace coreai {

/// Fills `entry`'s op name, source nodes, exporter location, inputs and
/// flops from `op`. `indexOf` holds the ops of the same function described
/// before, by their index in the report; `op` is added as the next one.
void describeGraphOp(mlir::Operation *op,
                     llvm::DenseMap<mlir::Operation *, uint32_t> &indexOf,
                     PlacementReport::Op &entry);

/// The debug table of `function`: its ops in `report`, in order.
std::vector<bundle::DebugEntry> debugTableOf(const PlacementReport &report,
                                             const std::string &function);

} // namespace coreai

#endif // COREAI_LIB_PIPELINE_DEBUGTABLE_H

//===- CostModel.h - Estimated time of graph ops on each compute unit -----===//
//
// A roofline per unit: an op takes its fixed launch cost plus the longer of
// its arithmetic at the unit's peak and its bytes at the unit's memory
// bandwidth; moving to another unit costs a synchronization plus the bytes
// that cross at the link's bandwidth. Placement (coreai-place with the cost
// strategy) minimizes the sum; the placement report prints the estimates.
// The figures are descriptions, not measurements of the host: the neural
// engine's come from its description (targets/ane), the CPU's and the GPU's
// from the tables in CostModel.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_PLACEMENT_COSTMODEL_H
#define COREAI_LIB_PLACEMENT_COSTMODEL_H

#include "lib/NeuralEngine/EngineDescription.h"

#include "coreai/ComputeUnit.h"

#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace coreai::placement {

/// What an op does: floating-point operations (2 per multiply-add) and the
/// bytes of its operands and results.
struct OpWork {
  double flops = 0;
  double bytes = 0;
};

OpWork workOf(mlir::Operation *op);

/// Bytes of a value of `type` (0 when it is not a shaped type).
double bytesOf(mlir::Type type);

/// One unit's roofline.
struct UnitModel {
  runtime::ComputeUnit unit = runtime::ComputeUnit::CPU;
  double flopsPerUs = 0; // peak
  double bytesPerUs = 0; // memory bandwidth
  double launchUs = 0;   // per op (dispatch, layer overhead)
};

/// The model of `unit`; the engine's needs its description.
UnitModel unitModel(runtime::ComputeUnit unit,
                    const runtime::ane::EngineDescription *engine);

/// Estimated microseconds of `work` on `model`.
double estimateUs(const UnitModel &model, const OpWork &work);

/// Estimated microseconds of moving from unit `from` to unit `to` with
/// `bytes` crossing (0 when they are the same unit).
double switchUs(runtime::ComputeUnit from, runtime::ComputeUnit to,
                double bytes);

} // namespace coreai::placement

#endif // COREAI_LIB_PLACEMENT_COSTMODEL_H

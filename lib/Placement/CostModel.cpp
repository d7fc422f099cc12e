//===- CostModel.cpp ------------------------------------------------------===//
#include "lib/Placement/CostModel.h"

#include "dialects/AIGraph/AIGraph.h"

#include "mlir/IR/BuiltinTypes.h"

#include <algorithm>

using namespace mlir;

namespace coreai::placement {
namespace {

double elementsOf(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return 1;
  return (double)shaped.getNumElements();
}

/// Products per output element of a contraction, else 0.
double reductionOf(Operation *op) {
  if (auto conv = dyn_cast<aigraph::ConvOp>(op)) {
    auto w = cast<ShapedType>(conv.getWeight().getType());
    if (!w.hasStaticShape() || w.getDimSize(0) == 0)
      return 0;
    return (double)w.getNumElements() / (double)w.getDimSize(0);
  }
  if (auto gemm = dyn_cast<aigraph::GemmOp>(op)) {
    auto a = cast<ShapedType>(gemm.getA().getType());
    if (!a.hasStaticShape() || a.getRank() != 2)
      return 0;
    return (double)a.getDimSize(gemm.getTransA() ? 0 : 1);
  }
  if (auto matmul = dyn_cast<aigraph::MatMulOp>(op)) {
    auto lhs = cast<ShapedType>(matmul.getLhs().getType());
    if (!lhs.hasStaticShape() || lhs.getRank() == 0)
      return 0;
    return (double)lhs.getDimSize(lhs.getRank() - 1);
  }
  return 0;
}

// The CPU: one core of the machines this project is measured on (about 117
// fp32 GFLOP/s at peak with AVX-512, kernels near 80% of it; about 20 GB/s
// of copy bandwidth), a few microseconds per dispatch.
const UnitModel kCPU = {runtime::ComputeUnit::CPU, 90e3, 20e3, 2};
// The GPU: a mid-range discrete part (about 10 TFLOP/s fp32, 300 GB/s),
// tens of microseconds of submission overhead amortized over a recorded
// command buffer.
const UnitModel kGPU = {runtime::ComputeUnit::GPU, 10e6, 300e3, 5};
// Crossing between units: a synchronization, then the bytes at the speed
// of the link (PCIe-class for a discrete GPU; the engine shares memory with
// the host but flushes and converts to fp16).
constexpr double kSyncUs = 20;
constexpr double kLinkBytesPerUs = 12e3;

} // namespace

double bytesOf(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return 0;
  unsigned bits = shaped.getElementType().isIntOrFloat()
                      ? shaped.getElementTypeBitWidth()
                      : 64;
  return elementsOf(type) * std::max(1u, bits / 8);
}

OpWork workOf(Operation *op) {
  OpWork w;
  for (Type t : op->getOperandTypes())
    w.bytes += bytesOf(t);
  double outputs = 0;
  for (Type t : op->getResultTypes()) {
    w.bytes += bytesOf(t);
    outputs += elementsOf(t);
  }
  double reduction = reductionOf(op);
  w.flops = reduction > 0 ? 2 * outputs * reduction : outputs;
  return w;
}

UnitModel unitModel(runtime::ComputeUnit unit,
                    const runtime::ane::EngineDescription *engine) {
  if (unit == runtime::ComputeUnit::GPU)
    return kGPU;
  if (unit == runtime::ComputeUnit::NeuralEngine && engine) {
    double cyclesPerUs = engine->clockMHz;
    return {runtime::ComputeUnit::NeuralEngine,
            2.0 * engine->cores * engine->macsPerCorePerCycle * cyclesPerUs,
            engine->dmaBytesPerCycle * cyclesPerUs,
            engine->layerOverheadCycles / std::max(cyclesPerUs, 1.0)};
  }
  return kCPU;
}

double estimateUs(const UnitModel &model, const OpWork &work) {
  return model.launchUs +
         std::max(work.flops / model.flopsPerUs, work.bytes / model.bytesPerUs);
}

double switchUs(runtime::ComputeUnit from, runtime::ComputeUnit to,
                double bytes) {
  if (from == to)
    return 0;
  return kSyncUs + bytes / kLinkBytesPerUs;
}

} // namespace coreai::placement

//===- Capabilities.cpp - What the GPU unit can run -----------------------===//
#include "lib/Target/GPU/Passes.h"

#include "dialects/AIGraph/AIGraph.h"
#include "lib/Placement/UnitCapabilities.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/DebugStringHelper.h"

using namespace mlir;
using coreai::placement::UnitCapabilities;
using coreai::runtime::ComputeUnit;

namespace {
/// Element types the GPU computes on portably (SPIR-V for Vulkan 1.1 with
/// the 8/16-bit storage extensions). float64 is left to the CPU: many GPUs
/// (and Vulkan on Metal) lack it. bfloat16 and the float8/4-bit types have no
/// SPIR-V arithmetic.
std::string whyNotType(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  Type elem = shaped ? shaped.getElementType() : type;
  if (shaped && !shaped.hasStaticShape())
    return "dynamic shapes run on the CPU";
  if (elem.isF32() || elem.isF16() || elem.isIndex())
    return "";
  if (auto it = dyn_cast<IntegerType>(elem)) {
    unsigned w = it.getWidth();
    if (w == 1 || w == 8 || w == 16 || w == 32 || w == 64)
      return "";
  }
  return "element type " + debugString(elem) + " has no GPU support";
}

/// Graph ops whose operand and result types the GPU kernels support; the
/// lowering (lib/Target/GPU) handles every graph op of those types.
class GPUCapabilities : public UnitCapabilities {
public:
  ComputeUnit unit() const override { return ComputeUnit::GPU; }

  std::string whyNot(Operation *op) const override {
    if (!isa<coreai::aigraph::AIGraphDialect>(op->getDialect()))
      return "'" + op->getName().getStringRef().str() + "' is not a graph op";
    if (op->getNumRegions() != 0)
      return "ops with regions run on the CPU";
    for (Type t : op->getOperandTypes())
      if (std::string why = whyNotType(t); !why.empty())
        return why;
    for (Type t : op->getResultTypes())
      if (std::string why = whyNotType(t); !why.empty())
        return why;
    return "";
  }

  coreai::placement::UnitModel costModel() const override {
    return coreai::placement::unitModel(ComputeUnit::GPU, nullptr);
  }
};
} // namespace

void coreai::registerGPUUnitCapabilities() {
  placement::registerUnitCapabilities<GPUCapabilities>();
}

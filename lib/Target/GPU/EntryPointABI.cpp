//===- EntryPointABI.cpp - SPIR-V entry-point and binding ABI -------------===//
#include "lib/Target/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_GPUENTRYPOINTABI
#include "lib/Target/GPU/Passes.h.inc"
} // namespace coreai

namespace {
struct GPUEntryPointABI : coreai::impl::GPUEntryPointABIBase<GPUEntryPointABI> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    WalkResult result = getOperation().walk([&](gpu::GPUFuncOp func) {
      if (!func.isKernel())
        return WalkResult::advance();
      std::optional<ArrayRef<int32_t>> block = func.getKnownBlockSize();
      if (!block) {
        func.emitError("kernel has no known workgroup size; it must come "
                       "from a gpu.launch with constant block sizes");
        return WalkResult::interrupt();
      }
      func->setAttr(spirv::getEntryPointABIAttrName(),
                    spirv::getEntryPointABIAttr(ctx, *block));
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        func.setArgAttr(i, spirv::getInterfaceVarABIAttrName(),
                        spirv::getInterfaceVarABIAttr(
                            /*descriptorSet=*/0, /*binding=*/i,
                            /*storageClass=*/std::nullopt, ctx));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

//===- GPUToSPIRV.cpp - Kernels to spirv.module ---------------------------===//
#include "lib/Target/GPU/Passes.h"

#include "mlir/Conversion/ArithToSPIRV/ArithToSPIRV.h"
#include "mlir/Conversion/FuncToSPIRV/FuncToSPIRV.h"
#include "mlir/Conversion/GPUToSPIRV/GPUToSPIRV.h"
#include "mlir/Conversion/MathToSPIRV/MathToSPIRV.h"
#include "mlir/Conversion/MemRefToSPIRV/MemRefToSPIRV.h"
#include "mlir/Conversion/SCFToSPIRV/SCFToSPIRV.h"
#include "mlir/Conversion/UBToSPIRV/UBToSPIRV.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "mlir/Dialect/SPIRV/Transforms/SPIRVConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_GPUTOSPIRV
#include "lib/Target/GPU/Passes.h.inc"
} // namespace coreai

namespace {

/// Rewrites math and arith ops that have no SPIR-V counterpart into ones
/// that do.
LogicalResult legalizeMath(Operation *module) {
  RewritePatternSet patterns(module->getContext());
  populatePolynomialApproximateErfPattern(patterns);
  populatePolynomialApproximateErfcPattern(patterns);
  math::populateExpansionPatterns(patterns, {"fpowi", "ipowi", "sinh", "cosh",
                                             "asinh", "acosh", "atanh", "tan",
                                             "roundeven", "ctlz"});
  arith::populateArithExpandOpsPatterns(patterns);
  return applyPatternsGreedily(module, std::move(patterns));
}

/// The target environment spirv-attach-target put in the module's targets,
/// else the one in scope.
spirv::TargetEnvAttr targetEnvOf(Operation *op) {
  if (auto gpuModule = dyn_cast<gpu::GPUModuleOp>(op))
    if (ArrayAttr targets = gpuModule.getTargetsAttr())
      for (Attribute target : targets)
        if (auto env = dyn_cast<spirv::TargetEnvAttr>(target))
          return env;
  return spirv::lookupTargetEnvOrDefault(op);
}

struct GPUToSPIRV : coreai::impl::GPUToSPIRVBase<GPUToSPIRV> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ModuleOp module = getOperation();
    SmallVector<Operation *> clones;
    OpBuilder b(ctx);
    module.walk([&](gpu::GPUModuleOp gpuModule) {
      // The host's gpu.launch_func ops still name the original.
      b.setInsertionPoint(gpuModule);
      clones.push_back(b.clone(*gpuModule));
    });
    for (Operation *gpuModule : clones) {
      if (failed(legalizeMath(gpuModule)))
        return signalPassFailure();
      // Buffers without a memory space are Vulkan storage buffers.
      spirv::MemorySpaceToStorageClassConverter storage(
          spirv::mapMemorySpaceToVulkanStorageClass);
      spirv::convertMemRefTypesAndAttrs(gpuModule, storage);
      spirv::TargetEnvAttr targetAttr = targetEnvOf(gpuModule);
      std::unique_ptr<ConversionTarget> target =
          SPIRVConversionTarget::get(targetAttr);
      SPIRVTypeConverter typeConverter(targetAttr);
      RewritePatternSet patterns(ctx);
      ScfToSPIRVContext scfContext;
      populateGPUToSPIRVPatterns(typeConverter, patterns);
      populateSCFToSPIRVPatterns(typeConverter, scfContext, patterns);
      arith::populateArithToSPIRVPatterns(typeConverter, patterns);
      populateMathToSPIRVPatterns(typeConverter, patterns);
      populateMemRefToSPIRVPatterns(typeConverter, patterns);
      populateFuncToSPIRVPatterns(typeConverter, patterns);
      ub::populateUBToSPIRVConversionPatterns(typeConverter, patterns);
      if (failed(applyFullConversion(gpuModule, *target, std::move(patterns))))
        return signalPassFailure();
    }
  }
};
} // namespace

//===- Registration.cpp - Dialects and passes the compiler uses -----------===//
//
// Registers exactly what the pipelines need instead of registerAllPasses():
// that keeps link times and binary sizes down on small build machines.
//
//===----------------------------------------------------------------------===//
#include "lib/Pipeline/Pipeline.h"

#include "dialects/AIGraph/AIGraph.h"
#include "lib/Target/ANE/Passes.h"
#include "lib/Conversion/Passes.h"
#include "lib/Placement/Passes.h"
#include "lib/Target/CPU/Passes.h"
#include "lib/Target/Common/Passes.h"
#include "lib/Target/GPU/Passes.h"
#include "lib/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Func/Extensions/AllExtensions.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/IR/MemRefMemorySlot.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/SPIRV/Target.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void coreai::registerDialects(DialectRegistry &registry) {
  registry.insert<aigraph::AIGraphDialect, ane::ANEDialect, affine::AffineDialect,
                  arith::ArithDialect, bufferization::BufferizationDialect,
                  cf::ControlFlowDialect, func::FuncDialect, gpu::GPUDialect,
                  index::IndexDialect, linalg::LinalgDialect, LLVM::LLVMDialect,
                  math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
                  spirv::SPIRVDialect, tensor::TensorDialect, ub::UBDialect,
                  vector::VectorDialect>();
  spirv::registerSPIRVTargetInterfaceExternalModels(registry);
  func::registerAllExtensions(registry);
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  arith::registerBufferDeallocationOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  cf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  memref::registerAllocationOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
}

void coreai::registerPasses() {
  // Ours.
  registerCoreAIConversionPasses();
  registerCoreAITransformsPasses();
  registerCoreAICommonLoweringPasses();
  registerCoreAICPUPasses();
  registerCoreAIGPUPasses();
  registerCoreAIPlacementPasses();
  anelower::registerCoreAIANEPasses();
  anelower::registerLoweringPipeline();
  // coreai-place asks the units what they can run.
  registerComputeUnits();
  // Upstream, as used by the pipelines.
  registerCanonicalizerPass();
  arith::registerArithPasses();
  math::registerMathPasses();
  registerCSEPass();
  registerLinalgPasses();
  bufferization::registerBufferizationPasses();
  bufferization::registerBufferizationPipelines();
  memref::registerMemRefPasses();
  registerLowerAffinePass();
  registerSCFToControlFlowPass();
  registerConvertMathToFuncs();
  registerConvertMathToLLVMPass();
  registerConvertMathToLibmPass();
  registerFinalizeMemRefToLLVMConversionPass();
  registerArithToLLVMConversionPass();
  registerConvertIndexToLLVMPass();
  registerConvertControlFlowToLLVMPass();
  registerUBToLLVMConversionPass();
  registerConvertFuncToLLVMPass();
  registerReconcileUnrealizedCastsPass();
  registerConvertVectorToLLVMPass();
  registerGpuKernelOutliningPass();
  registerGpuLaunchSinkIndexComputationsPass();
  registerGpuSPIRVAttachTarget();
  spirv::registerSPIRVLowerABIAttributesPass();
  spirv::registerSPIRVUpdateVCEPass();

  static PassPipelineRegistration<> cpuPipeline(
      "coreai-cpu-pipeline",
      "The full CPU compilation pipeline of coreai-build, aigraph to the "
      "LLVM dialect with kernel ABI entry points",
      [](OpPassManager &pm) { buildCPUPipeline(pm); });
  static PassPipelineRegistration<> cpuDispatchPipeline(
      "coreai-cpu-dispatch-pipeline",
      "The first half of the CPU lowering: aigraph (after the graph pipeline) "
      "to buffers, every loop nest outlined into a workgroup dispatch",
      [](OpPassManager &pm) { cpu::buildDispatchPipeline(pm); });
  static PassPipelineRegistration<> gpuPipeline(
      "coreai-gpu-lowering",
      "The GPU lowering of coreai-build: aigraph (after the graph pipeline) "
      "to a host function of gpu.launch_func ops and SPIR-V kernels",
      [](OpPassManager &pm) { spv::buildLoweringPipeline(pm); });
  static PassPipelineRegistration<> graphPipeline(
      "coreai-graph-pipeline",
      "The graph-level passes of coreai-build (for a CPU-only model)",
      [](OpPassManager &pm) { buildGraphPipeline(pm, /*cpuOnly=*/true); });
}

void coreai::registerComputeUnits() {
  registerCPUUnitCapabilities();
  registerGPUUnitCapabilities();
  anelower::registerEngineCapabilities();
}

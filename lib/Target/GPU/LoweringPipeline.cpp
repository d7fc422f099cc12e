//===- LoweringPipeline.cpp - aigraph -> SPIR-V kernels + host schedule ---===//
//
// Upstream passes wherever they exist, spelled as a textual pipeline so the
// same string is readable in docs and reproducible with coreai-opt. Each
// step is needed for SPIR-V that spirv-val accepts and Vulkan drivers run:
// entry-point ABI attributes before conversion (else gpu.func does not
// legalize), spirv-lower-abi-attrs (else no OpEntryPoint), spirv-update-vce
// (else not serializable). Loop nests are mapped to launches by our own
// coreai-gpu-map-to-launches, and coreai-gpu-to-spirv also covers math.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/GPU/Passes.h"

#include "lib/Target/Common/Passes.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

void coreai::spv::buildLoweringPipeline(OpPassManager &pm) {
  addTensorsToBuffersPipeline(pm, "linalg-fuse-elementwise-ops");
  static constexpr const char *kPipeline =
      "canonicalize,"
      // Buffers -> one launch per loop nest.
      "func.func(coreai-copies-to-loops, coreai-gpu-tile-contractions,"
      "  coreai-gpu-reductions-innermost,"
      "  convert-linalg-to-parallel-loops, lower-affine, canonicalize,"
      "  coreai-gpu-map-to-launches, fold-memref-alias-ops, lower-affine,"
      // canonicalize hoists constants out of launches; sink them back.
      "  canonicalize, gpu-launch-sink-index-computations),"
      "gpu-kernel-outlining, coreai-gpu-entry-point-abi,"
      // Kernels -> SPIR-V for Vulkan 1.1. The capabilities listed are those
      // a kernel may use; spirv-update-vce narrows each module to what it
      // needs, and the runtime checks the device has it.
      "spirv-attach-target{ver=v1.3 client_api=Vulkan"
      "  caps=Shader,Int64,Int16,Int8,Float16,Float64,"
      "StorageBuffer8BitAccess,StorageBuffer16BitAccess"
      "  exts=SPV_KHR_storage_buffer_storage_class,SPV_KHR_8bit_storage,"
      "SPV_KHR_16bit_storage},"
      "coreai-gpu-to-spirv,"
      "spirv.module(spirv-lower-abi-attrs, spirv-update-vce, canonicalize, "
      "cse)";
  addBuiltinPipeline(pm, kPipeline, "GPU");
}

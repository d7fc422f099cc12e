//===- Passes.td - GPU target passes -----------------------*- tablegen -*-===//
#ifndef COREAI_TARGET_GPU_PASSES
#define COREAI_TARGET_GPU_PASSES

include "mlir/Pass/PassBase.td"

def GPUReductionsInnermost : Pass<"coreai-gpu-reductions-innermost", "::mlir::func::FuncOp"> {
  let summary = "Interchange linalg.generic loops so reductions are innermost";
  let description = [{
    convert-linalg-to-parallel-loops gives one scf.parallel per run of
    consecutive parallel loops. With every reduction innermost, the whole
    parallel iteration space is one scf.parallel, which
    coreai-gpu-map-to-launches spreads over invocations, and each invocation
    runs its reduction sequentially.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def GPUTileContractions : Pass<"coreai-gpu-tile-contractions", "::mlir::func::FuncOp"> {
  let summary = "Shared-memory tiled GPU launches for matmuls and convolutions";
  let description = [{
    Rewrites each linalg op on buffers that reads two inputs A and B, whose
    parallel loops split into loops only A uses (rows), loops only B uses
    (columns) and loops both use (batch), with at least one reduction loop
    (matmul, batch matmul, Gemm, conv_2d_nchw_fchw as an implicit GEMM) into
    a gpu.launch of 16x16 workgroups, each computing a 16x16 output tile
    from 16x16 tiles of A and B staged in workgroup memory (gpu.barrier
    between stages). Indices come from the op's indexing maps; its body is
    cloned into the reduction loop. Other ops are left to
    coreai-gpu-map-to-launches.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def GPUMapToLaunches : Pass<"coreai-gpu-map-to-launches", "::mlir::func::FuncOp"> {
  let summary = "Turn each top-level loop nest of a buffer function into a gpu.launch";
  let description = [{
    Runs on a function on memrefs whose body is allocations, views and loop
    nests (from convert-linalg-to-parallel-loops). Each top-level
    scf.parallel with static bounds becomes a gpu.launch over its whole
    iteration space, linearized: invocation `id` of `workgroup-size` per
    workgroup handles one point, ragged tails are guarded, and the grid
    spills into y beyond 65535 workgroups. Nested scf.parallel ops become
    scf.for. Any other run of consecutive top-level compute ops (sequential
    loops, scalar code) becomes a one-invocation launch, so no computation is
    left on the host. Views (subview, expand/collapse_shape, casts) and
    constants are then sunk into the launches that use them, so kernels take
    whole buffers (a SPIR-V binding is sized by its memref type, and a view's
    offset would index past it). Upstream's scf-parallel-loop-tiling + gpu-map-parallel-
    loops maps the leading dims only, which leaves most invocations idle on
    NCHW tensors with N=1, hence this pass.
  }];
  let options = [
    Option<"workgroupSize", "workgroup-size", "int64_t", /*default=*/"64",
           "invocations per workgroup for parallel loops">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect", "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def GPUEntryPointABI : Pass<"coreai-gpu-entry-point-abi", "::mlir::ModuleOp"> {
  let summary = "Give every kernel its SPIR-V entry-point ABI from its launch";
  let description = [{
    After gpu-kernel-outlining, sets `spirv.entry_point_abi` on each kernel
    gpu.func with the workgroup size that its gpu.launch_func uses (the
    `known_block_size` the outliner recorded), and `spirv.interface_var_abi`
    (descriptor set 0, binding i) on its i-th argument: the binding
    convention the runtime's Vulkan executor follows. Upstream has this only
    as a test pass.
  }];
  let dependentDialects = ["::mlir::spirv::SPIRVDialect"];
}

def GPUToSPIRV : Pass<"coreai-gpu-to-spirv", "::mlir::ModuleOp"> {
  let summary = "Convert kernels in gpu.module ops to spirv.module ops";
  let description = [{
    Like upstream convert-gpu-to-spirv (each gpu.module is cloned and the
    clone converted, so the host's gpu.launch_func ops keep their callee),
    but it also converts math (GLSL extended instructions; erf and erfc
    first become polynomial approximations, which SPIR-V lacks), which the
    upstream pass leaves illegal, and it takes the target environment from
    the gpu.module's targets (set by spirv-attach-target).
  }];
  let dependentDialects = ["::mlir::spirv::SPIRVDialect"];
}

#endif // COREAI_TARGET_GPU_PASSES

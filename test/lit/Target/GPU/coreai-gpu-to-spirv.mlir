// RUN: coreai-opt %s --coreai-gpu-to-spirv | FileCheck %s

// The kernel becomes a spirv.module beside the gpu.module (which the host's
// launches still name). math ops become GLSL extended instructions; erf,
// which SPIR-V lacks, becomes a polynomial; the target environment comes
// from the gpu.module's targets.
// CHECK-LABEL: spirv.module @__spv__m Logical GLSL450
// CHECK: spirv.func @k
// CHECK: spirv.GL.Exp
// CHECK-NOT: math.erf
// CHECK: spirv.Store "StorageBuffer"
// CHECK: gpu.module @m
module attributes {gpu.container_module} {
  gpu.module @m [#spirv.target_env<#spirv.vce<v1.3, [Shader], [SPV_KHR_storage_buffer_storage_class]>, api=Vulkan, #spirv.resource_limits<>>] {
    gpu.func @k(%a: memref<16xf32> {spirv.interface_var_abi = #spirv.interface_var_abi<(0, 0)>}) kernel attributes {spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [16, 1, 1]>} {
      %t = gpu.thread_id x
      %x = memref.load %a[%t] : memref<16xf32>
      %e = math.exp %x : f32
      %f = math.erf %e : f32
      memref.store %f, %a[%t] : memref<16xf32>
      gpu.return
    }
  }
}

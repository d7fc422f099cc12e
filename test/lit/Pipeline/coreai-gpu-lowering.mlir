// RUN: coreai-opt %s --coreai-gpu-lowering | FileCheck %s

// The whole GPU lowering, as coreai-build runs it on a GPU segment: the
// host function keeps only buffers and launches (the schedule; the result
// became an out-parameter), and every kernel is a spirv.module with its
// entry point and workgroup size: the zero fill, the Gemm as a tiled kernel
// with workgroup memory and barriers, and the Relu.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: memref<2x8xf32> {coreai.name = "x"}, %[[W:.*]]: memref<4x8xf32>, %[[OUT:.*]]: memref<2x4xf32> {coreai.name = "y"})
// CHECK-NOT: linalg.
// CHECK: gpu.launch_func @main_kernel::@main_kernel {{.*}} args(%[[OUT]] : memref<2x4xf32>)
// CHECK: gpu.launch_func @main_kernel_0::@main_kernel {{.*}} threads in (%c16, %c16, %c1) args(%[[OUT]] : memref<2x4xf32>, %[[X]] : memref<2x8xf32>, %[[W]] : memref<4x8xf32>)
// CHECK: gpu.launch_func @main_kernel_1::@main_kernel {{.*}} args(%[[OUT]] : memref<2x4xf32>)
// CHECK: return
// CHECK: spirv.module @__spv__main_kernel Logical GLSL450 requires #spirv.vce<v1.0, [Shader, Matrix], [SPV_KHR_storage_buffer_storage_class]>
// CHECK: spirv.module @__spv__main_kernel_0
// CHECK:   spirv.GlobalVariable @__workgroup_mem__{{.*}} : !spirv.ptr<!spirv.struct<(!spirv.array<256 x f32>)>, Workgroup>
// CHECK:   spirv.ControlBarrier <Workgroup>, <Workgroup>, <AcquireRelease|WorkgroupMemory>
// CHECK:   spirv.EntryPoint "GLCompute" @main_kernel
// CHECK:   spirv.ExecutionMode @main_kernel "LocalSize", 16, 16, 1
// CHECK: spirv.module @__spv__main_kernel_1
// CHECK:   spirv.ExecutionMode @main_kernel "LocalSize", 8, 1, 1
func.func @main(%x: tensor<2x8xf32> {coreai.name = "x"}, %w: tensor<4x8xf32>) -> (tensor<2x4xf32> {coreai.name = "y"}) {
  %0 = aigraph.gemm %x, %w {transB = true} : (tensor<2x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  %1 = aigraph.relu %0 : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

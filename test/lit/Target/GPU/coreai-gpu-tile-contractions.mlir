// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-gpu-tile-contractions))' | FileCheck %s

// A 64x64x32 matmul: 16x16 workgroups, each invocation 4x4 outputs of a
// 64x64 tile, A and B staged through workgroup memory (space 3) in slices of
// 16 reduction steps, with a barrier after staging and after use.
// CHECK-LABEL: func @matmul
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c1_3, %{{.*}} = %c1_2, %{{.*}} = %c1_1) threads(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c16_0, %{{.*}} = %c16, %{{.*}} = %c1)
// CHECK: %[[TA:.*]] = memref.alloc() : memref<64x16xf32, 3>
// CHECK: %[[TB:.*]] = memref.alloc() : memref<16x64xf32, 3>
// CHECK-COUNT-16: memref.load %{{.*}} : memref<64x64xf32>
// CHECK: scf.for {{.*}} iter_args(
// CHECK:   memref.load %{{.*}} : memref<64x32xf32>
// CHECK:   memref.store %{{.*}}, %[[TA]]
// CHECK:   memref.load %{{.*}} : memref<32x64xf32>
// CHECK:   memref.store %{{.*}}, %[[TB]]
// CHECK:   gpu.barrier
// CHECK:   scf.for
// CHECK-COUNT-4: memref.load %[[TA]]
// CHECK-COUNT-16: arith.mulf
// CHECK:   gpu.barrier
// CHECK-COUNT-16: memref.store %{{.*}} : memref<64x64xf32>
// CHECK: gpu.terminator
// CHECK-NOT: linalg.matmul
func.func @matmul(%a: memref<64x32xf32>, %b: memref<32x64xf32>, %c: memref<64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<64x32xf32>, memref<32x64xf32>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// A convolution as an implicit GEMM: rows are (n, oh, ow), which only the
// input uses; columns are the filters, which only the weights use; the
// reduction is (c, kh, kw). 64 rows by 32 columns: 2x2 outputs per
// invocation.
// CHECK-LABEL: func @conv
// CHECK: gpu.launch
// CHECK: memref.alloc() : memref<32x16xf32, 3>
// CHECK: memref.alloc() : memref<16x32xf32, 3>
// CHECK: gpu.barrier
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @conv(%in: memref<1x8x10x10xf32>, %w: memref<32x8x3x3xf32>, %out: memref<1x32x8x8xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%in, %w : memref<1x8x10x10xf32>, memref<32x8x3x3xf32>) outs(%out : memref<1x32x8x8xf32>)
  return
}

// -----

// No reuse to gain: an elementwise op and a reduction with one input stay
// linalg ops, for coreai-gpu-map-to-launches.
// CHECK-LABEL: func @untouched
// CHECK-NOT: gpu.launch
// CHECK: linalg.add
// CHECK: linalg.reduce
func.func @untouched(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %r: memref<64xf32>) {
  linalg.add ins(%a, %a : memref<64x64xf32>, memref<64x64xf32>) outs(%b : memref<64x64xf32>)
  linalg.reduce ins(%a : memref<64x64xf32>) outs(%r : memref<64xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  return
}

// RUN: coreai-opt %s --pass-pipeline='builtin.module(coreai-ane-lowering{arch=ane-16c-4mb})' | FileCheck %s

// The whole neural-engine lowering, as coreai-build runs it on an engine
// segment: fp16 layers with their tile loops, the relu fused into the
// convolution, conversions only at the boundary, reshapes that only feed
// each other folded into one.
// CHECK-LABEL: func.func @main
// CHECK: %[[X:.*]] = ane.convert %arg0 : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf16>
// CHECK: %[[C:.*]] = ane.conv %[[X]], {{.*}}fused_activation = #ane<activation relu>, {{.*}}tile_channels = 8 : i64, tile_rows = 8 : i64}
// CHECK-NOT: ane.activation
// CHECK: %[[P:.*]] = ane.pool max %[[C]]
// CHECK: %[[F:.*]] = ane.reshape %[[P]] : tensor<1x8x4x4xf16> -> tensor<1x128xf16>
// CHECK: %[[M:.*]] = ane.matmul %[[F]], {{.*}}tile_channels = 10 : i64, tile_rows = 1 : i64}
// CHECK: %[[Y:.*]] = ane.convert %[[M]] : tensor<1x10xf16> -> tensor<1x10xf32>
// CHECK: return %[[Y]]
func.func @main(%x: tensor<1x3x8x8xf32>) -> tensor<1x10xf32> attributes {coreai.unit = "ane"} {
  %w = aigraph.constant dense<0.5> : tensor<8x3x3x3xf32>
  %fc = aigraph.constant dense<0.25> : tensor<10x128xf32>
  %0 = aigraph.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x8x8xf32>
  %1 = aigraph.relu %0 : tensor<1x8x8x8xf32>
  %2 = aigraph.max_pool %1 {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x8x8x8xf32> -> tensor<1x8x4x4xf32>
  %3 = aigraph.reshape %2 {shape = array<i64: 1, 8, 16>} : tensor<1x8x4x4xf32> -> tensor<1x8x16xf32>
  %4 = aigraph.flatten %3 {axis = 1 : i64} : tensor<1x8x16xf32> -> tensor<1x128xf32>
  %5 = aigraph.gemm %4, %fc {transB = true} : (tensor<1x128xf32>, tensor<10x128xf32>) -> tensor<1x10xf32>
  return %5 : tensor<1x10xf32>
}

// RUN: coreai-opt %s --split-input-file | coreai-opt | FileCheck %s
// Round trip of the neural engine's layers: the printed form parses back.

// CHECK-LABEL: func @layers
// CHECK: ane.convert %{{.*}} : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf16>
// CHECK: ane.conv {{.*}}groups = 1 : i64{{.*}}tile_channels = 4 : i64, tile_rows = 2 : i64{{.*}} -> tensor<1x4x8x8xf16>
// CHECK: ane.activation clip {{.*}}max = 6.000000e+00 : f32, min = 0.000000e+00 : f32
// CHECK: ane.pool max {{.*}} -> tensor<1x4x4x4xf16>
// CHECK: ane.elementwise add {{.*}} : (tensor<1x4x4x4xf16>, tensor<4xf16>) -> tensor<1x4x4x4xf16>
// CHECK: ane.reshape {{.*}} -> tensor<1x64xf16>
// CHECK: ane.matmul {{.*}}stream_weights{{.*}} -> tensor<1x10xf16>
// CHECK: ane.softmax
// CHECK: ane.concat {{.*}} -> tensor<2x10xf16>
func.func @layers(%x: tensor<1x3x8x8xf32>) -> tensor<2x10xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3x3x3xf16>
  %c = arith.constant dense<0.5> : tensor<4xf16>
  %m = arith.constant dense<0.25> : tensor<64x10xf16>
  %0 = ane.convert %x : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf16>
  %1 = ane.conv %0, %w, %c {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, tile_rows = 2 : i64, tile_channels = 4 : i64} : (tensor<1x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>) -> tensor<1x4x8x8xf16>
  %2 = ane.activation clip %1 {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x4x8x8xf16> -> tensor<1x4x8x8xf16>
  %3 = ane.pool max %2 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x8x8xf16> -> tensor<1x4x4x4xf16>
  %4 = ane.elementwise add %3, %c : (tensor<1x4x4x4xf16>, tensor<4xf16>) -> tensor<1x4x4x4xf16>
  %5 = ane.reshape %4 : tensor<1x4x4x4xf16> -> tensor<1x64xf16>
  %6 = ane.matmul %5, %m {stream_weights} : (tensor<1x64xf16>, tensor<64x10xf16>) -> tensor<1x10xf16>
  %7 = ane.softmax %6 : tensor<1x10xf16> -> tensor<1x10xf16>
  %8 = ane.concat %6, %7 {axis = 0 : i64} : (tensor<1x10xf16>, tensor<1x10xf16>) -> tensor<2x10xf16>
  %9 = ane.convert %8 : tensor<2x10xf16> -> tensor<2x10xf32>
  return %9 : tensor<2x10xf32>
}

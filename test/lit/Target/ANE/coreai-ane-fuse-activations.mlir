// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-ane-fuse-activations))' | FileCheck %s

// A relu after a convolution and a clip to [0, 6] after a matmul become the
// layers' fused activations (the fused layer's location lists both source
// nodes: Tools/ane-compile-run.test shows them in the trace).
// CHECK-LABEL: func @fused
// CHECK: %[[C:.*]] = ane.conv {{.*}}fused_activation = #ane<activation relu>
// CHECK-NOT: ane.activation
// CHECK: %[[M:.*]] = ane.matmul {{.*}}fused_activation = #ane<activation clip>, fused_max = 6.000000e+00 : f32, fused_min = 0.000000e+00 : f32
// CHECK-NOT: ane.activation
// CHECK: return %[[C]], %[[M]]
func.func @fused(%x: tensor<1x2x4x4xf16>, %a: tensor<2x8xf16>) -> (tensor<1x2x4x4xf16>, tensor<2x8xf16>) {
  %w = arith.constant dense<1.0> : tensor<2x2x1x1xf16>
  %m = arith.constant dense<1.0> : tensor<8x8xf16>
  %0 = ane.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf16>, tensor<2x2x1x1xf16>) -> tensor<1x2x4x4xf16>
  %1 = ane.activation relu %0 : tensor<1x2x4x4xf16> -> tensor<1x2x4x4xf16>
  %2 = ane.matmul %a, %m : (tensor<2x8xf16>, tensor<8x8xf16>) -> tensor<2x8xf16>
  %3 = ane.activation clip %2 {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x8xf16> -> tensor<2x8xf16>
  return %1, %3 : tensor<1x2x4x4xf16>, tensor<2x8xf16>
}

// -----

// Not fused: a layer result with another user (both values are needed), a
// table-driven activation (its table would see unrounded values), a clip
// whose bound is no fp16 value (clamping would not commute with rounding),
// and an activation of a pooling layer.
// CHECK-LABEL: func @kept
// CHECK-NOT: fused_activation
// CHECK-COUNT-4: ane.activation
func.func @kept(%a: tensor<2x8xf16>, %p: tensor<1x1x4x4xf16>) -> (tensor<2x8xf16>, tensor<2x8xf16>, tensor<2x8xf16>, tensor<2x8xf16>, tensor<1x1x2x2xf16>) {
  %m = arith.constant dense<1.0> : tensor<8x8xf16>
  %0 = ane.matmul %a, %m : (tensor<2x8xf16>, tensor<8x8xf16>) -> tensor<2x8xf16>
  %1 = ane.activation relu %0 : tensor<2x8xf16> -> tensor<2x8xf16>
  %2 = ane.matmul %a, %m : (tensor<2x8xf16>, tensor<8x8xf16>) -> tensor<2x8xf16>
  %3 = ane.activation sigmoid %2 {table_entries = 256 : i64} : tensor<2x8xf16> -> tensor<2x8xf16>
  %4 = ane.elementwise add %a, %a : (tensor<2x8xf16>, tensor<2x8xf16>) -> tensor<2x8xf16>
  %5 = ane.activation clip %4 {min = 0.0 : f32, max = 0.1 : f32} : tensor<2x8xf16> -> tensor<2x8xf16>
  %6 = ane.pool max %p {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x1x4x4xf16> -> tensor<1x1x2x2xf16>
  %7 = ane.activation relu %6 : tensor<1x1x2x2xf16> -> tensor<1x1x2x2xf16>
  return %0, %1, %3, %5, %7 : tensor<2x8xf16>, tensor<2x8xf16>, tensor<2x8xf16>, tensor<2x8xf16>, tensor<1x1x2x2xf16>
}

// RUN: coreai-opt %s --split-input-file | coreai-opt | FileCheck %s
// Round trip and shape inference of aigraph ops: results are inferred from
// operands and attributes, and the printed form parses back.

// CHECK-LABEL: func @conv_pool
func.func @conv_pool(%x: tensor<1x3x32x32xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x8x8xf32> {
  // CHECK: aigraph.conv {{.*}} -> tensor<1x8x16x16xf32>
  %0 = aigraph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
  // CHECK: aigraph.relu
  %1 = aigraph.relu %0 : tensor<1x8x16x16xf32>
  // CHECK: aigraph.max_pool {{.*}} -> tensor<1x8x8x8xf32>
  %2 = aigraph.max_pool %1 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x8x16x16xf32> -> tensor<1x8x8x8xf32>
  return %2 : tensor<1x8x8x8xf32>
}

// -----

// CHECK-LABEL: func @broadcast_matmul
func.func @broadcast_matmul(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>, %c: tensor<5xf32>) -> tensor<2x3x4x5xf32> {
  // CHECK: aigraph.matmul {{.*}} -> tensor<2x3x4x5xf32>
  %0 = aigraph.matmul %a, %b : tensor<2x1x4x8xf32>, tensor<3x8x5xf32> -> tensor<2x3x4x5xf32>
  // CHECK: aigraph.add {{.*}} -> tensor<2x3x4x5xf32>
  %1 = aigraph.add %0, %c : tensor<2x3x4x5xf32>, tensor<5xf32> -> tensor<2x3x4x5xf32>
  return %1 : tensor<2x3x4x5xf32>
}

// -----

// CHECK-LABEL: func @shape_ops
func.func @shape_ops(%x: tensor<2x3x4xf32>, %i: tensor<5xi64>) -> tensor<4x5x3xf32> {
  // CHECK: aigraph.transpose {{.*}} -> tensor<4x2x3xf32>
  %0 = aigraph.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // CHECK: aigraph.gather {{.*}} -> tensor<4x5x3xf32>
  %1 = aigraph.gather %0, %i {axis = 1 : i64} : (tensor<4x2x3xf32>, tensor<5xi64>) -> tensor<4x5x3xf32>
  return %1 : tensor<4x5x3xf32>
}

// -----

// CHECK-LABEL: func @slice_concat
func.func @slice_concat(%x: tensor<4x6xf32>) -> tensor<4x5xf32> {
  // CHECK: aigraph.slice {{.*}} -> tensor<4x2xf32>
  %0 = aigraph.slice %x {starts = array<i64: 0, 1>, ends = array<i64: 4, 6>, steps = array<i64: 1, 3>} : tensor<4x6xf32> -> tensor<4x2xf32>
  // CHECK: aigraph.concat {{.*}} -> tensor<4x6xf32>
  %1 = aigraph.concat %0, %0, %0 {axis = 1 : i64} : (tensor<4x2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x6xf32>
  %2 = aigraph.slice %1 {starts = array<i64: 0, 0>, ends = array<i64: 4, 5>, steps = array<i64: 1, 1>} : tensor<4x6xf32> -> tensor<4x5xf32>
  return %2 : tensor<4x5xf32>
}

// -----

// A scatter's reduction is an enum attribute; the default, none, is elided.
// CHECK-LABEL: func @scatter_reductions
func.func @scatter_reductions(%d: tensor<4x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>, %r: tensor<2x1xi64>) -> tensor<4x3xf32> {
  // CHECK: aigraph.scatter_elements {{.*}} {axis = 0 : i64, reduction = #aigraph.scatter_reduction<max>} :
  %0 = aigraph.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = #aigraph.scatter_reduction<max>} : (tensor<4x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  // CHECK: aigraph.scatter_nd {{.*}} {reduction = #aigraph.scatter_reduction<add>} :
  %1 = aigraph.scatter_nd %0, %r, %u {reduction = #aigraph.scatter_reduction<add>} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  // CHECK: aigraph.scatter_nd %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} : (
  %2 = aigraph.scatter_nd %1, %r, %u {reduction = #aigraph.scatter_reduction<none>} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %2 : tensor<4x3xf32>
}

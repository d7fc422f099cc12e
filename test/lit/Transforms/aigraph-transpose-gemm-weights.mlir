// RUN: coreai-opt %s --split-input-file --aigraph-transpose-gemm-weights | FileCheck %s

// Weights read transposed are stored transposed: [[1, 2, 3], [4, 5, 6]]
// (N = 2, K = 3) becomes [[1, 4], [2, 5], [3, 6]], and transB goes.
// CHECK-LABEL: func.func @fully_connected(
// CHECK: %[[W:.*]] = aigraph.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: aigraph.gemm %{{.*}}, %[[W]] :
// CHECK-NOT: transB
func.func @fully_connected(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = aigraph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = aigraph.gemm %x, %w {transB = true} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

// One weight shared by two layers that both read it transposed: one
// transposed constant serves both.
// CHECK-LABEL: func.func @shared(
// CHECK: %[[W:.*]] = aigraph.constant {{.*}} : tensor<3x2xf32>
// CHECK-NOT: aigraph.constant
// CHECK: aigraph.gemm %{{.*}}, %[[W]] :
// CHECK: aigraph.gemm %{{.*}}, %[[W]] :
func.func @shared(%x: tensor<4x3xf32>, %y: tensor<4x3xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %w = aigraph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = aigraph.gemm %x, %w {transB = true} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  %1 = aigraph.gemm %y, %w {transB = true} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  return %0, %1 : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// A weight also used otherwise keeps its one layout.
// CHECK-LABEL: func.func @other_use(
// CHECK: aigraph.gemm {{.*}} {transB = true}
func.func @other_use(%x: tensor<4x3xf32>) -> (tensor<4x2xf32>, tensor<2x3xf32>) {
  %w = aigraph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = aigraph.gemm %x, %w {transB = true} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  return %0, %w : tensor<4x2xf32>, tensor<2x3xf32>
}

// -----

// Batch 1: a dot product per output reads W's rows as stored.
// CHECK-LABEL: func.func @batch_one(
// CHECK: aigraph.gemm {{.*}} {transB = true}
func.func @batch_one(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = aigraph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = aigraph.gemm %x, %w {transB = true} : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Batch 1 as one of several shape variants: the variants share one layout of
// their weights, the one the other batches read.
// CHECK-LABEL: func.func @batch_one_variant(
// CHECK: %[[W:.*]] = aigraph.constant {{.*}} : tensor<3x2xf32>
// CHECK: aigraph.gemm %{{.*}}, %[[W]] :
// CHECK-NOT: transB
func.func @batch_one_variant(%x: tensor<1x3xf32>) -> tensor<1x2xf32> attributes {coreai.shape_group = "batch_one_variant"} {
  %w = aigraph.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %0 = aigraph.gemm %x, %w {transB = true} : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// A MatMul with one row (a decoder's token step) by constant [K, N]
// weights: a Gemm at batch 1 over the stored transpose, reshaped to and
// from one row.
// CHECK-LABEL: func.func @one_row_matmul(
// CHECK-SAME: %[[X:.*]]: tensor<1x1x3xf32>
// CHECK: %[[W:.*]] = aigraph.constant dense<{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK: %[[A:.*]] = aigraph.reshape %[[X]] {shape = array<i64: 1, 3>} : tensor<1x1x3xf32> -> tensor<1x3xf32>
// CHECK: %[[G:.*]] = aigraph.gemm %[[A]], %[[W]] {transB = true} : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
// CHECK: %[[Y:.*]] = aigraph.reshape %[[G]] {shape = array<i64: 1, 1, 2>} : tensor<1x2xf32> -> tensor<1x1x2xf32>
// CHECK: return %[[Y]]
func.func @one_row_matmul(%x: tensor<1x1x3xf32>) -> tensor<1x1x2xf32> {
  %w = aigraph.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %0 = aigraph.matmul %x, %w : tensor<1x1x3xf32>, tensor<3x2xf32> -> tensor<1x1x2xf32>
  return %0 : tensor<1x1x2xf32>
}

// -----

// Already one row of rank 2: no reshapes.
// CHECK-LABEL: func.func @one_row_matmul_2d(
// CHECK-NOT: aigraph.reshape
// CHECK: aigraph.gemm {{.*}} {transB = true} : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
// CHECK-NOT: aigraph.matmul
func.func @one_row_matmul_2d(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = aigraph.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %0 = aigraph.matmul %x, %w : tensor<1x3xf32>, tensor<3x2xf32> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Several rows read W's columns as stored (the vector kernels' layout); a
// weight one-row and many-row MatMuls share keeps it too.
// CHECK-LABEL: func.func @many_rows_matmul(
// CHECK-NOT: aigraph.gemm
// CHECK: aigraph.matmul
// CHECK: aigraph.matmul
func.func @many_rows_matmul(%x: tensor<4x3xf32>, %y: tensor<1x3xf32>) -> (tensor<4x2xf32>, tensor<1x2xf32>) {
  %w = aigraph.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %0 = aigraph.matmul %x, %w : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  %1 = aigraph.matmul %y, %w : tensor<1x3xf32>, tensor<3x2xf32> -> tensor<1x2xf32>
  return %0, %1 : tensor<4x2xf32>, tensor<1x2xf32>
}

// -----

// Shape variants share their weights' layout: a one-row MatMul in a shape
// group keeps W as stored.
// CHECK-LABEL: func.func @one_row_in_shape_group(
// CHECK: aigraph.matmul
func.func @one_row_in_shape_group(%x: tensor<1x3xf32>) -> tensor<1x2xf32> attributes {coreai.shape_group = "g"} {
  %w = aigraph.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %0 = aigraph.matmul %x, %w : tensor<1x3xf32>, tensor<3x2xf32> -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// A vector left operand ([K] x [K, N] -> [N]) is one row too.
// CHECK-LABEL: func.func @vector_times_matrix(
// CHECK: %[[A:.*]] = aigraph.reshape %{{.*}} {shape = array<i64: 1, 3>} : tensor<3xf16> -> tensor<1x3xf16>
// CHECK: %[[G:.*]] = aigraph.gemm %[[A]], %{{.*}} {transB = true} : (tensor<1x3xf16>, tensor<2x3xf16>) -> tensor<1x2xf16>
// CHECK: aigraph.reshape %[[G]] {shape = array<i64: 2>} : tensor<1x2xf16> -> tensor<2xf16>
func.func @vector_times_matrix(%x: tensor<3xf16>) -> tensor<2xf16> {
  %w = aigraph.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf16>
  %0 = aigraph.matmul %x, %w : tensor<3xf16>, tensor<3x2xf16> -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

// A weight that is also a left operand keeps its layout.
// CHECK-LABEL: func.func @weight_also_lhs(
// CHECK-NOT: aigraph.gemm
func.func @weight_also_lhs(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<2x2xf32>) {
  %w = aigraph.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %0 = aigraph.matmul %x, %w : tensor<1x2xf32>, tensor<2x2xf32> -> tensor<1x2xf32>
  %1 = aigraph.matmul %w, %w : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  return %0, %1 : tensor<1x2xf32>, tensor<2x2xf32>
}

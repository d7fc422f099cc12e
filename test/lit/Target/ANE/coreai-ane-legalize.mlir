// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-ane-legalize))' | FileCheck %s

// A convolution whose weights are hoisted constants (segment arguments
// marked coreai.constant): they become fp16 constants rounded to nearest
// even (0.1 -> 0.0999755859), the input is converted once at the boundary,
// and the result converted back.
// CHECK-LABEL: func @conv_relu
// CHECK-DAG: %[[W:.*]] = arith.constant dense<9.997550e-02> : tensor<4x3x3x3xf16>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<-1.000000e+00> : tensor<4xf16>
// CHECK-DAG: %[[X:.*]] = ane.convert %arg0 : tensor<1x3x8x8xf32> -> tensor<1x3x8x8xf16>
// CHECK: %[[C:.*]] = ane.conv %[[X]], %[[W]], %[[B]] {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK: %[[R:.*]] = ane.activation relu %[[C]]
// CHECK: %[[Y:.*]] = ane.convert %[[R]] : tensor<1x4x8x8xf16> -> tensor<1x4x8x8xf32>
// CHECK: return %[[Y]]
func.func @conv_relu(%x: tensor<1x3x8x8xf32>,
                     %w: tensor<4x3x3x3xf32> {coreai.constant = dense<0.1> : tensor<4x3x3x3xf32>},
                     %b: tensor<4xf32> {coreai.constant = dense<-1.0> : tensor<4xf32>}) -> tensor<1x4x8x8xf32> {
  %0 = aigraph.conv %x, %w, %b {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = aigraph.relu %0 : tensor<1x4x8x8xf32>
  return %1 : tensor<1x4x8x8xf32>
}

// -----

// Gemm: B^T becomes the engine's [K, N] weights scaled by alpha, C the bias
// scaled by beta.
// CHECK-LABEL: func @gemm
// CHECK-DAG: arith.constant dense<{{\[}}[2.000000e+00, 4.000000e+00], [0.000000e+00, 2.000000e+00], [-2.000000e+00, 0.000000e+00]]> : tensor<3x2xf16>
// CHECK-DAG: arith.constant dense<[1.500000e+00, -3.000000e+00]> : tensor<2xf16>
// CHECK: ane.matmul {{.*}} : (tensor<1x3xf16>, tensor<3x2xf16>, tensor<2xf16>) -> tensor<1x2xf16>
func.func @gemm(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = aigraph.constant dense<[[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]> : tensor<2x3xf32>
  %b = aigraph.constant dense<[0.5, -1.0]> : tensor<2xf32>
  %0 = aigraph.gemm %x, %w, %b {alpha = 2.0 : f64, beta = 3.0 : f64, transB = true} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// A batched left operand is one [M, K] matmul between reshapes.
// CHECK-LABEL: func @matmul_rows
// CHECK: %[[A:.*]] = ane.reshape %{{.*}} : tensor<2x3x4xf16> -> tensor<6x4xf16>
// CHECK: %[[M:.*]] = ane.matmul %[[A]], %{{.*}} : (tensor<6x4xf16>, tensor<4x5xf16>) -> tensor<6x5xf16>
// CHECK: ane.reshape %[[M]] : tensor<6x5xf16> -> tensor<2x3x5xf16>
func.func @matmul_rows(%x: tensor<2x3x4xf32>) -> tensor<2x3x5xf32> {
  %w = aigraph.constant dense<1.0> : tensor<4x5xf32>
  %0 = aigraph.matmul %x, %w : tensor<2x3x4xf32>, tensor<4x5xf32> -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// Per-channel operands: a [C, 1, 1] tensor is reshaped to [C]; a scalar
// constant is expanded to one value per channel; the operands of a
// commutative op are swapped so the broadcast one is on the right.
// CHECK-LABEL: func @per_channel
// CHECK-DAG: %[[TWO:.*]] = arith.constant dense<2.000000e+00> : tensor<4xf16>
// CHECK: %[[S:.*]] = ane.reshape %{{.*}} : tensor<4x1x1xf16> -> tensor<4xf16>
// CHECK: %[[A:.*]] = ane.elementwise add %{{.*}}, %[[S]] : (tensor<1x4x2x2xf16>, tensor<4xf16>)
// CHECK: ane.elementwise mul %[[A]], %[[TWO]] : (tensor<1x4x2x2xf16>, tensor<4xf16>)
func.func @per_channel(%x: tensor<1x4x2x2xf32>, %s: tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32> {
  %two = aigraph.constant dense<2.0> : tensor<f32>
  %0 = aigraph.add %x, %s : tensor<1x4x2x2xf32>, tensor<4x1x1xf32> -> tensor<1x4x2x2xf32>
  %1 = aigraph.mul %two, %0 : tensor<f32>, tensor<1x4x2x2xf32> -> tensor<1x4x2x2xf32>
  return %1 : tensor<1x4x2x2xf32>
}

// -----

// Clip bounds become attributes; ceil_mode pooling reads one more row and
// column of end padding; global average pooling is a whole-plane window.
// CHECK-LABEL: func @clip_pools
// CHECK: ane.activation clip {{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
// CHECK: ane.pool max {{.*}} {kernel = array<i64: 3, 3>, pads = array<i64: 0, 0, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x2x6x6xf16> -> tensor<1x2x3x3xf16>
// CHECK: ane.pool avg {{.*}} {kernel = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : tensor<1x2x3x3xf16> -> tensor<1x2x1x1xf16>
func.func @clip_pools(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x1x1xf32> {
  %lo = aigraph.constant dense<0.0> : tensor<f32>
  %hi = aigraph.constant dense<6.0> : tensor<f32>
  %0 = aigraph.clip %x min %lo max %hi : (tensor<1x2x6x6xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2x6x6xf32>
  %1 = aigraph.max_pool %0 {ceil_mode = true, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  %2 = aigraph.global_average_pool %1 : tensor<1x2x3x3xf32> -> tensor<1x2x1x1xf32>
  return %2 : tensor<1x2x1x1xf32>
}

// -----

// Concatenation, flatten and softmax; the table of a table-driven
// activation has the engine's entries.
// CHECK-LABEL: func @concat_softmax
// CHECK: %[[C:.*]] = ane.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<1x2x2x2xf16>, tensor<1x2x2x2xf16>) -> tensor<1x4x2x2xf16>
// CHECK: %[[F:.*]] = ane.reshape %[[C]] : tensor<1x4x2x2xf16> -> tensor<1x16xf16>
// CHECK: %[[S:.*]] = ane.activation sigmoid %[[F]] {table_entries = 1024 : i64}
// CHECK: ane.softmax %[[S]]
func.func @concat_softmax(%a: tensor<1x2x2x2xf32>, %b: tensor<1x2x2x2xf32>) -> tensor<1x16xf32> {
  %0 = aigraph.concat %a, %b {axis = 1 : i64} : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x4x2x2xf32>
  %1 = aigraph.flatten %0 {axis = 1 : i64} : tensor<1x4x2x2xf32> -> tensor<1x16xf32>
  %2 = aigraph.sigmoid %1 : tensor<1x16xf32>
  %3 = aigraph.softmax %2 {axis = 1 : i64} : tensor<1x16xf32>
  return %3 : tensor<1x16xf32>
}

// -----

// The transformer's layers: division by a constant is a product with its
// reciprocal (1 / 8 = 0.125), erf a table, layer normalization over the
// last axis with fp16 scale and bias, transposes and slices DMA copies, and
// a product of two engine tensors a batched matmul.
// CHECK-LABEL: func @transformer
// CHECK-DAG: %[[EIGHTH:.*]] = arith.constant dense<1.250000e-01> : tensor<16xf16>
// CHECK-DAG: %[[G:.*]] = arith.constant dense<2.000000e+00> : tensor<16xf16>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<5.000000e-01> : tensor<16xf16>
// CHECK: %[[D:.*]] = ane.elementwise mul %{{.*}}, %[[EIGHTH]] : (tensor<2x4x16xf16>, tensor<16xf16>)
// CHECK: %[[E:.*]] = ane.activation erf %[[D]] {table_entries = 1024 : i64}
// CHECK: %[[N:.*]] = ane.layer_norm %[[E]], %[[G]], %[[B]] {epsilon = 9.99999974E-6 : f32}
// CHECK: %[[S:.*]] = ane.slice %[[N]] {starts = array<i64: 0, 0, 8>} : tensor<2x4x16xf16> -> tensor<2x4x8xf16>
// CHECK: %[[T:.*]] = ane.transpose %[[S]] {perm = array<i64: 0, 2, 1>} : tensor<2x4x8xf16> -> tensor<2x8x4xf16>
// CHECK: ane.batch_matmul %[[S]], %[[T]] : (tensor<2x4x8xf16>, tensor<2x8x4xf16>) -> tensor<2x4x4xf16>
func.func @transformer(%x: tensor<2x4x16xf32>) -> tensor<2x4x4xf32> {
  %eight = aigraph.constant dense<8.0> : tensor<f32>
  %g = aigraph.constant dense<2.0> : tensor<16xf32>
  %b = aigraph.constant dense<0.5> : tensor<16xf32>
  %0 = aigraph.div %x, %eight : tensor<2x4x16xf32>, tensor<f32> -> tensor<2x4x16xf32>
  %1 = aigraph.erf %0 : tensor<2x4x16xf32>
  %2 = aigraph.layer_norm %1, %g, %b {axis = 2 : i64, epsilon = 1.0E-5 : f64} : (tensor<2x4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x4x16xf32>
  %3 = aigraph.slice %2 {starts = array<i64: 0, 0, 8>, ends = array<i64: 2, 4, 16>, steps = array<i64: 1, 1, 1>} : tensor<2x4x16xf32> -> tensor<2x4x8xf32>
  %4 = aigraph.transpose %3 {perm = array<i64: 0, 2, 1>} : tensor<2x4x8xf32> -> tensor<2x8x4xf32>
  %5 = aigraph.matmul %3, %4 : tensor<2x4x8xf32>, tensor<2x8x4xf32> -> tensor<2x4x4xf32>
  return %5 : tensor<2x4x4xf32>
}

// -----

// A clip with one bound does not clamp on the other side: infinity is an
// fp16 value.
// CHECK-LABEL: func @clip_min_only
// CHECK: ane.activation clip {{.*}} {max = 0x7F800000 : f32, min = 0.000000e+00 : f32}
func.func @clip_min_only(%x: tensor<4xf32>) -> tensor<4xf32> {
  %lo = aigraph.constant dense<0.0> : tensor<f32>
  %0 = aigraph.clip %x min %lo : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// RUN: coreai-opt %s --split-input-file --aigraph-block-convolution-weights | FileCheck %s

// A 1x1 convolution over a 7x7 image with 32 output channels: its weights
// W[f, c] = 2 f + c are stored as Wb[f / 16, c, 0, 0, f % 16], so the first
// block's channel 0 holds W[0..15, 0] = 0, 2, ..., 30, and the convolution
// reads them back through a transpose and reshape marked as weight layout.
// CHECK-LABEL: func.func @pointwise_7x7(
// CHECK: %[[WB:.*]] = aigraph.constant dense<{{\[\[\[\[\[}}0.000000e+00, 2.000000e+00, 4.000000e+00, {{.*}}, 3.000000e+01]]], {{\[\[\[}}1.000000e+00, 3.000000e+00, {{.*}} : tensor<2x2x1x1x16xf32>
// CHECK: %[[T:.*]] = aigraph.transpose %[[WB]] {coreai.weight_layout, perm = array<i64: 0, 4, 1, 2, 3>} : tensor<2x2x1x1x16xf32> -> tensor<2x16x2x1x1xf32>
// CHECK: %[[W:.*]] = aigraph.reshape %[[T]] {coreai.weight_layout, shape = array<i64: 32, 2, 1, 1>} : tensor<2x16x2x1x1xf32> -> tensor<32x2x1x1xf32>
// CHECK: aigraph.conv %{{.*}}, %[[W]]
func.func @pointwise_7x7(%x: tensor<1x2x7x7xf32>) -> tensor<1x32x7x7xf32> {
  %w = aigraph.constant dense<[[[[0.0]], [[1.0]]], [[[2.0]], [[3.0]]], [[[4.0]], [[5.0]]], [[[6.0]], [[7.0]]], [[[8.0]], [[9.0]]], [[[10.0]], [[11.0]]], [[[12.0]], [[13.0]]], [[[14.0]], [[15.0]]], [[[16.0]], [[17.0]]], [[[18.0]], [[19.0]]], [[[20.0]], [[21.0]]], [[[22.0]], [[23.0]]], [[[24.0]], [[25.0]]], [[[26.0]], [[27.0]]], [[[28.0]], [[29.0]]], [[[30.0]], [[31.0]]], [[[32.0]], [[33.0]]], [[[34.0]], [[35.0]]], [[[36.0]], [[37.0]]], [[[38.0]], [[39.0]]], [[[40.0]], [[41.0]]], [[[42.0]], [[43.0]]], [[[44.0]], [[45.0]]], [[[46.0]], [[47.0]]], [[[48.0]], [[49.0]]], [[[50.0]], [[51.0]]], [[[52.0]], [[53.0]]], [[[54.0]], [[55.0]]], [[[56.0]], [[57.0]]], [[[58.0]], [[59.0]]], [[[60.0]], [[61.0]]], [[[62.0]], [[63.0]]]]> : tensor<32x2x1x1xf32>
  %0 = aigraph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x7x7xf32>, tensor<32x2x1x1xf32>) -> tensor<1x32x7x7xf32>
  return %0 : tensor<1x32x7x7xf32>
}

// -----

// A 3x3 convolution over a 14x14 image (a ResNet's third stage), strided
// or not, and one weight that two such convolutions share: one blocked
// constant for both.
// CHECK-LABEL: func.func @window_14x14_shared(
// CHECK: %[[WB:.*]] = aigraph.constant dense<1.000000e+00> : tensor<2x8x3x3x16xf32>
// CHECK-NOT: aigraph.constant
// CHECK: %[[T:.*]] = aigraph.transpose %[[WB]]
// CHECK: %[[W:.*]] = aigraph.reshape %[[T]]
// CHECK: aigraph.conv %{{.*}}, %[[W]]
// CHECK: aigraph.conv %{{.*}}, %[[W]]
func.func @window_14x14_shared(%x: tensor<1x8x14x14xf32>, %y: tensor<1x8x28x28xf32>) -> (tensor<1x32x14x14xf32>, tensor<1x32x14x14xf32>) {
  %w = aigraph.constant dense<1.0> : tensor<32x8x3x3xf32>
  %0 = aigraph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x8x14x14xf32>, tensor<32x8x3x3xf32>) -> tensor<1x32x14x14xf32>
  %1 = aigraph.conv %y, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x8x28x28xf32>, tensor<32x8x3x3xf32>) -> tensor<1x32x14x14xf32>
  return %0, %1 : tensor<1x32x14x14xf32>, tensor<1x32x14x14xf32>
}

// -----

// Kept as stored: a 1x1 convolution over 14x14 (the matmul over the
// flattened image runs it better), a 3x3 one over 28x28 (its rows fill
// the lanes), output channels that are not a multiple of 16, a grouped
// convolution, and a weight that something else also reads.
// CHECK-LABEL: func.func @kept(
// CHECK-NOT: aigraph.transpose
// CHECK-NOT: aigraph.reshape
// CHECK: return
func.func @kept(%x: tensor<1x16x14x14xf32>, %y: tensor<1x16x28x28xf32>, %z: tensor<1x16x7x7xf32>) -> (tensor<1x32x14x14xf32>, tensor<1x32x28x28xf32>, tensor<1x24x7x7xf32>, tensor<1x32x7x7xf32>, tensor<1x32x7x7xf32>, tensor<32x16x3x3xf32>) {
  %w1 = aigraph.constant dense<1.0> : tensor<32x16x1x1xf32>
  %0 = aigraph.conv %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x16x14x14xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x14x14xf32>
  %w2 = aigraph.constant dense<2.0> : tensor<32x16x3x3xf32>
  %1 = aigraph.conv %y, %w2 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x16x28x28xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x28x28xf32>
  %w3 = aigraph.constant dense<3.0> : tensor<24x16x3x3xf32>
  %2 = aigraph.conv %z, %w3 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x16x7x7xf32>, tensor<24x16x3x3xf32>) -> tensor<1x24x7x7xf32>
  %w4 = aigraph.constant dense<4.0> : tensor<32x8x3x3xf32>
  %3 = aigraph.conv %z, %w4 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x16x7x7xf32>, tensor<32x8x3x3xf32>) -> tensor<1x32x7x7xf32>
  %w5 = aigraph.constant dense<5.0> : tensor<32x16x3x3xf32>
  %4 = aigraph.conv %z, %w5 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x16x7x7xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x7x7xf32>
  %5 = aigraph.relu %w5 : tensor<32x16x3x3xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<1x32x14x14xf32>, tensor<1x32x28x28xf32>, tensor<1x24x7x7xf32>, tensor<1x32x7x7xf32>, tensor<1x32x7x7xf32>, tensor<32x16x3x3xf32>
}

// -----

// The shape variants of one model share their weights, whose layout must
// not depend on their images' sizes.
// CHECK-LABEL: func.func @shape_group(
// CHECK-NOT: aigraph.transpose
// CHECK: return
func.func @shape_group(%x: tensor<1x16x7x7xf32>) -> tensor<1x32x7x7xf32> attributes {coreai.shape_group = "shape_group"} {
  %w = aigraph.constant dense<1.0> : tensor<32x16x3x3xf32>
  %0 = aigraph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x16x7x7xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x7x7xf32>
  return %0 : tensor<1x32x7x7xf32>
}

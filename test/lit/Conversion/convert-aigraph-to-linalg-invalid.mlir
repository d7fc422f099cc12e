// RUN: coreai-opt %s --split-input-file --convert-aigraph-to-linalg --verify-diagnostics

func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{cannot lower 'aigraph.relu' for this unit}}
  %0 = aigraph.relu %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Grouped 3-D convolution has no lowering yet.
func.func @conv3d_grouped(%x: tensor<1x2x4x4x4xf32>, %w: tensor<2x1x2x2x2xf32>) -> tensor<1x2x3x3x3xf32> {
  // expected-error @+1 {{cannot lower 'aigraph.conv' for this unit}}
  %0 = aigraph.conv %x, %w {strides = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 1, 1, 1>, group = 2 : i64} : (tensor<1x2x4x4x4xf32>, tensor<2x1x2x2x2xf32>) -> tensor<1x2x3x3x3xf32>
  return %0 : tensor<1x2x3x3x3xf32>
}

// -----

// Arithmetic on float8 is not defined: only Cast and data movement are.
func.func @float8_add(%x: tensor<4xf8E4M3FN>) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{cannot lower 'aigraph.add' for this unit}}
  %0 = aigraph.add %x, %x : tensor<4xf8E4M3FN>, tensor<4xf8E4M3FN> -> tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

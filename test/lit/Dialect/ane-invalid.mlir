// RUN: coreai-opt %s --split-input-file --verify-diagnostics
// Each neural-engine layer states the constraint it checks.

func.func @convert_same(%x: tensor<4xf16>) {
  // expected-error @+1 {{converts between f32 and f16, not to the same type}}
  %0 = ane.convert %x : tensor<4xf16> -> tensor<4xf16>
  return
}

// -----

func.func @conv_groups(%x: tensor<1x4x8x8xf16>, %w: tensor<8x3x3x3xf16>) {
  // expected-error @+1 {{weight [F, C / groups, KH, KW] does not match 4 input channels in 1 groups}}
  %0 = ane.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf16>, tensor<8x3x3x3xf16>) -> tensor<1x8x6x6xf16>
  return
}

// -----

func.func @conv_output(%x: tensor<1x3x8x8xf16>, %w: tensor<8x3x3x3xf16>) {
  // expected-error @+1 {{output spatial dim 0 is 8, expected 6}}
  %0 = ane.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf16>, tensor<8x3x3x3xf16>) -> tensor<1x8x8x8xf16>
  return
}

// -----

func.func @tile_too_large(%x: tensor<1x3x8x8xf16>, %w: tensor<8x3x3x3xf16>) {
  // expected-error @+1 {{tile_rows 7 is not within [1, 6]}}
  %0 = ane.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, tile_rows = 7 : i64} : (tensor<1x3x8x8xf16>, tensor<8x3x3x3xf16>) -> tensor<1x8x6x6xf16>
  return
}

// -----

func.func @matmul_k(%a: tensor<2x3xf16>, %b: tensor<4x5xf16>) {
  // expected-error @+1 {{input [M, K] and weight [K, N] disagree on K}}
  %0 = ane.matmul %a, %b : (tensor<2x3xf16>, tensor<4x5xf16>) -> tensor<2x5xf16>
  return
}

// -----

func.func @elementwise_kind(%a: tensor<4xf16>) {
  // expected-error @+2 {{to be one of: add, sub, mul}}
  // expected-error @+1 {{failed to parse ANE_ElementwiseKindAttr}}
  %0 = ane.elementwise div %a, %a : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return
}

// -----

func.func @fused_table_activation(%a: tensor<2x4xf16>, %b: tensor<4x5xf16>) {
  // expected-error @+1 {{fused_activation must be relu or clip, not sigmoid}}
  %0 = ane.matmul %a, %b {fused_activation = #ane<activation sigmoid>} : (tensor<2x4xf16>, tensor<4x5xf16>) -> tensor<2x5xf16>
  return
}

// -----

func.func @fused_clip_bounds(%a: tensor<2x4xf16>, %b: tensor<4x5xf16>) {
  // expected-error @+1 {{a fused clip needs fused_min and fused_max}}
  %0 = ane.matmul %a, %b {fused_activation = #ane<activation clip>} : (tensor<2x4xf16>, tensor<4x5xf16>) -> tensor<2x5xf16>
  return
}

// -----

func.func @elementwise_broadcast(%a: tensor<1x4x2x2xf16>, %b: tensor<2xf16>) {
  // expected-error @+1 {{rhs must have lhs's shape or be one value per channel}}
  %0 = ane.elementwise add %a, %b : (tensor<1x4x2x2xf16>, tensor<2xf16>) -> tensor<1x4x2x2xf16>
  return
}

// -----

func.func @clip_bounds(%a: tensor<4xf16>) {
  // expected-error @+1 {{clip needs min and max}}
  %0 = ane.activation clip %a {min = 0.0 : f32} : tensor<4xf16> -> tensor<4xf16>
  return
}

// -----

func.func @table(%a: tensor<4xf16>) {
  // expected-error @+1 {{a table-driven activation needs table_entries >= 2}}
  %0 = ane.activation sigmoid %a : tensor<4xf16> -> tensor<4xf16>
  return
}

// -----

func.func @pool_output(%a: tensor<1x4x8x8xf16>) {
  // expected-error @+1 {{output spatial dim 1 is 3, expected 4}}
  %0 = ane.pool avg %a {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x8x8xf16> -> tensor<1x4x4x3xf16>
  return
}

// -----

func.func @concat_sum(%a: tensor<1x4xf16>) {
  // expected-error @+1 {{inputs sum to 8 along the axis, the output has 9}}
  %0 = ane.concat %a, %a {axis = 1 : i64} : (tensor<1x4xf16>, tensor<1x4xf16>) -> tensor<1x9xf16>
  return
}

// -----

func.func @reshape_count(%a: tensor<2x4xf16>) {
  // expected-error @+1 {{input and output element counts differ}}
  %0 = ane.reshape %a : tensor<2x4xf16> -> tensor<9xf16>
  return
}

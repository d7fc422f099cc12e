// RUN: coreai-opt %s --split-input-file --verify-diagnostics
// Each op states the constraint it checks.

func.func @conv_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error @+2 {{input channels 4 != weight channels 3 x group 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = aigraph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{operand shapes [2,3] and [4] are not broadcastable}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = aigraph.add %a, %b : tensor<2x3xf32>, tensor<4xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @wrong_result(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "aigraph.transpose"(%a) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @bad_perm(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{perm [1,1] is not a permutation}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = aigraph.transpose %a {perm = array<i64: 1, 1>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @reshape_count(%a: tensor<2x3xf32>) {
  // expected-error @+2 {{cannot reshape [2,3] (6 elements) to [4,2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = aigraph.reshape %a {shape = array<i64: 4, 2>} : tensor<2x3xf32> -> tensor<4x2xf32>
  return
}

// -----

func.func @gemm_inner(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{inner dims differ: op(A) is 2x3, op(B) is 4x5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = aigraph.gemm %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @clip_bound(%a: tensor<2xf32>, %b: tensor<2xf32>) {
  // expected-error @+2 {{min and max must be scalars of type 'f32', got 'tensor<2xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = aigraph.clip %a min %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @softmax_axis(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = aigraph.softmax %a {axis = 2 : i64} : tensor<2x3xf32>
  return
}

// -----

func.func @scatter_reduction(%d: tensor<4xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) {
  // expected-error @+2 {{expected ::coreai::aigraph::ScatterReduction to be one of: none, add, mul, max, min}}
  // expected-error @+1 {{failed to parse AIGraph_ScatterReductionAttr parameter 'value'}}
  %0 = aigraph.scatter_elements %d, %i, %u {axis = 0 : i64, reduction = #aigraph.scatter_reduction<sum>} : (tensor<4xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @scatter_reduction_string(%d: tensor<4xf32>, %i: tensor<2x1xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{attribute 'reduction' failed to satisfy constraint: scatter reduction}}
  %0 = aigraph.scatter_nd %d, %i, %u {reduction = "add"} : (tensor<4xf32>, tensor<2x1xi64>, tensor<2xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @scatter_nd_updates(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) {
  // expected-error @+2 {{updates 'tensor<2x3xf32>' must have the shape [2, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = aigraph.scatter_nd %d, %i, %u : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x4xf32>
  return
}

// -----

func.func @gather_nd_rows(%d: tensor<2x3xf32>, %i: tensor<4x3xi64>) {
  // expected-error @+2 {{index rows of length 3 do not fit data of rank 2 after 0 batch dims}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = aigraph.gather_nd %d, %i : (tensor<2x3xf32>, tensor<4x3xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @top_k_too_many(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{k = 5 must be in [0, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %v, %i = aigraph.top_k %x {axis = 1 : i64, k = 5 : i64} : tensor<3x4xf32> -> tensor<3x5xf32>, tensor<3x5xi64>
  return
}

// -----

func.func @scatter_elements_indices(%d: tensor<2x3xf32>, %i: tensor<3x1xi64>, %u: tensor<3x1xf32>) {
  // expected-error @+2 {{indices 'tensor<3x1xi64>' exceed data 'tensor<2x3xf32>' in dim 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = aigraph.scatter_elements %d, %i, %u {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x1xi64>, tensor<3x1xf32>) -> tensor<2x3xf32>
  return
}

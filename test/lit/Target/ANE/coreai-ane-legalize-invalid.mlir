// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-ane-legalize{arch=ane-8c-2mb}))' --verify-diagnostics
// What engine ane-8c-2mb cannot take is an error that says why; placement
// asks the same question, so it never sends such an op to the engine.

func.func @kernel(%x: tensor<1x1x16x16xf32>) -> tensor<1x1x8x8xf32> {
  %w = aigraph.constant dense<1.0> : tensor<1x1x9x9xf32>
  // expected-error @+1 {{cannot run on the neural engine: kernel 9x9 exceeds 7x7}}
  %0 = aigraph.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x16x16xf32>, tensor<1x1x9x9xf32>) -> tensor<1x1x8x8xf32>
  return %0 : tensor<1x1x8x8xf32>
}

// -----

func.func @stride(%x: tensor<1x1x16x16xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{cannot run on the neural engine: stride 4 exceeds 2}}
  %0 = aigraph.max_pool %x {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 4, 4>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 4, 4>} : tensor<1x1x16x16xf32> -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @int64(%x: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{cannot run on the neural engine: int64 tensor}}
  %0 = aigraph.add %x, %x : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{cannot run on the neural engine: dynamic shape}}
  %0 = aigraph.relu %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @not_listed(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{cannot run on the neural engine: engine ane-8c-2mb has no softmax layer}}
  %0 = aigraph.softmax %x {axis = 1 : i64} : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @activations(%x: tensor<2x8xf32>, %w: tensor<8x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{cannot run on the neural engine: engine ane-8c-2mb has no batch_matmul layer}}
  %0 = aigraph.matmul %x, %w : tensor<2x8xf32>, tensor<8x8xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @batch_dims(%x: tensor<2x3x8xf32>, %w: tensor<8x4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{cannot run on the neural engine: a product of two tensors whose batch dims differ}}
  %0 = aigraph.matmul %x, %w : tensor<2x3x8xf32>, tensor<8x4xf32> -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @divisor(%x: tensor<2x8xf32>, %y: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{cannot run on the neural engine: a divisor that is not a constant}}
  %0 = aigraph.div %x, %y : tensor<2x8xf32>, tensor<2x8xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @strided(%x: tensor<8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{cannot run on the neural engine: a strided or reversed slice}}
  %0 = aigraph.slice %x {starts = array<i64: 0>, ends = array<i64: 8>, steps = array<i64: 2>} : tensor<8xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @broadcast(%x: tensor<2x8xf32>, %y: tensor<2x1xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{cannot run on the neural engine: broadcast of 2x1 to 2x8 is neither elementwise nor per channel}}
  %0 = aigraph.mul %x, %y : tensor<2x8xf32>, tensor<2x1xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @no_layer(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{cannot run on the neural engine: 'aigraph.exp' has no neural-engine layer}}
  %0 = aigraph.exp %x : tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

func.func @tiny_divisor(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = aigraph.constant dense<1.0e-6> : tensor<f32>
  // expected-error @+1 {{cannot run on the neural engine: a divisor whose reciprocal fp16 cannot hold}}
  %0 = aigraph.div %x, %c : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dilated_pool(%x: tensor<1x1x8x8xf32>) -> tensor<1x1x6x6xf32> {
  // expected-error @+1 {{cannot run on the neural engine: dilated pooling}}
  %0 = aigraph.max_pool %x {dilations = array<i64: 2, 2>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : tensor<1x1x8x8xf32> -> tensor<1x1x6x6xf32>
  return %0 : tensor<1x1x6x6xf32>
}

// -----

func.func @transposed_gemm(%x: tensor<3x4xf32>) -> tensor<4x2xf32> {
  %w = aigraph.constant dense<1.0> : tensor<3x2xf32>
  // expected-error @+1 {{cannot run on the neural engine: a transposed left operand}}
  %0 = aigraph.gemm %x, %w {transA = true} : (tensor<3x4xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-place{units=ane,gpu strategy=preference}))' | FileCheck %s
// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-place{units=ane ane-arch=ane-8c-2mb strategy=preference}))' | FileCheck %s --check-prefix=SMALL

// The neural engine first, then the GPU: what the engine cannot take (an
// int64 tensor, an exponential) goes to the GPU when it can, else the CPU.
// A flatten follows its operand: onto the engine after a relu computed
// there, not after the exponential on the GPU.
// CHECK-LABEL: func @preference
// CHECK: aigraph.relu {{.*}} {coreai.unit = "ane"}
// CHECK: aigraph.flatten {{.*}}coreai.unit = "ane"
// CHECK: aigraph.exp {{.*}}coreai.unit = "gpu"
// CHECK: aigraph.flatten {{.*}}coreai.unit = "gpu"
// CHECK: aigraph.add {{.*}} {coreai.unit = "gpu"}
// CHECK: aigraph.cast {{.*}} {coreai.unit = "cpu", to = f64}
func.func @preference(%x: tensor<1x4x2x2xf32>, %i: tensor<4xi64>) -> (tensor<1x16xf32>, tensor<1x16xf32>, tensor<4xi64>, tensor<4xf64>) {
  %0 = aigraph.relu %x : tensor<1x4x2x2xf32>
  %1 = aigraph.flatten %0 {axis = 1 : i64} : tensor<1x4x2x2xf32> -> tensor<1x16xf32>
  %2 = aigraph.exp %x : tensor<1x4x2x2xf32>
  %3 = aigraph.flatten %2 {axis = 1 : i64} : tensor<1x4x2x2xf32> -> tensor<1x16xf32>
  %4 = aigraph.add %i, %i : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  %5 = aigraph.cast %i {to = f64} : tensor<4xi64> -> tensor<4xf64>
  return %1, %3, %4, %5 : tensor<1x16xf32>, tensor<1x16xf32>, tensor<4xi64>, tensor<4xf64>
}

// -----

// The engine decides from its description: ane-8c-2mb has no softmax and
// kernels up to 7x7, ane-16c-4mb both.
// CHECK-LABEL: func @engines
// CHECK: aigraph.conv {{.*}}coreai.unit = "ane"
// CHECK: aigraph.softmax {{.*}}coreai.unit = "ane"
// SMALL-LABEL: func @engines
// SMALL: aigraph.conv {{.*}}coreai.unit = "cpu"
// SMALL: aigraph.softmax {{.*}}coreai.unit = "cpu"
func.func @engines(%x: tensor<1x1x16x16xf32>) -> tensor<1x1x8x8xf32> {
  %w = aigraph.constant dense<1.0> : tensor<1x1x9x9xf32>
  %0 = aigraph.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x16x16xf32>, tensor<1x1x9x9xf32>) -> tensor<1x1x8x8xf32>
  %1 = aigraph.softmax %0 {axis = 3 : i64} : tensor<1x1x8x8xf32>
  return %1 : tensor<1x1x8x8xf32>
}

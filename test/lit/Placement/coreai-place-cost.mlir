// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-place{units=gpu}))' | FileCheck %s
// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-place{units=ane,gpu}))' | FileCheck %s --check-prefix=ANE
// RUN: not coreai-opt %s --pass-pipeline='builtin.module(func.func(coreai-place{units=gpu strategy=fastest}))' 2>&1 | FileCheck %s --check-prefix=STRATEGY
// STRATEGY: error: coreai-place: unknown strategy 'fastest' (cost or preference)

// The cost strategy (the default): the assignment with the least estimated
// time (lib/Placement/CostModel.h), switches between units included.

// Two large convolutions go to the GPU, and the relu between them stays
// there: moving it to the CPU would cost two switches of 800 KB.
// CHECK-LABEL: func.func @large
// CHECK: aigraph.conv {{.*}}coreai.unit = "gpu"
// CHECK: aigraph.relu {{.*}}coreai.unit = "gpu"
// CHECK: aigraph.conv {{.*}}coreai.unit = "gpu"
func.func @large(%x: tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32> {
  %w = aigraph.constant dense<1.0> : tensor<64x64x3x3xf32>
  %0 = aigraph.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  %1 = aigraph.relu %0 : tensor<1x64x56x56xf32>
  %2 = aigraph.conv %1, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  return %2 : tensor<1x64x56x56xf32>
}

// -----

// Tiny ops are not worth a switch: they stay on the host.
// CHECK-LABEL: func.func @tiny
// CHECK: aigraph.relu {{.*}}coreai.unit = "cpu"
// CHECK: aigraph.neg {{.*}}coreai.unit = "cpu"
func.func @tiny(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = aigraph.relu %x : tensor<4xf32>
  %1 = aigraph.neg %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// What the GPU cannot run (float64) goes to the CPU; the convolutions around
// it are still worth the GPU.
// CHECK-LABEL: func.func @refused
// CHECK: aigraph.conv {{.*}}coreai.unit = "gpu"
// CHECK: aigraph.cast {{.*}}coreai.unit = "cpu"
// CHECK: aigraph.cast {{.*}}coreai.unit = "cpu"
// CHECK: aigraph.conv {{.*}}coreai.unit = "gpu"
func.func @refused(%x: tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32> {
  %w = aigraph.constant dense<1.0> : tensor<64x64x3x3xf32>
  %0 = aigraph.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  %1 = aigraph.cast %0 {to = f64} : tensor<1x64x56x56xf32> -> tensor<1x64x56x56xf64>
  %2 = aigraph.cast %1 {to = f32} : tensor<1x64x56x56xf64> -> tensor<1x64x56x56xf32>
  %3 = aigraph.conv %2, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  return %3 : tensor<1x64x56x56xf32>
}

// -----

// Twelve 64 KB relus: on the GPU each pays its launch, so the CPU is faster
// than the GPU with its two switches; the engine's small layer overhead
// makes it the fastest (ANE).
// CHECK-LABEL: func.func @chain
// CHECK-COUNT-12: coreai.unit = "cpu"
// ANE-LABEL: func.func @chain
// ANE-COUNT-12: coreai.unit = "ane"
func.func @chain(%x: tensor<1x16x32x32xf32>) -> tensor<1x16x32x32xf32> {
  %0 = aigraph.relu %x : tensor<1x16x32x32xf32>
  %1 = aigraph.relu %0 : tensor<1x16x32x32xf32>
  %2 = aigraph.relu %1 : tensor<1x16x32x32xf32>
  %3 = aigraph.relu %2 : tensor<1x16x32x32xf32>
  %4 = aigraph.relu %3 : tensor<1x16x32x32xf32>
  %5 = aigraph.relu %4 : tensor<1x16x32x32xf32>
  %6 = aigraph.relu %5 : tensor<1x16x32x32xf32>
  %7 = aigraph.relu %6 : tensor<1x16x32x32xf32>
  %8 = aigraph.relu %7 : tensor<1x16x32x32xf32>
  %9 = aigraph.relu %8 : tensor<1x16x32x32xf32>
  %10 = aigraph.relu %9 : tensor<1x16x32x32xf32>
  %11 = aigraph.relu %10 : tensor<1x16x32x32xf32>
  return %11 : tensor<1x16x32x32xf32>
}

// -----

// An op that already has a unit (pinned by a compiler retrying a failed
// lowering) keeps it, and the others are placed around it.
// CHECK-LABEL: func.func @pinned
// CHECK: aigraph.conv {{.*}}coreai.unit = "gpu"
// CHECK: aigraph.relu {{.*}}coreai.unit = "cpu"
// CHECK: aigraph.conv {{.*}}coreai.unit = "gpu"
func.func @pinned(%x: tensor<1x64x56x56xf32>) -> tensor<1x64x56x56xf32> {
  %w = aigraph.constant dense<1.0> : tensor<64x64x3x3xf32>
  %0 = aigraph.conv %x, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  %1 = aigraph.relu %0 {coreai.unit = "cpu"} : tensor<1x64x56x56xf32>
  %2 = aigraph.conv %1, %w {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  return %2 : tensor<1x64x56x56xf32>
}

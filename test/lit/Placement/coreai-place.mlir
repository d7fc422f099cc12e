// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-place{units=gpu strategy=preference}))' | FileCheck %s

// f32 ops go to the GPU; float64 (not portable on GPUs) stays on the CPU;
// constants get no unit (partitioning copies them where used).
// CHECK-LABEL: func @mixed
// CHECK: aigraph.constant
// CHECK-NOT: coreai.unit
// CHECK: aigraph.add {{.*}} {coreai.unit = "gpu"}
// CHECK: aigraph.cast {{.*}} {coreai.unit = "cpu", to = f64}
// CHECK: aigraph.mul {{.*}} {coreai.unit = "cpu"}
func.func @mixed(%x: tensor<4xf32>) -> tensor<4xf64> {
  %c = aigraph.constant dense<1.0> : tensor<4xf32>
  %0 = aigraph.add %x, %c : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %1 = aigraph.cast %0 {to = f64} : tensor<4xf32> -> tensor<4xf64>
  %2 = aigraph.mul %1, %1 : tensor<4xf64>, tensor<4xf64> -> tensor<4xf64>
  return %2 : tensor<4xf64>
}

// -----

// An op a compiler pinned (after its GPU lowering failed) keeps its unit.
// CHECK-LABEL: func @pinned
// CHECK: aigraph.relu {{.*}} {coreai.unit = "cpu"}
func.func @pinned(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = aigraph.relu %x {coreai.unit = "cpu"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

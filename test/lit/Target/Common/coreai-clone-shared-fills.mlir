// RUN: coreai-opt %s --split-input-file --coreai-clone-shared-fills --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// One zero fill (as CSE leaves it) initializes two matmuls: each gets its
// own fill, on its own empty tensor, right before it, with its location.
// CHECK-LABEL: func.func @two_matmuls(
// CHECK-NOT: linalg.fill
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK: %[[F1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E1]] : tensor<4x4xf32>) -> tensor<4x4xf32> loc("first")
// CHECK: linalg.matmul {{.*}} outs(%[[F1]] : tensor<4x4xf32>)
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK: %[[F2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<4x4xf32>) -> tensor<4x4xf32> loc("second")
// CHECK: linalg.matmul {{.*}} outs(%[[F2]] : tensor<4x4xf32>)
func.func @two_matmuls(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32> loc("first")
  %1 = linalg.matmul ins(%0, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32> loc("second")
  return %1 : tensor<4x4xf32>
}

// -----

// A fill with one reader stays where it is.
// CHECK-LABEL: func.func @one_matmul(
// CHECK: linalg.fill
// CHECK-NEXT: linalg.matmul
// CHECK-NOT: linalg.fill
func.func @one_matmul(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// RUN: coreai-opt %s --coreai-distinct-results | FileCheck %s

// The second return of the same value gets its own copy.
// CHECK-LABEL: func @twice
// CHECK: %[[V:.*]] = linalg.generic
// CHECK: %[[E:.*]] = tensor.empty() : tensor<3xf32>
// CHECK: %[[C:.*]] = linalg.copy ins(%[[V]] : tensor<3xf32>) outs(%[[E]] : tensor<3xf32>)
// CHECK: return %[[V]], %[[C]]
func.func @twice(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<3xf32>) outs(%x : tensor<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<3xf32>
  return %0, %0 : tensor<3xf32>, tensor<3xf32>
}

// CHECK-LABEL: func @once
// CHECK-NOT: linalg.copy
func.func @once(%x: tensor<3xf32>, %y: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  return %x, %y : tensor<3xf32>, tensor<3xf32>
}

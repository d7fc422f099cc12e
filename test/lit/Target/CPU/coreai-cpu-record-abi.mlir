// RUN: coreai-opt %s --coreai-cpu-record-abi | FileCheck %s

// The layout of every function: [inputs, hoisted constants, results].
// CHECK: module attributes {coreai.abi_layout = {main = array<i64: 1, 2, 1>, second = array<i64: 2, 0, 2>}}
func.func @main(%x: tensor<4xf32>, %c0: tensor<4xf32>, %c1: tensor<4xf32>) -> tensor<4xf32> attributes {coreai.num_inputs = 1 : i64} {
  return %x : tensor<4xf32>
}
func.func @second(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  return %x, %y : tensor<4xf32>, tensor<4xf32>
}

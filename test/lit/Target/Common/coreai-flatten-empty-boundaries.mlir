// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-flatten-empty-boundaries))' | FileCheck %s

// A 2x0x4 argument becomes tensor<0xf32> (it has a bare-pointer form); its
// uses read an empty tensor of the original shape.
// CHECK-LABEL: func @empty_input
// CHECK-SAME: (%{{.*}}: tensor<0xf32>) -> tensor<2x1x4xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x0x4xf32>
// CHECK: linalg.reduce ins(%[[E]]
func.func @empty_input(%a: tensor<2x0x4xf32>) -> tensor<2x1x4xf32> {
  %init = tensor.empty() : tensor<2x4xf32>
  %r = linalg.reduce ins(%a : tensor<2x0x4xf32>) outs(%init : tensor<2x4xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  %e = tensor.expand_shape %r [[0, 1], [2]] output_shape [2, 1, 4] : tensor<2x4xf32> into tensor<2x1x4xf32>
  return %e : tensor<2x1x4xf32>
}

// -----

// A zero-sized result is returned as an empty 1-D tensor; rank-1 and
// non-empty boundary tensors keep their types.
// CHECK-LABEL: func @empty_output
// CHECK-SAME: (%{{.*}}: tensor<0xf32>, %{{.*}}: tensor<3xf32>) -> (tensor<0xf32>, tensor<3xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<0xf32>
// CHECK: return %[[E]], %{{.*}} : tensor<0xf32>, tensor<3xf32>
func.func @empty_output(%a: tensor<0xf32>, %b: tensor<3xf32>) -> (tensor<3x0xf32>, tensor<3xf32>) {
  %e = tensor.empty() : tensor<3x0xf32>
  return %e, %b : tensor<3x0xf32>, tensor<3xf32>
}

// RUN: coreai-opt %s --split-input-file --aigraph-hoist-constants | FileCheck %s
// RUN: coreai-opt %s --split-input-file --aigraph-hoist-constants=min-bytes=1 | FileCheck %s --check-prefix=ALL

// Large constants become trailing, read-only arguments carrying their data;
// identical ones share an argument; small ones stay inline.
// CHECK-LABEL: func @main
// CHECK-SAME: (%[[X:.*]]: tensor<4x16xf32> {bufferization.writable = false, coreai.name = "x"},
// CHECK-SAME: %[[W:.*]]: tensor<4x16xf32> {bufferization.writable = false, coreai.constant = dense<2.000000e+00> : tensor<4x16xf32>})
// CHECK-SAME: attributes {coreai.num_inputs = 1 : i64}
// CHECK: %[[S:.*]] = aigraph.constant dense<1.000000e+00> : tensor<1xf32>
// CHECK: aigraph.add %[[X]], %[[W]]
// CHECK: aigraph.mul %{{.*}}, %[[W]]
// CHECK: aigraph.sub %{{.*}}, %[[S]]
// ALL-LABEL: func @main
// ALL-SAME: coreai.constant = dense<1.000000e+00> : tensor<1xf32>
// ALL-NOT: aigraph.constant
func.func @main(%x: tensor<4x16xf32> {coreai.name = "x"}) -> tensor<4x16xf32> {
  %w = aigraph.constant dense<2.0> : tensor<4x16xf32>
  %w2 = aigraph.constant dense<2.0> : tensor<4x16xf32>
  %s = aigraph.constant dense<1.0> : tensor<1xf32>
  %0 = aigraph.add %x, %w : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
  %1 = aigraph.mul %0, %w2 : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
  %2 = aigraph.sub %1, %s : tensor<4x16xf32>, tensor<1xf32> -> tensor<4x16xf32>
  return %2 : tensor<4x16xf32>
}

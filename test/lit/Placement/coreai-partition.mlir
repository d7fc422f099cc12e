// RUN: coreai-opt %s --split-input-file --coreai-partition | FileCheck %s

// Runs of ops on one unit become segment functions called in order; values
// crossing segments become arguments and results, constants are copied into
// the segments that use them, and segment arguments are read-only.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[A:.*]] = call @main__s0(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[B:.*]]:2 = call @main__s1(%[[A]]) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT: %[[C:.*]] = call @main__s2(%[[B]]#0, %[[B]]#1) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: return %[[C]]
// CHECK-LABEL: func.func @main__s0
// CHECK-SAME: {bufferization.writable = false}
// CHECK-SAME: attributes {coreai.num_inputs = 1 : i64, coreai.unit = "gpu"}
// CHECK: aigraph.constant
// CHECK: aigraph.add
// CHECK-LABEL: func.func @main__s1
// CHECK-SAME: coreai.unit = "cpu"
// CHECK: aigraph.relu
// CHECK: aigraph.neg
// CHECK-LABEL: func.func @main__s2
// CHECK-SAME: coreai.unit = "gpu"
// CHECK: aigraph.constant
// CHECK: aigraph.mul
// CHECK: aigraph.add
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = aigraph.constant dense<2.0> : tensor<4xf32>
  %0 = aigraph.add %x, %c {coreai.unit = "gpu"} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %1 = aigraph.relu %0 {coreai.unit = "cpu"} : tensor<4xf32>
  %2 = aigraph.neg %1 {coreai.unit = "cpu"} : tensor<4xf32>
  %3 = aigraph.mul %1, %c {coreai.unit = "gpu"} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %4 = aigraph.add %3, %2 {coreai.unit = "gpu"} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// An isolated op (its segment failed to lower as a whole) is outlined alone.
// CHECK-LABEL: func.func @isolate
// CHECK-NEXT: call @isolate__s0
// CHECK-NEXT: call @isolate__s1
// CHECK-NEXT: call @isolate__s2
func.func @isolate(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = aigraph.relu %x {coreai.unit = "gpu"} : tensor<4xf32>
  %1 = aigraph.neg %0 {coreai.unit = "gpu", coreai.isolate} : tensor<4xf32>
  %2 = aigraph.relu %1 {coreai.unit = "gpu"} : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// A neural-engine segment keeps knowing which of its arguments are hoisted
// constants (their values become fp16 weights of its command stream);
// other units' segments do not carry the values.
// CHECK-LABEL: func.func @weights
// CHECK-LABEL: func.func @weights__s0
// CHECK-SAME: %{{.*}}: tensor<4xf32> {bufferization.writable = false}, %{{.*}}: tensor<4xf32> {bufferization.writable = false, coreai.constant = dense<3.000000e+00> : tensor<4xf32>}
// CHECK-SAME: coreai.unit = "ane"
// CHECK-LABEL: func.func @weights__s1
// CHECK-NOT: coreai.constant
// CHECK: aigraph.mul
func.func @weights(%x: tensor<4xf32>, %w: tensor<4xf32> {coreai.constant = dense<3.0> : tensor<4xf32>}) -> tensor<4xf32> {
  %0 = aigraph.add %x, %w {coreai.unit = "ane"} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %1 = aigraph.mul %0, %w {coreai.unit = "gpu"} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

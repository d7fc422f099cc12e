// RUN: coreai-opt %s --split-input-file --aigraph-promote-accumulation | FileCheck %s

// A float16 matmul computes in f32 and rounds once; the elementwise add
// after it stays in f16.
// CHECK-LABEL: func @matmul_f16
// CHECK: %[[A:.*]] = aigraph.cast %arg0 {{.*}}to = f32{{.*}} : tensor<2x3xf16> -> tensor<2x3xf32>
// CHECK: %[[B:.*]] = aigraph.cast %arg1 {{.*}}to = f32{{.*}} : tensor<3x4xf16> -> tensor<3x4xf32>
// CHECK: %[[M:.*]] = aigraph.matmul %[[A]], %[[B]] : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
// CHECK: %[[R:.*]] = aigraph.cast %[[M]] {{.*}}to = f16{{.*}} : tensor<2x4xf32> -> tensor<2x4xf16>
// CHECK: aigraph.add %[[R]], %[[R]] : tensor<2x4xf16>
func.func @matmul_f16(%a: tensor<2x3xf16>, %b: tensor<3x4xf16>) -> tensor<2x4xf16> {
  %0 = aigraph.matmul %a, %b : tensor<2x3xf16>, tensor<3x4xf16> -> tensor<2x4xf16>
  %1 = aigraph.add %0, %0 : tensor<2x4xf16>, tensor<2x4xf16> -> tensor<2x4xf16>
  return %1 : tensor<2x4xf16>
}

// -----

// f32 ops are untouched.
// CHECK-LABEL: func @matmul_f32
// CHECK-NOT: aigraph.cast
func.func @matmul_f32(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %0 = aigraph.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Reductions over bfloat16 accumulate in f32 too.
// CHECK-LABEL: func @sum_bf16
// CHECK: aigraph.reduce_sum %{{.*}} : tensor<8xf32> -> tensor<1xf32>
// CHECK: aigraph.cast %{{.*}} : tensor<1xf32> -> tensor<1xbf16>
func.func @sum_bf16(%a: tensor<8xbf16>) -> tensor<1xbf16> {
  %0 = aigraph.reduce_sum %a {axes = array<i64: 0>} : tensor<8xbf16> -> tensor<1xbf16>
  return %0 : tensor<1xbf16>
}

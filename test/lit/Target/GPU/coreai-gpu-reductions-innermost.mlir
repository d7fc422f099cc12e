// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-gpu-reductions-innermost))' | FileCheck %s

// A reduction over the middle axis: the loops become (d0, d2, d1) so the
// parallel ones lead.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d2, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @middle_axis
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
#in = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d2)>
func.func @middle_axis(%a: memref<2x3x4xf32>, %b: memref<2x4xf32>) {
  linalg.generic {indexing_maps = [#in, #out],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a : memref<2x3x4xf32>) outs(%b : memref<2x4xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Already in order: unchanged.
// CHECK-LABEL: func @last_axis
// CHECK: iterator_types = ["parallel", "reduction"]
#m0 = affine_map<(d0, d1) -> (d0, d1)>
#m1 = affine_map<(d0, d1) -> (d0)>
func.func @last_axis(%a: memref<2x3xf32>, %b: memref<2xf32>) {
  linalg.generic {indexing_maps = [#m0, #m1],
                  iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<2x3xf32>) outs(%b : memref<2xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  }
  return
}

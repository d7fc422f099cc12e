// RUN: coreai-opt %s --split-input-file --coreai-cpu-approximate-vector-math | FileCheck %s

// erf on a vector becomes arithmetic on all lanes; the scalar erf is left
// to libm.
// CHECK-LABEL: func.func @vector_erf(
// CHECK-NOT: math.erf
// CHECK: math.fma {{.*}} : vector<16xf32>
// CHECK: return
func.func @vector_erf(%x: vector<16xf32>) -> vector<16xf32> {
  %r = math.erf %x : vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// CHECK-LABEL: func.func @scalar_erf(
// CHECK: math.erf %{{.*}} : f32
func.func @scalar_erf(%x: f32) -> f32 {
  %r = math.erf %x : f32
  return %r : f32
}

// -----

// CHECK-LABEL: func.func @vector_exp_tanh(
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK: return
func.func @vector_exp_tanh(%x: vector<8xf32>) -> vector<8xf32> {
  %e = math.exp %x : vector<8xf32>
  %t = math.tanh %e : vector<8xf32>
  return %t : vector<8xf32>
}

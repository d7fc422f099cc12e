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

// -----

// A power by a constant (GPT-2's gelu_new has x^3) is multiplies on all
// lanes, not a libm powf per lane.
// CHECK-LABEL: func.func @vector_cube(
// CHECK-SAME: %[[X:.*]]: vector<16xf32>)
// CHECK-NOT: math.powf
// CHECK: %[[SQUARE:.*]] = arith.mulf %[[X]], %[[X]]
// CHECK: arith.mulf %[[X]], %[[SQUARE]]
func.func @vector_cube(%x: vector<16xf32>) -> vector<16xf32> {
  %three = arith.constant dense<3.0> : vector<16xf32>
  %r = math.powf %x, %three : vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// A non-integer constant exponent keeps powf: sqrt(x) differs from
// powf(x, 0.5) at -0 and -inf.
// CHECK-LABEL: func.func @vector_square_root_power(
// CHECK: math.powf
// CHECK-NOT: math.sqrt
func.func @vector_square_root_power(%x: vector<16xf32>) -> vector<16xf32> {
  %half = arith.constant dense<0.5> : vector<16xf32>
  %r = math.powf %x, %half : vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// An integer power with a negative exponent keeps math.ipowi (its rewrite
// divides, and a division by a product that wrapped to 0 traps).
// CHECK-LABEL: func.func @vector_ipowi(
// CHECK: math.ipowi
// CHECK-NOT: arith.divsi
func.func @vector_ipowi(%x: vector<16xi32>) -> vector<16xi32> {
  %minus_two = arith.constant dense<-2> : vector<16xi32>
  %r = math.ipowi %x, %minus_two : vector<16xi32>
  return %r : vector<16xi32>
}

// -----

// A variable exponent keeps powf (libm handles its edge cases).
// CHECK-LABEL: func.func @vector_pow(
// CHECK: math.powf
func.func @vector_pow(%x: vector<16xf32>, %y: vector<16xf32>) -> vector<16xf32> {
  %r = math.powf %x, %y : vector<16xf32>
  return %r : vector<16xf32>
}

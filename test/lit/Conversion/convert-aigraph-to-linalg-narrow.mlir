// RUN: coreai-opt %s --split-input-file --convert-aigraph-to-linalg --mlir-print-elementsattrs-with-hex-if-larger=1000 | FileCheck %s
// float8, float4 and the 4- and 2-bit integers are stored one per byte (i8)
// below aigraph; only Cast computes on them, through f32 or i32.

// Decoding reads a 256-entry f32 table that APFloat filled: code 0x7E of
// float8e4m3fn is 448, the largest finite value, and 0x7F is NaN.
// CHECK-LABEL: func @f8_to_f32
// CHECK-SAME: (%{{.*}}: tensor<4xi8>) -> tensor<4xf32>
// CHECK: linalg.generic
// CHECK: arith.constant dense<[0.000000e+00, {{.*}}, 4.480000e+02, 0x7F{{[0-9A-F]+}}, -0.000000e+00, {{.*}}]> : tensor<256xf32>
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: tensor.extract
func.func @f8_to_f32(%a: tensor<4xf8E4M3FN>) -> tensor<4xf32> {
  %0 = aigraph.cast %a {to = f32} : tensor<4xf8E4M3FN> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Encoding: the f32 bits, subnormals scaled by 2^(man - min_exp) = 2^9 and
// rounded to even, normals rounded at bit 20 and rebiased by (127-7) << 3.
// CHECK-LABEL: func @f32_to_f8
// CHECK-SAME: -> tensor<4xi8>
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.constant 5.120000e+02 : f32
// CHECK: math.roundeven
// CHECK: arith.constant 960 : i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
func.func @f32_to_f8(%a: tensor<4xf32>) -> tensor<4xf8E4M3FN> {
  %0 = aigraph.cast %a {to = f8E4M3FN} : tensor<4xf32> -> tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

// Without saturation, float8e5m2 overflows to infinity (0x7C with the sign).
// CHECK-LABEL: func @f32_to_e5m2_no_saturate
// CHECK: arith.constant 124 : i32
// CHECK: arith.ori
func.func @f32_to_e5m2_no_saturate(%a: tensor<4xf32>) -> tensor<4xf8E5M2> {
  %0 = aigraph.cast %a {to = f8E5M2, saturate = false} : tensor<4xf32> -> tensor<4xf8E5M2>
  return %0 : tensor<4xf8E5M2>
}

// -----

// To int4 keeps the low four bits, stored sign-extended; uint4 constants
// are stored zero-extended and int4 ones sign-extended (-1 stays -1).
// CHECK-LABEL: func @int4
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i4
// CHECK: arith.extsi %{{.*}} : i4 to i8
// CHECK: arith.constant dense<[-1, 7]> : tensor<2xi8>
// CHECK: arith.constant dense<[15, 7]> : tensor<2xi8>
func.func @int4(%a: tensor<4xf32>) -> (tensor<4xi4>, tensor<2xi4>, tensor<2xui4>) {
  %0 = aigraph.cast %a {to = i4} : tensor<4xf32> -> tensor<4xi4>
  %1 = aigraph.constant dense<[-1, 7]> : tensor<2xi4>
  %2 = aigraph.constant dense<[15, 7]> : tensor<2xui4>
  return %0, %1, %2 : tensor<4xi4>, tensor<2xi4>, tensor<2xui4>
}

// -----

// float8e8m0 rounds the exponent up by default: a nonzero mantissa adds one.
// CHECK-LABEL: func @to_e8m0
// CHECK: arith.constant 8388607 : i32
// CHECK: arith.cmpi ne
// CHECK: arith.constant 254 : i32
func.func @to_e8m0(%a: tensor<4xf32>) -> tensor<4xf8E8M0FNU> {
  %0 = aigraph.cast %a {to = f8E8M0FNU} : tensor<4xf32> -> tensor<4xf8E8M0FNU>
  return %0 : tensor<4xf8E8M0FNU>
}

// RUN: coreai-opt %s --split-input-file --convert-aigraph-to-linalg | FileCheck %s
// Math, logic, casts, reductions and gathers: one linalg.generic each, the
// scalar computation in the body.

// CHECK-LABEL: func @compare_where
// CHECK: linalg.generic
// CHECK: arith.cmpf olt
// CHECK: linalg.generic
// CHECK: arith.select
func.func @compare_where(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %c = aigraph.less %a, %b : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>
  %0 = aigraph.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// ONNX Cast: float to int truncates, to bool compares with zero.
// CHECK-LABEL: func @casts
// CHECK: arith.fptosi {{.*}} : f32 to i32
// CHECK: arith.cmpf une
func.func @casts(%a: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xi1>) {
  %0 = aigraph.cast %a {to = i32} : tensor<4xf32> -> tensor<4xi32>
  %1 = aigraph.cast %a {to = i1} : tensor<4xf32> -> tensor<4xi1>
  return %0, %1 : tensor<4xi32>, tensor<4xi1>
}

// -----

// Integer modulo takes the divisor's sign.
// CHECK-LABEL: func @mod
// CHECK: arith.remsi
// CHECK: arith.xori
// CHECK: arith.select
func.func @mod(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %0 = aigraph.mod %a, %b : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func @reduce_keepdims
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape
func.func @reduce_keepdims(%a: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %0 = aigraph.reduce_max %a {axes = array<i64: 1>, keepdims = true} : tensor<2x3x4xf32> -> tensor<2x1x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// -----

// Arg max carries (best value, index) through one reduction.
// CHECK-LABEL: func @arg_max
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: linalg.index 1
// CHECK: arith.cmpf ogt
func.func @arg_max(%a: tensor<2x5xf32>) -> tensor<2xi64> {
  %0 = aigraph.arg_max %a {axis = 1 : i64, keepdims = false} : tensor<2x5xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// CHECK-LABEL: func @gather_elements
// CHECK: linalg.generic
// CHECK: arith.index_cast
// CHECK: tensor.extract
func.func @gather_elements(%d: tensor<3x4xf32>, %i: tensor<3x2xi64>) -> tensor<3x2xf32> {
  %0 = aigraph.gather_elements %d, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// Clip bounds are scalar operands read through rank-0 maps.
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func @clip
// CHECK: linalg.generic {indexing_maps = [{{.*}}, #[[SCALAR]], #[[SCALAR]], {{.*}}]
// CHECK: arith.maximumf
// CHECK: arith.minimumf
func.func @clip(%a: tensor<4xf32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<4xf32> {
  %0 = aigraph.clip %a min %lo max %hi : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// BitCast reinterprets bits; bool reads as the byte 0 or 1.
// CHECK-LABEL: func @bitcasts
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.extui %{{.*}} : i1 to i8
func.func @bitcasts(%a: tensor<4xf32>, %b: tensor<4xi1>) -> (tensor<4xi32>, tensor<4xui8>) {
  %0 = aigraph.bitcast %a {to = i32} : tensor<4xf32> -> tensor<4xi32>
  %1 = aigraph.bitcast %b {to = ui8} : tensor<4xi1> -> tensor<4xui8>
  return %0, %1 : tensor<4xi32>, tensor<4xui8>
}

// RUN: coreai-opt %s --split-input-file --convert-aigraph-to-linalg | FileCheck %s

// CHECK-LABEL: func @conv_bias_pad
// CHECK: tensor.pad
// CHECK: linalg.generic
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-NOT: aigraph.
func.func @conv_bias_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = aigraph.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// CHECK-LABEL: func @depthwise
// CHECK: linalg.depthwise_conv_2d_nchw_chw
func.func @depthwise(%x: tensor<1x8x6x6xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32> {
  %0 = aigraph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 8 : i64} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// CHECK-LABEL: func @grouped
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK-SAME: tensor<1x2x2x6x6xf32>, tensor<2x3x2x3x3xf32>
func.func @grouped(%x: tensor<1x4x6x6xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32> {
  %0 = aigraph.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 2 : i64} : (tensor<1x4x6x6xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// 3-D: padded, the bias broadcast into the init, the NCDHW named op.
// CHECK-LABEL: func @conv_3d
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4x4xf32>, %[[W:.*]]: tensor<3x2x2x2x2xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 0, 0] high[0, 0, 0, 1, 1]
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3xf32>)
// CHECK: linalg.conv_3d_ncdhw_fcdhw {dilations = dense<1> : tensor<3xi64>, strides = dense<[1, 2, 2]> : tensor<3xi64>} ins(%[[P]], %[[W]] : tensor<1x2x5x5x5xf32>, tensor<3x2x2x2x2xf32>) outs(%[[INIT]] : tensor<1x3x4x2x2xf32>)
func.func @conv_3d(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x2x2x2xf32>, %b: tensor<3xf32>) -> tensor<1x3x4x2x2xf32> {
  %0 = aigraph.conv %x, %w, %b {strides = array<i64: 1, 2, 2>, pads = array<i64: 1, 0, 0, 0, 1, 1>, dilations = array<i64: 1, 1, 1>} : (tensor<1x2x4x4x4xf32>, tensor<3x2x2x2x2xf32>, tensor<3xf32>) -> tensor<1x3x4x2x2xf32>
  return %0 : tensor<1x3x4x2x2xf32>
}

// -----

// Gemm with transB reads B through a transposed map instead of copying it.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func @gemm_trans_b
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[BT]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK:   arith.mulf
// CHECK:   arith.addf
func.func @gemm_trans_b(%a: tensor<2x8xf32>, %b: tensor<4x8xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %0 = aigraph.gemm %a, %b, %c {transB = true} : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Batch dims broadcast through constant-0 map results.
// CHECK-DAG: #[[L:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[R:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-LABEL: func @batched_matmul
// CHECK: linalg.generic {indexing_maps = [#[[L]], #[[R]], {{.*}}]
func.func @batched_matmul(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %0 = aigraph.matmul %a, %b : tensor<2x1x4x8xf32>, tensor<3x8x5xf32> -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// -----

// CHECK-LABEL: func @pools
// CHECK: linalg.pooling_nchw_max
// CHECK: linalg.pooling_nchw_sum
// CHECK: arith.constant dense<{{.*}}> : tensor<3x3xf32>
// CHECK: arith.divf
func.func @pools(%x: tensor<1x2x6x6xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %0 = aigraph.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  %1 = aigraph.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x2x6x6xf32> -> tensor<1x2x3x3xf32>
  return %0, %1 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// 3-D pooling: one linalg.generic over (n, c, o..., k...) reading the input
// at o * stride + k; an empty window tensor bounds the k loops. The average
// divides by the taps inside the input (2 or 1 in depth, 2 or 3 in height
// and width here).
// CHECK-DAG: #[[MAXIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2 + d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d5, d6, d7)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-DAG: #[[AVGIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2 * 2 + d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-LABEL: func @pools_3d
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MAXINIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[MAXIN]], #[[WIN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%arg0, %{{.*}} : tensor<1x1x3x4x4xf32>, tensor<2x2x2xf32>) outs(%[[MAXINIT]]
// CHECK: arith.maximumf
// CHECK: %[[PADDED:.*]] = tensor.pad %arg0 low[0, 0, 0, 1, 1] high[0, 0, 1, 0, 0]
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[AVGIN]], #[[WIN]], #[[OUT]]], {{.*}} ins(%[[PADDED]], %{{.*}} : tensor<1x1x4x5x5xf32>, tensor<2x3x3xf32>)
// CHECK: arith.addf
// CHECK: %[[DIV:.*]] = arith.constant dense<{{\[\[\[}}8.000000e+00, 1.200000e+01], [1.200000e+01, 1.800000e+01]], {{\[\[}}4.000000e+00, 6.000000e+00], [6.000000e+00, 9.000000e+00]]]> : tensor<2x2x2xf32>
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[DIV]] : tensor<1x1x2x2x2xf32>, tensor<2x2x2xf32>)
// CHECK: arith.divf
func.func @pools_3d(%x: tensor<1x1x3x4x4xf32>) -> (tensor<1x1x2x2x2xf32>, tensor<1x1x2x2x2xf32>) {
  %0 = aigraph.max_pool %x {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 1, 2, 2>, pads = array<i64: 0, 0, 0, 0, 0, 0>, dilations = array<i64: 1, 1, 1>} : tensor<1x1x3x4x4xf32> -> tensor<1x1x2x2x2xf32>
  %1 = aigraph.average_pool %x {kernel_shape = array<i64: 2, 3, 3>, strides = array<i64: 2, 2, 2>, pads = array<i64: 0, 1, 1, 1, 0, 0>, dilations = array<i64: 1, 1, 1>} : tensor<1x1x3x4x4xf32> -> tensor<1x1x2x2x2xf32>
  return %0, %1 : tensor<1x1x2x2x2xf32>, tensor<1x1x2x2x2xf32>
}

// -----

// Softmax: max, exp(x - max), sum, divide.
// CHECK-LABEL: func @softmax
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = aigraph.softmax %x {axis = 1 : i64} : tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// CHECK-LABEL: func @layer_norm
// CHECK: math.sqrt
// CHECK-NOT: aigraph.
func.func @layer_norm(%x: tensor<2x3x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x3x8xf32> {
  %0 = aigraph.layer_norm %x, %s, %b {axis = 2 : i64, epsilon = 1.0e-5 : f64} : (tensor<2x3x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x3x8xf32>
  return %0 : tensor<2x3x8xf32>
}

// -----

// Gather wraps negative indices, clamps, and reads with tensor.extract.
// CHECK-LABEL: func @gather
// CHECK: linalg.generic
// CHECK: arith.select
// CHECK: tensor.extract
func.func @gather(%d: tensor<10x4xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x4xf32> {
  %0 = aigraph.gather %d, %i {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @shape_ops
// CHECK: tensor.extract_slice %{{.*}}[0, 1] [4, 2] [1, 3]
// CHECK: tensor.insert_slice
// CHECK: tensor.insert_slice
// CHECK: linalg.transpose
// CHECK: tensor.collapse_shape
// CHECK: tensor.expand_shape
func.func @shape_ops(%x: tensor<4x6xf32>) -> tensor<2x8xf32> {
  %0 = aigraph.slice %x {starts = array<i64: 0, 1>, ends = array<i64: 4, 6>, steps = array<i64: 1, 3>} : tensor<4x6xf32> -> tensor<4x2xf32>
  %1 = aigraph.concat %0, %0 {axis = 1 : i64} : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x4xf32>
  %2 = aigraph.transpose %1 {perm = array<i64: 1, 0>} : tensor<4x4xf32> -> tensor<4x4xf32>
  %3 = aigraph.reshape %2 {shape = array<i64: 2, 8>} : tensor<4x4xf32> -> tensor<2x8xf32>
  return %3 : tensor<2x8xf32>
}

// -----

// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @elementwise_broadcast
// CHECK: linalg.generic {indexing_maps = [{{.*}}, #[[ROW]], {{.*}}]
// CHECK: arith.addf
func.func @elementwise_broadcast(%x: tensor<3x4xf32>, %y: tensor<4xf32>) -> tensor<3x4xf32> {
  %0 = aigraph.add %x, %y : tensor<3x4xf32>, tensor<4xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

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

// The identity of an int64 min is INT64_MAX, which no double holds.
// CHECK-LABEL: func @reduce_min_i64
// CHECK: arith.constant 9223372036854775807 : i64
// CHECK: linalg.fill
// CHECK: arith.minsi
func.func @reduce_min_i64(%a: tensor<2xi64>) -> tensor<i64> {
  %0 = aigraph.reduce_min %a {axes = array<i64: 0>, keepdims = false} : tensor<2xi64> -> tensor<i64>
  return %0 : tensor<i64>
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

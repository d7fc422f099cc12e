// RUN: coreai-opt %s --split-input-file --convert-aigraph-to-linalg | FileCheck %s
// Unsigned element types become signless; the ops whose integer meaning
// depends on signedness use the unsigned arith ops.

// CHECK-LABEL: func @div_compare
// CHECK-SAME: (%{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi1>)
// CHECK: arith.divui
// CHECK: arith.cmpi ult
func.func @div_compare(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xi1>) {
  %0 = aigraph.div %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xui8>
  %1 = aigraph.less %a, %b : tensor<4xui8>, tensor<4xui8> -> tensor<4xi1>
  return %0, %1 : tensor<4xui8>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func @cast_and_max
// CHECK: arith.uitofp {{.*}} : i16 to f32
// The bits of 200 as a signless i8 print as -56.
// CHECK: arith.constant dense<-56> : tensor<2xi8>
// CHECK: arith.maxui
func.func @cast_and_max(%a: tensor<2xui16>, %b: tensor<2xui8>) -> (tensor<2xf32>, tensor<2xui8>) {
  %0 = aigraph.cast %a {to = f32} : tensor<2xui16> -> tensor<2xf32>
  %c = aigraph.constant dense<200> : tensor<2xui8>
  %1 = aigraph.max %b, %c : tensor<2xui8>, tensor<2xui8> -> tensor<2xui8>
  return %0, %1 : tensor<2xf32>, tensor<2xui8>
}

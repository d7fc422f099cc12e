// RUN: coreai-opt %s --split-input-file --coreai-cpu-record-argument-tables | FileCheck %s

// Each buffer argument's bytes and whether the code writes it, through
// views; a function calling a dispatch inherits what the dispatch writes.
// CHECK-LABEL: module attributes
// CHECK-SAME: coreai.argument_tables = {
// CHECK-SAME: d = array<i64: 24, 0, 16, 1>
// CHECK-SAME: host = array<i64: 24, 0, 4, 0, 16, 1>
module {
  func.func @d(%in: memref<2x3xf32>, %out: memref<4xf32>, %id: index, %n: index) attributes {coreai.workgroups = 1 : i64} {
    %c0 = arith.constant 0 : index
    %v = memref.load %in[%c0, %c0] : memref<2x3xf32>
    %view = memref.subview %out[1] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1], offset: 1>>
    memref.store %v, %view[%c0] : memref<2xf32, strided<[1], offset: 1>>
    return
  }
  func.func @host(%in: memref<2x3xf32>, %cst: memref<1xi32>, %out: memref<4xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    call @d(%in, %out, %c0, %c1) : (memref<2x3xf32>, memref<4xf32>, index, index) -> ()
    return
  }
}

// -----

// Narrow and complex elements as the runtime stores them (a byte at least
// per value); unknown effects (a call outside the module) count as writes;
// a dynamic shape has no known size.
// CHECK-LABEL: module attributes
// CHECK-SAME: coreai.argument_tables = {
// CHECK-SAME: f = array<i64: 8, 1, 16, 1, 0, 1>
module {
  func.func private @opaque(memref<8xi1>, memref<2xcomplex<f32>>, memref<?xf32>)
  func.func @f(%a: memref<8xi1>, %b: memref<2xcomplex<f32>>, %c: memref<?xf32>) {
    call @opaque(%a, %b, %c) : (memref<8xi1>, memref<2xcomplex<f32>>, memref<?xf32>) -> ()
    return
  }
}

// RUN: coreai-opt %s --split-input-file --coreai-cpu-deduplicate-dispatches | FileCheck %s

// Two layers' dispatches with the same body (locations aside): the second
// is erased with its entry, both calls call the first and keep their own
// source names. The third differs in a constant and stays.
// CHECK: module attributes {coreai.dispatches = {f__dispatch0 = 1 : i64, f__dispatch2 = 1 : i64}}
// CHECK-LABEL: func.func @f(
// CHECK: call @f__dispatch0(%{{.*}}) {coreai.source = "relu1 (Relu)"}
// CHECK: call @f__dispatch0(%{{.*}}) {coreai.source = "relu2 (Relu)"}
// CHECK: call @f__dispatch2(%{{.*}}) {coreai.source = "relu3 (Relu)"}
// CHECK: func.func private @f__dispatch0(
// CHECK-NOT: func.func private @f__dispatch1(
// CHECK: func.func private @f__dispatch2(
// CHECK: arith.constant 2.000000e+00
module attributes {coreai.dispatches = {f__dispatch0 = 1 : i64, f__dispatch1 = 1 : i64, f__dispatch2 = 1 : i64}} {
  func.func @f(%x: memref<4xf32>, %y: memref<4xf32>, %z: memref<4xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    call @f__dispatch0(%x, %c0, %c1) {coreai.source = "relu1 (Relu)"} : (memref<4xf32>, index, index) -> ()
    call @f__dispatch1(%y, %c0, %c1) {coreai.source = "relu2 (Relu)"} : (memref<4xf32>, index, index) -> ()
    call @f__dispatch2(%z, %c0, %c1) {coreai.source = "relu3 (Relu)"} : (memref<4xf32>, index, index) -> ()
    return
  }
  func.func private @f__dispatch0(%b: memref<4xf32>, %id: index, %count: index) attributes {coreai.workgroups = 1 : i64} {
    %c0 = arith.constant 0 : index
    %one = arith.constant 1.0 : f32
    memref.store %one, %b[%c0] : memref<4xf32>
    return
  } loc("layer1")
  func.func private @f__dispatch1(%b: memref<4xf32>, %id: index, %count: index) attributes {coreai.workgroups = 1 : i64} {
    %c0 = arith.constant 0 : index loc("layer2.index")
    %one = arith.constant 1.0 : f32 loc("layer2.value")
    memref.store %one, %b[%c0] : memref<4xf32> loc("layer2.store")
    return
  } loc("layer2")
  func.func private @f__dispatch2(%b: memref<4xf32>, %id: index, %count: index) attributes {coreai.workgroups = 1 : i64} {
    %c0 = arith.constant 0 : index
    %two = arith.constant 2.0 : f32
    memref.store %two, %b[%c0] : memref<4xf32>
    return
  }
}

// -----

// Same body, different workgroup counts: both stay. A public function with
// the same body is an entry point, not a dispatch: it stays too.
// CHECK: module attributes {coreai.dispatches = {g__dispatch0 = 1 : i64, g__dispatch1 = 1 : i64}}
// CHECK-LABEL: func.func @g(
// CHECK: call @g__dispatch0(
// CHECK: call @g__dispatch1(
// CHECK-LABEL: func.func @h(
// CHECK: func.func private @g__dispatch0(
// CHECK: func.func private @g__dispatch1(
module attributes {coreai.dispatches = {g__dispatch0 = 1 : i64, g__dispatch1 = 1 : i64}} {
  func.func @g(%x: memref<4xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    call @g__dispatch0(%x, %c0, %c1) : (memref<4xf32>, index, index) -> ()
    call @g__dispatch1(%x, %c0, %c1) : (memref<4xf32>, index, index) -> ()
    return
  }
  func.func @h(%b: memref<4xf32>, %id: index, %count: index) attributes {coreai.workgroups = 1 : i64} {
    %c0 = arith.constant 0 : index
    %one = arith.constant 1.0 : f32
    memref.store %one, %b[%c0] : memref<4xf32>
    return
  }
  func.func private @g__dispatch0(%b: memref<4xf32>, %id: index, %count: index) attributes {coreai.workgroups = 1 : i64} {
    %c0 = arith.constant 0 : index
    %one = arith.constant 1.0 : f32
    memref.store %one, %b[%c0] : memref<4xf32>
    return
  }
  func.func private @g__dispatch1(%b: memref<4xf32>, %id: index, %count: index) attributes {coreai.workgroups = 2 : i64} {
    %c0 = arith.constant 0 : index
    %one = arith.constant 1.0 : f32
    memref.store %one, %b[%c0] : memref<4xf32>
    return
  }
}

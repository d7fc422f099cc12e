// RUN: coreai-opt %s --coreai-copies-to-loops | FileCheck %s

// CHECK-LABEL: func @strided_copy
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.*}} : memref<2x3xf32, strided<[6, 1], offset: 1>>) outs(%{{.*}} : memref<2x3xf32>)
func.func @strided_copy(%src: memref<2x3xf32, strided<[6, 1], offset: 1>>, %dst: memref<2x3xf32>) {
  memref.copy %src, %dst : memref<2x3xf32, strided<[6, 1], offset: 1>> to memref<2x3xf32>
  return
}

// A copy onto the same memory (equal subviews of one buffer) does nothing.
// CHECK-LABEL: func @self_copy
// CHECK-NOT: memref.copy
// CHECK-NOT: linalg.copy
// CHECK: return
func.func @self_copy(%buf: memref<1x4x8xf32>) {
  %a = memref.subview %buf[0, 2, 0] [1, 2, 8] [1, 1, 1] : memref<1x4x8xf32> to memref<1x2x8xf32, strided<[32, 8, 1], offset: 16>>
  %b = memref.subview %buf[0, 2, 0] [1, 2, 8] [1, 1, 1] : memref<1x4x8xf32> to memref<1x2x8xf32, strided<[32, 8, 1], offset: 16>>
  memref.copy %a, %b : memref<1x2x8xf32, strided<[32, 8, 1], offset: 16>> to memref<1x2x8xf32, strided<[32, 8, 1], offset: 16>>
  return
}

// Different slices of one buffer are a real copy.
// CHECK-LABEL: func @slice_to_slice
// CHECK: linalg.copy
func.func @slice_to_slice(%buf: memref<1x4x8xf32>) {
  %a = memref.subview %buf[0, 0, 0] [1, 2, 8] [1, 1, 1] : memref<1x4x8xf32> to memref<1x2x8xf32, strided<[32, 8, 1]>>
  %b = memref.subview %buf[0, 2, 0] [1, 2, 8] [1, 1, 1] : memref<1x4x8xf32> to memref<1x2x8xf32, strided<[32, 8, 1], offset: 16>>
  memref.copy %a, %b : memref<1x2x8xf32, strided<[32, 8, 1]>> to memref<1x2x8xf32, strided<[32, 8, 1], offset: 16>>
  return
}

// A copy of a buffer onto itself does nothing.
// CHECK-LABEL: func @copy_onto_itself
// CHECK-NOT: copy
// CHECK: return
func.func @copy_onto_itself(%buf: memref<4xf32>) {
  memref.copy %buf, %buf : memref<4xf32> to memref<4xf32>
  return
}

// Equal subviews of equal subviews are the same memory too.
// CHECK-LABEL: func @nested_self_copy
// CHECK-NOT: copy
// CHECK: return
func.func @nested_self_copy(%buf: memref<4x8xf32>) {
  %a = memref.subview %buf[2, 0] [2, 8] [1, 1] : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1], offset: 16>>
  %b = memref.subview %buf[2, 0] [2, 8] [1, 1] : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1], offset: 16>>
  %c = memref.subview %a[0, 4] [2, 4] [1, 1] : memref<2x8xf32, strided<[8, 1], offset: 16>> to memref<2x4xf32, strided<[8, 1], offset: 20>>
  %d = memref.subview %b[0, 4] [2, 4] [1, 1] : memref<2x8xf32, strided<[8, 1], offset: 16>> to memref<2x4xf32, strided<[8, 1], offset: 20>>
  memref.copy %c, %d : memref<2x4xf32, strided<[8, 1], offset: 20>> to memref<2x4xf32, strided<[8, 1], offset: 20>>
  return
}

// Subviews at different dynamic offsets may differ: the copy stays.
// CHECK-LABEL: func @dynamic_offsets
// CHECK: linalg.copy
func.func @dynamic_offsets(%buf: memref<8xf32>, %i: index, %j: index) {
  %a = memref.subview %buf[%i] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: ?>>
  %b = memref.subview %buf[%j] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: ?>>
  memref.copy %a, %b : memref<4xf32, strided<[1], offset: ?>> to memref<4xf32, strided<[1], offset: ?>>
  return
}

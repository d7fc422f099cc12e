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

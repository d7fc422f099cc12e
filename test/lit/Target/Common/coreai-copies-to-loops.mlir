// RUN: coreai-opt %s --coreai-copies-to-loops | FileCheck %s

// CHECK-LABEL: func @strided_copy
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.*}} : memref<2x3xf32, strided<[6, 1], offset: 1>>) outs(%{{.*}} : memref<2x3xf32>)
func.func @strided_copy(%src: memref<2x3xf32, strided<[6, 1], offset: 1>>, %dst: memref<2x3xf32>) {
  memref.copy %src, %dst : memref<2x3xf32, strided<[6, 1], offset: 1>> to memref<2x3xf32>
  return
}

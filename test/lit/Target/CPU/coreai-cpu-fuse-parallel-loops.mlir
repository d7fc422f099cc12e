// RUN: coreai-opt %s --split-input-file --coreai-cpu-fuse-parallel-loops | FileCheck %s

// Initialization, accumulation and epilogue over the same 4x8 space, each
// reading the output only at its own point: one nest. The arguments are
// distinct buffers (the kernel ABI), so reading %bias and %w while writing
// %out does not stop the fusion.
// CHECK-LABEL: func.func @epilogue(
// CHECK-SAME: %[[IN:[^:]*]]: memref<4x16xf32>, %[[W:[^:]*]]: memref<16x8xf32>, %[[BIAS:[^:]*]]: memref<8xf32>, %[[OUT:[^:]*]]: memref<4x8xf32>)
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) =
// CHECK: memref.load %[[BIAS]][%[[J]]]
// CHECK: memref.store %{{.*}}, %[[OUT]][%[[I]], %[[J]]]
// CHECK: scf.for
// CHECK: memref.load %[[W]]
// CHECK: arith.maximumf
// CHECK-NOT: scf.parallel
func.func @epilogue(%in: memref<4x16xf32>, %w: memref<16x8xf32>, %bias: memref<8xf32>, %out: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %b = memref.load %bias[%j] : memref<8xf32>
    memref.store %b, %out[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    scf.for %k = %c0 to %c16 step %c1 {
      %a = memref.load %in[%i, %k] : memref<4x16xf32>
      %b = memref.load %w[%k, %j] : memref<16x8xf32>
      %acc = memref.load %out[%i, %j] : memref<4x8xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      memref.store %s, %out[%i, %j] : memref<4x8xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %out[%i, %j] : memref<4x8xf32>
    %r = arith.maximumf %v, %zero : f32
    memref.store %r, %out[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  return
}

// -----

// The second nest reads the first's output at another point (a transpose):
// it must wait for the whole first nest, so they stay two nests.
// CHECK-LABEL: func.func @transposed(
// CHECK: scf.parallel
// CHECK: scf.parallel
func.func @transposed(%in: memref<8x8xf32>, %out: memref<8x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %t = memref.alloc() : memref<8x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c8) step (%c1, %c1) {
    %v = memref.load %in[%i, %j] : memref<8x8xf32>
    memref.store %v, %t[%i, %j] : memref<8x8xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c8) step (%c1, %c1) {
    %v = memref.load %t[%j, %i] : memref<8x8xf32>
    memref.store %v, %out[%i, %j] : memref<8x8xf32>
    scf.reduce
  }
  return
}

// -----

// Two views of one allocation may overlap: the second nest reads a view of
// what the first writes, so they are not fused.
// CHECK-LABEL: func.func @same_root(
// CHECK: scf.parallel
// CHECK: scf.parallel
func.func @same_root(%in: memref<8xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %buf = memref.alloc() : memref<16xf32>
  %lo = memref.subview %buf[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
  %hi = memref.subview %buf[4] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 4>>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %in[%i] : memref<8xf32>
    memref.store %v, %lo[%i] : memref<8xf32, strided<[1]>>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %hi[%i] : memref<8xf32, strided<[1], offset: 4>>
    memref.store %v, %out[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// Both nests write %buf, the second one point further: fused, the second
// body would write %buf[i + 1] before the first writes it at i + 1. Not
// fused.
// CHECK-LABEL: func.func @shifted_writes(
// CHECK: scf.parallel
// CHECK: scf.parallel
func.func @shifted_writes(%in: memref<8xf32>, %buf: memref<9xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.store %zero, %buf[%i] : memref<9xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %in[%i] : memref<8xf32>
    %j = arith.addi %i, %c1 : index
    memref.store %v, %buf[%j] : memref<9xf32>
    scf.reduce
  }
  return
}

// RUN: coreai-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(coreai-gpu-map-to-launches{workgroup-size=64}))' | FileCheck %s

// A 2x100 parallel loop: 200 points over 4 workgroups of 64 invocations,
// linearized, with a guard for the ragged tail.
// CHECK-LABEL: func @elementwise
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: gpu.launch blocks(%[[BX:.*]], %[[BY:.*]], %{{.*}}) in (%{{.*}} = %[[C4]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C64]],
// CHECK: %[[ID:.*]] = arith.addi %{{.*}}, %[[TX]] : index
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[ID]], %{{.*}} : index
// CHECK: scf.if %[[IN]] {
// CHECK:   %[[J:.*]] = arith.remui %[[ID]], %{{.*}} : index
// CHECK:   %[[I:.*]] = arith.divui %[[ID]], %{{.*}} : index
// CHECK:   memref.load %{{.*}}[%[[I]], %[[J]]] : memref<2x100xf32>
// CHECK:   memref.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]] : memref<2x100xf32>
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
func.func @elementwise(%a: memref<2x100xf32>, %b: memref<2x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c100 = arith.constant 100 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c100) step (%c1, %c1) {
    %x = memref.load %a[%i, %j] : memref<2x100xf32>
    %y = arith.addf %x, %x : f32
    memref.store %y, %b[%i, %j] : memref<2x100xf32>
    scf.reduce
  }
  return
}

// -----

// Sequential code left at the top level (here a full reduction) runs in a
// one-invocation launch; allocations stay on the host.
// CHECK-LABEL: func @serial
// CHECK: memref.alloc
// CHECK-COUNT-4: arith.constant 1 : index
// CHECK-NEXT: gpu.launch
// CHECK:        scf.for
// CHECK:   gpu.terminator
func.func @serial(%a: memref<8xf32>, %out: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %tmp = memref.alloc() : memref<f32>
  scf.for %i = %c0 to %c8 step %c1 {
    %x = memref.load %a[%i] : memref<8xf32>
    %acc = memref.load %out[] : memref<f32>
    %s = arith.addf %acc, %x : f32
    memref.store %s, %out[] : memref<f32>
  }
  return
}

// -----

// A parallel loop inside a launched loop body runs sequentially per
// invocation.
// CHECK-LABEL: func @nested
// CHECK: gpu.launch
// CHECK:   scf.for
// CHECK-NOT: scf.parallel
func.func @nested(%a: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %cst = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    scf.for %k = %c0 to %c1 step %c1 {
      scf.parallel (%j) = (%c0) to (%c8) step (%c1) {
        memref.store %cst, %a[%i, %j] : memref<4x8xf32>
        scf.reduce
      }
    }
    scf.reduce
  }
  return
}

// -----

// Views and constants are recomputed inside the kernel, so the kernel uses
// the whole buffer (a SPIR-V binding is sized by its memref type).
// CHECK-LABEL: func @view
// CHECK-SAME: (%[[BASE:.*]]: memref<4x10xf32>)
// CHECK: gpu.launch
// CHECK-DAG: arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[SUB:.*]] = memref.subview %[[BASE]][0, 1] [4, 8] [1, 1]
// CHECK: memref.store %{{.*}}, %[[SUB]]
func.func @view(%a: memref<4x10xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %cst = arith.constant 1.0 : f32
  %sub = memref.subview %a[0, 1] [4, 8] [1, 1] : memref<4x10xf32> to memref<4x8xf32, strided<[10, 1], offset: 1>>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    memref.store %cst, %sub[%i, %j] : memref<4x8xf32, strided<[10, 1], offset: 1>>
    scf.reduce
  }
  return
}

// -----

func.func @dynamic(%a: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %cst = arith.constant 1.0 : f32
  // expected-error @+1 {{parallel loop with dynamic bounds cannot become a GPU launch}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %cst, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-plan-scratch-arena))' | FileCheck %s

// A chain a -> b -> c -> out: a and c are never alive together, so c reuses
// a's bytes; b overlaps both. Sizes round up to 64 bytes: a 40 -> 64,
// b 400 -> 448, c 8 -> 64. Largest first: b at 0, then a and c at 448;
// arena = 448 + 64.
// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %[[IN:.*]]: memref<10xf32>, %[[OUT:.*]]: memref<2xf32>)
// CHECK: %[[ARENA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<512xi8>
// CHECK: %[[OA:.*]] = arith.constant 448 : index
// CHECK: %[[A:.*]] = memref.view %[[ARENA]][%[[OA]]][] : memref<512xi8> to memref<10xf32>
// CHECK: linalg.copy ins(%[[IN]] : memref<10xf32>) outs(%[[A]] : memref<10xf32>)
// CHECK: %[[OB:.*]] = arith.constant 0 : index
// CHECK: %[[B:.*]] = memref.view %[[ARENA]][%[[OB]]][] : memref<512xi8> to memref<100xf32>
// CHECK: %[[OC:.*]] = arith.constant 448 : index
// CHECK: %[[C:.*]] = memref.view %[[ARENA]][%[[OC]]][] : memref<512xi8> to memref<2xf32>
// CHECK: linalg.copy ins(%[[C]] : memref<2xf32>) outs(%[[OUT]] : memref<2xf32>)
// CHECK-NOT: memref.alloc
func.func @chain(%in: memref<10xf32>, %out: memref<2xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<10xf32>
  linalg.copy ins(%in : memref<10xf32>) outs(%a : memref<10xf32>)
  %b = memref.alloc() {alignment = 64 : i64} : memref<100xf32>
  %a2 = memref.subview %a[0] [10] [1] : memref<10xf32> to memref<10xf32, strided<[1]>>
  %b2 = memref.subview %b[0] [10] [1] : memref<100xf32> to memref<10xf32, strided<[1]>>
  linalg.copy ins(%a2 : memref<10xf32, strided<[1]>>) outs(%b2 : memref<10xf32, strided<[1]>>)
  %c = memref.alloc() {alignment = 64 : i64} : memref<2xf32>
  %b3 = memref.subview %b[0] [2] [1] : memref<100xf32> to memref<2xf32, strided<[1]>>
  linalg.copy ins(%b3 : memref<2xf32, strided<[1]>>) outs(%c : memref<2xf32>)
  linalg.copy ins(%c : memref<2xf32>) outs(%out : memref<2xf32>)
  return
}

// -----

// A use through a view keeps the buffer alive: x is read (through its
// view) after y is written, so they must not share bytes.
// CHECK-LABEL: func.func @through_view(
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<128xi8>
// CHECK: memref.view %{{.*}}[%{{.*}}][] : memref<128xi8> to memref<4x4xf32>
// CHECK: arith.constant 64 : index
// CHECK: memref.view %{{.*}}[%{{.*}}][] : memref<128xi8> to memref<16xf32>
func.func @through_view(%in: memref<16xf32>, %out: memref<16xf32>) {
  %x = memref.alloc() : memref<4x4xf32>
  %xflat = memref.collapse_shape %x [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  linalg.copy ins(%in : memref<16xf32>) outs(%xflat : memref<16xf32>)
  %y = memref.alloc() : memref<16xf32>
  linalg.copy ins(%in : memref<16xf32>) outs(%y : memref<16xf32>)
  linalg.add ins(%xflat, %y : memref<16xf32>, memref<16xf32>) outs(%out : memref<16xf32>)
  return
}

// -----

// A loop that carries the buffer aliases it: uses of the loop's result
// keep it alive, so t (written after the loop) gets bytes of its own.
// CHECK-LABEL: func.func @carried(
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<128xi8>
// CHECK: arith.constant 0 : index
// CHECK: memref.view %{{.*}}[%{{.*}}][] : memref<128xi8> to memref<16xf32>
// CHECK: arith.constant 64 : index
// CHECK: memref.view %{{.*}}[%{{.*}}][] : memref<128xi8> to memref<16xf32>
func.func @carried(%in: memref<16xf32>, %out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %s = memref.alloc() : memref<16xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %s) -> (memref<16xf32>) {
    linalg.copy ins(%in : memref<16xf32>) outs(%acc : memref<16xf32>)
    scf.yield %acc : memref<16xf32>
  }
  %t = memref.alloc() : memref<16xf32>
  linalg.copy ins(%in : memref<16xf32>) outs(%t : memref<16xf32>)
  linalg.add ins(%r, %t : memref<16xf32>, memref<16xf32>) outs(%out : memref<16xf32>)
  return
}

// -----

// Booleans (i1 has no byte layout in a byte arena) and returned buffers
// stay allocations; with nothing to plan there is no arena.
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT: memref<{{[0-9]+}}xi8>
// CHECK: memref.alloc() : memref<8xi1>
// CHECK: %[[R:.*]] = memref.alloc() : memref<8xf32>
// CHECK: return %[[R]]
func.func @left_alone(%in: memref<8xi1>) -> memref<8xf32> {
  %m = memref.alloc() : memref<8xi1>
  linalg.copy ins(%in : memref<8xi1>) outs(%m : memref<8xi1>)
  %r = memref.alloc() : memref<8xf32>
  return %r : memref<8xf32>
}

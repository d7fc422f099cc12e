// RUN: coreai-opt %s --split-input-file --coreai-cpu-form-dispatches --verify-diagnostics | FileCheck %s
// RUN: coreai-opt %s --split-input-file --coreai-cpu-form-dispatches="distribute=false" --verify-diagnostics | FileCheck %s --check-prefix=WHOLE

// One loop nest: outlined with its buffers as bindings; the host calls it as
// workgroup 0 of 1. Its outer dims (64x64 = 4096 >= 512 iterations) are
// linearized and split into `count` ranges, the inner dim stays a loop;
// 64^3 relus are worth 32 workgroups. The source node comes from the
// location.
// CHECK: module attributes {coreai.dispatches = {relu__dispatch0 = 2 : i64}}
// CHECK-LABEL: func.func @relu(
// CHECK-SAME: %[[X:.*]]: memref<64x64x64xf32>, %[[Y:.*]]: memref<64x64x64xf32>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : index
// CHECK: call @relu__dispatch0(%[[X]], %[[Y]], %[[ZERO]], %[[ONE]]) {coreai.source = "relu1 (Relu)"}
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @relu__dispatch0(
// CHECK-SAME: %[[DX:[^:]*]]: memref<64x64x64xf32>, %[[DY:[^:]*]]: memref<64x64x64xf32>, %[[ID:[^:]*]]: index, %[[COUNT:[^:]*]]: index)
// CHECK-SAME: attributes {coreai.workgroups = 32 : i64}
// CHECK-DAG: %[[T:.*]] = arith.constant 4096 : index
// CHECK: %[[LO:.*]] = arith.muli %[[ID]], %[[T]]
// CHECK: %[[BEGIN:.*]] = arith.divui %[[LO]], %[[COUNT]]
// CHECK: %[[NEXT:.*]] = arith.addi %[[ID]]
// CHECK: %[[HI:.*]] = arith.muli %[[NEXT]], %[[T]]
// CHECK: %[[END:.*]] = arith.divui %[[HI]], %[[COUNT]]
// CHECK: scf.for %[[C:.*]] = %[[BEGIN]] to %[[END]]
// CHECK: %[[J:.*]] = arith.remui %[[C]]
// CHECK: %[[I:.*]] = arith.divui %[[C]]
// CHECK: scf.parallel (%[[K:.*]]) =
// CHECK: memref.load %[[DX]][%[[I]], %[[J]], %[[K]]]
// CHECK: memref.store %{{.*}}, %[[DY]][%[[I]], %[[J]], %[[K]]]
// WHOLE-LABEL: func.func private @relu__dispatch0
// WHOLE-SAME: coreai.workgroups = 1 : i64
// WHOLE-NOT: arith.divui
// WHOLE: scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) =
func.func @relu(%x: memref<64x64x64xf32>, %y: memref<64x64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c64, %c64, %c64) step (%c1, %c1, %c1) {
    %v = memref.load %x[%i, %j, %k] : memref<64x64x64xf32>
    %r = arith.maximumf %v, %zero : f32
    memref.store %r, %y[%i, %j, %k] : memref<64x64x64xf32>
    scf.reduce
  } loc("relu1"("Relu"))
  return
}

// -----

// The dims split over workgroups follow the output's layout, not the
// nest's order: this nest iterates (h, w, c) but writes [c, h, w] (as a
// depthwise convolution does), so the outer dims are c then h (64 x 32 =
// 2048 >= 512) and w stays the inner loop: each workgroup writes
// contiguous rows of the output.
// CHECK-LABEL: func.func private @channels_last_loop__dispatch0(
// CHECK-DAG: %[[H:.*]] = arith.constant 32 : index
// CHECK: scf.for %[[L:.*]] =
// CHECK: %[[HI:.*]] = arith.remui %[[L]], %[[H]]
// CHECK: %[[CI:.*]] = arith.divui %[[L]], %[[H]]
// CHECK: scf.parallel (%[[WI:.*]]) =
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[CI]], %[[HI]], %[[WI]]]
func.func @channels_last_loop(%x: memref<64x32x32xf32>, %y: memref<64x32x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%h, %w, %c) = (%c0, %c0, %c0) to (%c32, %c32, %c64) step (%c1, %c1, %c1) {
    %v = memref.load %x[%c, %h, %w] : memref<64x32x32xf32>
    %r = arith.addf %v, %v : f32
    memref.store %r, %y[%c, %h, %w] : memref<64x32x32xf32>
    scf.reduce
  }
  return
}

// -----

// A store that does not index a split dim (every %i writes the same %y[%j])
// would let two workgroups write one element: the nest stays whole.
// CHECK-LABEL: func.func private @overlapping_writes__dispatch0(
// CHECK-SAME: coreai.workgroups = 1 : i64
// CHECK-NOT: arith.divui
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) =
func.func @overlapping_writes(%x: memref<1024x64xf32>, %y: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1024, %c64) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<1024x64xf32>
    memref.store %v, %y[%j] : memref<64xf32>
    scf.reduce
  }
  return
}

// -----

// Two nests, one dispatch each: the scratch allocation stays in the host and
// is a binding of both; the view is recomputed inside the dispatch that uses
// it, so bindings are always whole buffers. Small work: one workgroup each.
// CHECK-LABEL: func.func @views(
// CHECK-SAME: %[[X:.*]]: memref<4x8xf32>, %[[Y:.*]]: memref<32xf32>)
// CHECK: %[[TMP:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x8xf32>
// CHECK: call @views__dispatch0(%[[X]], %[[TMP]],
// CHECK: call @views__dispatch1(%[[TMP]], %[[Y]],
// CHECK-LABEL: func.func private @views__dispatch1(
// CHECK-SAME: %[[B0:[^:]*]]: memref<4x8xf32>, %[[B1:[^:]*]]: memref<32xf32>
// CHECK-SAME: coreai.workgroups = 1 : i64
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[B0]] {{\[}}[0, 1]]
// CHECK: memref.load %[[FLAT]]
// CHECK-LABEL: func.func private @views__dispatch0(
// CHECK-SAME: memref<4x8xf32>, %{{.*}}: memref<4x8xf32>, %{{.*}}: index, %{{.*}}: index)
func.func @views(%x: memref<4x8xf32>, %y: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %tmp = memref.alloc() {alignment = 64 : i64} : memref<4x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<4x8xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %tmp[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  %flat = memref.collapse_shape %tmp [[0, 1]] : memref<4x8xf32> into memref<32xf32>
  %c32 = arith.constant 32 : index
  scf.parallel (%i) = (%c0) to (%c32) step (%c1) {
    %v = memref.load %flat[%i] : memref<32xf32>
    memref.store %v, %y[%i] : memref<32xf32>
    scf.reduce
  }
  return
}

// -----

// A scalar loaded once and used by two nests keeps them in one dispatch,
// which has two nests and so is not split: one workgroup runs it all.
// CHECK-LABEL: func.func @shared_scalar(
// CHECK: call @shared_scalar__dispatch0(
// CHECK-NOT: call
// CHECK-LABEL: func.func private @shared_scalar__dispatch0(
// CHECK-SAME: coreai.workgroups = 1 : i64
// CHECK: %[[S:.*]] = memref.load %{{.*}}[] : memref<f32>
// CHECK: scf.parallel
// CHECK: memref.store %[[S]]
// CHECK: scf.parallel
// CHECK: memref.store %[[S]]
func.func @shared_scalar(%x: memref<f32>, %y: memref<16xf32>, %z: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %s = memref.load %x[] : memref<f32>
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    memref.store %s, %y[%i] : memref<16xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    memref.store %s, %z[%i] : memref<16xf32>
    scf.reduce
  }
  return
}

// -----

// A buffer without elements is no binding (it may have no bare-pointer
// form): the dispatch uses a local one.
// CHECK-LABEL: func.func @empty(
// CHECK-SAME: %{{.*}}: memref<2x0x4xf32>, %[[Y:.*]]: memref<4xf32>)
// CHECK: call @empty__dispatch0(%[[Y]],
// CHECK: call @empty__dispatch1(%{{[^,]*}}, %{{[^,]*}}) : (index, index) -> ()
// CHECK-LABEL: func.func private @empty__dispatch1(
// CHECK-SAME: %{{.*}}: index, %{{.*}}: index)
// CHECK: memref.alloca() : memref<2x0x4xf32>
func.func @empty(%x: memref<2x0x4xf32>, %y: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %zero, %y[%i] : memref<4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c2, %c0, %c4) step (%c1, %c1, %c1) {
    memref.store %zero, %x[%i, %j, %k] : memref<2x0x4xf32>
    scf.reduce
  }
  return
}

// -----

// expected-error @+1 {{dispatch formation needs a single-block function}}
func.func @branches(%x: memref<4xf32>) {
  cf.br ^next
^next:
  return
}

// -----

// A vector kernel's tiles (coreai.disjoint_tiles) split over workgroups as
// they are; a stack buffer of one tile is allocated once per workgroup
// call, at the dispatch's entry, not once per tile.
// CHECK-LABEL: func.func @tiles(
// CHECK-LABEL: func.func private @tiles__dispatch0(
// CHECK-NEXT: %[[BUF:.*]] = memref.alloca() : memref<16xf32>
// CHECK: scf.for
// CHECK-NOT: memref.alloca
// CHECK: vector.store %{{.*}}, %[[BUF]]
func.func @tiles(%in: memref<64x16xf32>, %out: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %buf = memref.alloca() : memref<16xf32>
    %v = vector.load %in[%i, %c0] : memref<64x16xf32>, vector<16xf32>
    vector.store %v, %buf[%c0] : memref<16xf32>, vector<16xf32>
    %w = vector.load %buf[%c0] : memref<16xf32>, vector<16xf32>
    vector.store %w, %out[%i, %c0] : memref<64x16xf32>, vector<16xf32>
    scf.reduce
  } {coreai.disjoint_tiles}
  return
}

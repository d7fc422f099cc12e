// RUN: coreai-opt %s --split-input-file --convert-aigraph-to-linalg | FileCheck %s
// Scatters and top_k become scf.for nests carrying their result tensors;
// gather_nd is a linalg.generic reading data and indices with tensor.extract.

// One loop per updates dim, carrying data; the index read at dim `axis` is
// wrapped and clamped, and `add` combines with the current value.
// CHECK-LABEL: func @scatter_elements_add
// CHECK-SAME: (%[[D:.*]]: tensor<3x5xf32>, %[[I:.*]]: tensor<3x2xi64>, %[[U:.*]]: tensor<3x2xf32>)
// CHECK: %[[R:.*]] = scf.for %[[A:.*]] = {{.*}} iter_args(%[[ACC0:.*]] = %[[D]])
// CHECK: scf.for %[[B:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %[[ACC0]])
// CHECK: %[[RAW:.*]] = tensor.extract %[[I]][%[[A]], %[[B]]]
// CHECK: %[[IDX:.*]] = arith.index_cast %[[RAW]]
// CHECK: arith.select
// CHECK: arith.maxsi
// CHECK: %[[COL:.*]] = arith.minsi
// CHECK: %[[UPD:.*]] = tensor.extract %[[U]][%[[A]], %[[B]]]
// CHECK: %[[OLD:.*]] = tensor.extract %[[ACC]][%[[A]], %[[COL]]]
// CHECK: %[[NEW:.*]] = arith.addf %[[OLD]], %[[UPD]]
// CHECK: tensor.insert %[[NEW]] into %[[ACC]][%[[A]], %[[COL]]]
// CHECK: return %[[R]]
func.func @scatter_elements_add(%d: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x5xf32> {
  %0 = aigraph.scatter_elements %d, %i, %u {axis = 1 : i64, reduction = #aigraph.scatter_reduction<add>} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// Without a reduction the update replaces the value: no read of the
// accumulator.
// CHECK-LABEL: func @scatter_elements_none
// CHECK: scf.for
// CHECK: tensor.extract
// CHECK-NOT: arith.addf
// CHECK: tensor.insert
func.func @scatter_elements_none(%d: tensor<4xi32>, %i: tensor<2xi32>, %u: tensor<2xi32>) -> tensor<4xi32> {
  %0 = aigraph.scatter_elements %d, %i, %u {axis = 0 : i64} : (tensor<4xi32>, tensor<2xi32>, tensor<2xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// scatter_nd with rows of one coordinate: loops over the updates [2, 4],
// the first coordinate comes from indices[i, 0], the second is the loop's.
// CHECK-LABEL: func @scatter_nd_max
// CHECK-SAME: (%[[D:.*]]: tensor<4x4xf32>, %[[I:.*]]: tensor<2x1xi64>, %[[U:.*]]: tensor<2x4xf32>)
// CHECK: scf.for %[[A:.*]] = {{.*}} iter_args
// CHECK: scf.for %[[B:.*]] = {{.*}} iter_args(%[[ACC:.*]] =
// CHECK: tensor.extract %[[I]][%[[A]], %{{.*}}]
// CHECK: %[[ROW:.*]] = arith.minsi
// CHECK: tensor.extract %[[U]][%[[A]], %[[B]]]
// CHECK: tensor.extract %[[ACC]][%[[ROW]], %[[B]]]
// CHECK: arith.maximumf
// CHECK: tensor.insert {{.*}} into %[[ACC]][%[[ROW]], %[[B]]]
func.func @scatter_nd_max(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %0 = aigraph.scatter_nd %d, %i, %u {reduction = #aigraph.scatter_reduction<max>} : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// gather_nd with one batch dim: out[b, j] = data[b, indices[b, 0], j].
// CHECK-LABEL: func @gather_nd_batch
// CHECK-SAME: (%[[D:.*]]: tensor<2x3x4xf32>, %[[I:.*]]: tensor<2x1xi64>)
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: %[[B:.*]] = linalg.index 0
// CHECK: %[[J:.*]] = linalg.index 1
// CHECK: tensor.extract %[[I]][%[[B]], %{{.*}}]
// CHECK: %[[ROW:.*]] = arith.minsi
// CHECK: tensor.extract %[[D]][%[[B]], %[[ROW]], %[[J]]]
// CHECK: -> tensor<2x4xf32>
func.func @gather_nd_batch(%d: tensor<2x3x4xf32>, %i: tensor<2x1xi64>) -> tensor<2x4xf32> {
  %0 = aigraph.gather_nd %d, %i {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x1xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// top_k: a loop over the rows, one over the k outputs carrying the
// previous pick, and one over the row selecting the best element ranked
// after it (here: smaller values first, ties by index).
// CHECK-LABEL: func @top_k_smallest
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK: scf.for {{.*}} -> (tensor<3x2xf32>, tensor<3x2xi64>, f32, index)
// CHECK: scf.for {{.*}} -> (f32, index)
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf oeq
// CHECK: scf.yield
// CHECK: tensor.insert
// CHECK: arith.index_cast {{.*}} : index to i64
// CHECK: tensor.insert
func.func @top_k_smallest(%x: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %v, %i = aigraph.top_k %x {axis = 1 : i64, k = 2 : i64, largest = false} : tensor<3x4xf32> -> tensor<3x2xf32>, tensor<3x2xi64>
  return %v, %i : tensor<3x2xf32>, tensor<3x2xi64>
}

// -----

// Integer top_k compares signed.
// CHECK-LABEL: func @top_k_int
// CHECK: arith.cmpi sgt
func.func @top_k_int(%x: tensor<5xi32>) -> (tensor<3xi32>, tensor<3xi64>) {
  %v, %i = aigraph.top_k %x {axis = 0 : i64, k = 3 : i64} : tensor<5xi32> -> tensor<3xi32>, tensor<3xi64>
  return %v, %i : tensor<3xi32>, tensor<3xi64>
}

// -----

// Unsigned top_k compares unsigned (on the signless converted type).
// CHECK-LABEL: func @top_k_unsigned
// CHECK-SAME: (%{{.*}}: tensor<4xi64>) -> (tensor<2xi64>, tensor<2xi64>)
// CHECK: arith.cmpi ult
// CHECK-NOT: arith.cmpi slt {{.*}} : i64
func.func @top_k_unsigned(%x: tensor<4xui64>) -> (tensor<2xui64>, tensor<2xi64>) {
  %v, %i = aigraph.top_k %x {axis = 0 : i64, k = 2 : i64, largest = false} : tensor<4xui64> -> tensor<2xui64>, tensor<2xi64>
  return %v, %i : tensor<2xui64>, tensor<2xi64>
}

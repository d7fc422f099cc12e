// RUN: coreai-opt %s --split-input-file --coreai-cpu-vectorize-contractions --canonicalize | FileCheck %s

// A matmul with its bias initialization and relu epilogue: 14 rows in
// blocks of 5, 5 and 4 (the first blocks take the row that 14 = 3 x 4 + 2
// leaves, in the branch of the longer blocks), 40 columns as two full vectors and a masked
// tail of 8. The bias initializes the accumulators, the reduction is one FMA
// per row and step on a vector of %b and a broadcast element of %a, and
// the relu is applied before the single store.
// CHECK-LABEL: func.func @matmul_bias_relu(
// CHECK-SAME: %[[A:[^:]*]]: memref<14x32xf32>, %[[B:[^:]*]]: memref<32x40xf32>, %[[BIAS:[^:]*]]: memref<40xf32>, %[[OUT:[^:]*]]: memref<14x40xf32>)
// CHECK-NOT: linalg.
// CHECK: scf.parallel
// CHECK: scf.if
// CHECK: vector.load %[[BIAS]]
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK: vector.load %[[B]]
// CHECK: memref.load %[[A]]
// CHECK: vector.broadcast
// CHECK: vector.fma
// CHECK: arith.maximumf
// CHECK: vector.store {{.*}}, %[[OUT]]
// CHECK: vector.constant_mask [8]
// CHECK: vector.maskedload %[[B]]
// CHECK: vector.maskedstore %[[OUT]]
// CHECK: } {coreai.disjoint_tiles}
func.func @matmul_bias_relu(%a: memref<14x32xf32>, %b: memref<32x40xf32>, %bias: memref<40xf32>, %out: memref<14x40xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%bias : memref<40xf32>) outs(%out : memref<14x40xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<14x32xf32>, memref<32x40xf32>) outs(%out : memref<14x40xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%out : memref<14x40xf32>) outs(%out : memref<14x40xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A stride-2 3x3 convolution reads its input every other element along W:
// two contiguous (masked) loads and their even lanes. The output channel
// is the row dim (the input does not vary along it), the output width the
// vector dim.
// CHECK-LABEL: func.func @conv_stride2(
// CHECK-SAME: %[[IN:[^:]*]]: memref<1x4x17x17xf32>, %[[W:[^:]*]]: memref<8x4x3x3xf32>, %[[OUT:[^:]*]]: memref<1x8x8x8xf32>)
// CHECK-NOT: linalg.
// CHECK: scf.parallel
// CHECK: vector.maskedload %[[OUT]]
// CHECK: vector.maskedload %[[IN]]
// CHECK: vector.maskedload %[[IN]]
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: memref.load %[[W]]
// CHECK: vector.fma
// CHECK: vector.maskedstore {{.*}}%[[OUT]]
// CHECK: } {coreai.disjoint_tiles}
func.func @conv_stride2(%in: memref<1x4x17x17xf32>, %w: memref<8x4x3x3xf32>, %out: memref<1x8x8x8xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%in, %w : memref<1x4x17x17xf32>, memref<8x4x3x3xf32>) outs(%out : memref<1x8x8x8xf32>)
  return
}

// -----

// A 1x1 stride-1 convolution is a matmul over the flattened image: 7x7
// becomes 49 lanes (three vectors and a tail) instead of 7.
// CHECK-LABEL: func.func @conv_1x1(
// CHECK-DAG: %[[IN:.*]] = memref.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : memref<1x16x7x7xf32> into memref<1x16x49xf32>
// CHECK-DAG: %[[W:.*]] = memref.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3]] : memref<32x16x1x1xf32> into memref<32x16xf32>
// CHECK: scf.parallel
// CHECK: vector.load %[[IN]]
// CHECK: memref.load %[[W]]
// CHECK: vector.fma
// CHECK: vector.constant_mask [1]
func.func @conv_1x1(%in: memref<1x16x7x7xf32>, %w: memref<32x16x1x1xf32>, %out: memref<1x32x7x7xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x16x7x7xf32>, memref<32x16x1x1xf32>) outs(%out : memref<1x32x7x7xf32>)
  return
}

// -----

// Max pooling is a reduction with max instead of multiply-add, initialized
// by its fill; the window operand is never read. Stride 3: a gather.
// CHECK-LABEL: func.func @max_pool(
// CHECK-NOT: linalg.
// CHECK: scf.parallel
// CHECK: vector.gather
// CHECK: arith.maximumf
// CHECK: vector.maskedstore
func.func @max_pool(%in: memref<1x8x16x16xf32>, %out: memref<1x8x5x5xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %window = memref.alloc() : memref<3x3xf32>
  linalg.fill ins(%ninf : f32) outs(%out : memref<1x8x5x5xf32>)
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<3> : tensor<2xi64>} ins(%in, %window : memref<1x8x16x16xf32>, memref<3x3xf32>) outs(%out : memref<1x8x5x5xf32>)
  return
}

// -----

// The matmul's result is scratch that only its epilogue reads: it is never
// stored, and the allocation disappears.
// CHECK-LABEL: func.func @dead_scratch(
// CHECK-SAME: %[[OUT:[^:]*]]: memref<4x16xf32>)
// CHECK-NOT: memref.alloc
// CHECK: vector.fma
// CHECK: arith.addf
// CHECK: vector.store {{.*}}, %[[OUT]]
// CHECK-NOT: memref.alloc
// CHECK: return
func.func @dead_scratch(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %r: memref<4x16xf32>, %out: memref<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<4x16xf32>
  linalg.fill ins(%zero : f32) outs(%t : memref<4x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%t : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t, %r : memref<4x16xf32>, memref<4x16xf32>) outs(%out : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Both operands vary along the output's innermost dim (no operand to
// broadcast): not an outer product, left to the loop lowering.
// CHECK-LABEL: func.func @not_outer_product(
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @not_outer_product(%a: memref<4x16xf32>, %b: memref<4x16xf32>, %out: memref<16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, k) -> (k, n)>, affine_map<(n, k) -> (k, n)>, affine_map<(n, k) -> (n)>], iterator_types = ["parallel", "reduction"]} ins(%a, %b : memref<4x16xf32>, memref<4x16xf32>) outs(%out : memref<16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An epilogue that writes the buffer the contraction reads must not run
// inside it (later tiles would read its results): the matmul is one
// kernel, the epilogue an elementwise kernel after it.
// CHECK-LABEL: func.func @epilogue_into_operand(
// CHECK-SAME: %[[B:[^:]*]]: memref<16x16xf32>, %[[OUT:[^:]*]]: memref<16x16xf32>)
// CHECK: scf.parallel
// CHECK: vector.fma
// CHECK-NOT: arith.addf {{.*}} : vector<16xf32>
// CHECK: } {coreai.disjoint_tiles}
// CHECK: scf.parallel
// CHECK: vector.load %[[OUT]]
// CHECK: arith.addf {{.*}} : vector<16xf32>
// CHECK: vector.store {{.*}}, %[[B]]
// CHECK: } {coreai.disjoint_tiles}
func.func @epilogue_into_operand(%a: memref<16x16xf32>, %b: memref<16x16xf32>, %out: memref<16x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<16x16xf32>, memref<16x16xf32>) outs(%out : memref<16x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%out : memref<16x16xf32>) outs(%b : memref<16x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %x : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An epilogue reading an i1 mask stays a loop: a vector of i1 is bit-packed,
// the buffer holds a byte per element.
// CHECK-LABEL: func.func @mask_epilogue(
// CHECK: vector.fma
// CHECK: linalg.generic
// CHECK: arith.select
func.func @mask_epilogue(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %m: memref<4x16xi1>, %out: memref<4x16xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%out : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m, %out : memref<4x16xi1>, memref<4x16xf32>) outs(%out : memref<4x16xf32>) {
  ^bb0(%c: i1, %x: f32, %o: f32):
    %s = arith.select %c, %x, %ninf : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An elementwise op on its own: rows of vectors along the innermost dim, a
// broadcast input read once per row, a masked tail.
// CHECK-LABEL: func.func @elementwise(
// CHECK-SAME: %[[X:[^:]*]]: memref<8x20xf32>, %[[ROW:[^:]*]]: memref<8xf32>, %[[OUT:[^:]*]]: memref<8x20xf32>)
// CHECK: scf.parallel
// CHECK: vector.load %[[X]]
// CHECK: memref.load %[[ROW]]
// CHECK: vector.broadcast
// CHECK: math.exp {{.*}} : vector<16xf32>
// CHECK: vector.store {{.*}}, %[[OUT]]
// CHECK: vector.maskedload %[[X]]
// CHECK: vector.maskedstore %[[OUT]]
func.func @elementwise(%x: memref<8x20xf32>, %row: memref<8xf32>, %out: memref<8x20xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %row : memref<8x20xf32>, memref<8xf32>) outs(%out : memref<8x20xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// A transposing copy reads along another dim than it writes: each row of
// 16 lanes is one gather of every 16th element (before, a scalar loop).
// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[X:[^:]*]]: memref<16x16xf32>, %[[OUT:[^:]*]]: memref<16x16xf32>)
// CHECK: %[[OFFSETS:.*]] = arith.constant dense<[0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240]> : vector<16xi32>
// CHECK: scf.parallel
// CHECK: %[[V:.*]] = vector.gather %[[X]][%c0, %{{.*}}] [%[[OFFSETS]]]
// CHECK: vector.store %[[V]], %[[OUT]][%{{.*}}, %c0]
// CHECK: } {coreai.disjoint_tiles}
func.func @transpose(%x: memref<16x16xf32>, %out: memref<16x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : memref<16x16xf32>) outs(%out : memref<16x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

// Attention's head split (linalg.transpose keeping the innermost dim):
// contiguous rows of 64; its k^T ([0, 2, 3, 1]) gathers with the sequence's
// stride, 6 * 64 elements.
// CHECK-LABEL: func.func @head_transposes(
// CHECK-SAME: %[[X:[^:]*]]: memref<1x20x6x64xf32>
// CHECK: arith.constant dense<[0, 384, 768, 1152, {{.*}}]> : vector<16xi32>
// CHECK: scf.parallel
// CHECK: vector.load %[[X]]
// CHECK: } {coreai.disjoint_tiles}
// CHECK: scf.parallel
// CHECK: vector.gather %[[X]][%c0, %c0, %{{.*}}, %{{.*}}] [%[[STRIDES:.*]]]
// CHECK: vector.maskedstore
// CHECK: } {coreai.disjoint_tiles}
func.func @head_transposes(%x: memref<1x20x6x64xf32>, %heads: memref<1x6x20x64xf32>, %keys: memref<1x6x64x20xf32>) {
  linalg.transpose ins(%x : memref<1x20x6x64xf32>) outs(%heads : memref<1x6x20x64xf32>) permutation = [0, 2, 1, 3]
  linalg.transpose ins(%x : memref<1x20x6x64xf32>) outs(%keys : memref<1x6x64x20xf32>) permutation = [0, 2, 3, 1]
  return
}

// -----

// The rows of %b lie 2 KB apart: per 128-column panel and group of row
// blocks, each block of 256 k is first packed into a contiguous buffer that
// the kernel reads, each 16-column block's 256 rows in a row (micro-panels);
// partial sums go back to %out until the last k block.
// CHECK-LABEL: func.func @packed_matmul(
// CHECK-SAME: %[[A:[^:]*]]: memref<32x300xf32>, %[[B:[^:]*]]: memref<300x512xf32>, %[[OUT:[^:]*]]: memref<32x512xf32>)
// CHECK: scf.parallel
// CHECK: %[[PACK:.*]] = memref.alloca() {alignment = 64 : i64} : memref<8x256x16xf32>
// CHECK: scf.for
// CHECK: scf.for %[[KK:[^ ]*]] =
// CHECK: scf.for %[[BLOCK:[^ ]*]] =
// CHECK: vector.load %[[B]]
// CHECK: vector.store {{.*}}, %[[PACK]][%[[BLOCK]], %[[KK]], %c0]
// CHECK: %[[LOCAL:.*]] = arith.divui
// CHECK: scf.for %[[K:[^ ]*]] =
// CHECK: vector.load %[[PACK]][%[[LOCAL]], %[[K]], %c0]
// CHECK: memref.load %[[A]]
// CHECK: vector.fma
// CHECK: } {coreai.disjoint_tiles}
func.func @packed_matmul(%a: memref<32x300xf32>, %b: memref<300x512xf32>, %out: memref<32x512xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<32x300xf32>, memref<300x512xf32>) outs(%out : memref<32x512xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A row max along the contiguous innermost dim: one row per iteration,
// 16 partial maxima in a vector (the 4-element tail masked with -inf),
// combined across lanes once, then with the output's initial value.
// CHECK-LABEL: func.func @row_max(
// CHECK-SAME: %[[X:[^:]*]]: memref<8x36xf32>, %[[OUT:[^:]*]]: memref<8xf32>)
// CHECK: scf.parallel (%[[ROW:.*]]) =
// CHECK: scf.for {{.*}} iter_args
// CHECK: vector.load %[[X]][%[[ROW]], %{{.*}}]
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: vector.constant_mask [4]
// CHECK: vector.maskedload %[[X]]
// CHECK: vector.reduction <maximumf>
// CHECK: memref.load %[[OUT]][%[[ROW]]]
// CHECK: memref.store {{.*}}, %[[OUT]][%[[ROW]]]
// CHECK: } {coreai.disjoint_tiles}
func.func @row_max(%x: memref<8x36xf32>, %out: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : memref<8x36xf32>) outs(%out : memref<8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maximumf %in, %acc : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// A global average pool's sum with the relu before it fused into its body:
// H and W, contiguous in the input, are collapsed into one 36-long row; the
// relu runs on each vector, and masked-off lanes of the tail are replaced
// by the sum's identity after it (not every function keeps 0 at 0).
// CHECK-LABEL: func.func @pool_relu_sum(
// CHECK-SAME: %[[X:[^:]*]]: memref<1x4x6x6xf32>, %[[OUT:[^:]*]]: memref<1x4xf32>)
// CHECK: %[[ROWS:.*]] = memref.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : memref<1x4x6x6xf32> into memref<1x4x36xf32>
// CHECK: scf.parallel (%[[ROW:.*]]) =
// CHECK: scf.for {{.*}} iter_args
// CHECK: vector.load %[[ROWS]][%{{.*}}, %[[ROW]], %{{.*}}]
// CHECK: arith.maximumf {{.*}} : vector<16xf32>
// CHECK: arith.addf {{.*}} : vector<16xf32>
// CHECK: %[[MASK:.*]] = vector.constant_mask [4]
// CHECK: vector.maskedload %[[ROWS]]
// CHECK: arith.maximumf
// CHECK: arith.select %[[MASK]]
// CHECK: vector.reduction <add>
// CHECK: memref.store {{.*}}, %[[OUT]]
// CHECK: } {coreai.disjoint_tiles}
func.func @pool_relu_sum(%x: memref<1x4x6x6xf32>, %out: memref<1x4xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%x : memref<1x4x6x6xf32>) outs(%out : memref<1x4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.maximumf %in, %zero : f32
    %s = arith.addf %acc, %r : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A softmax's sum of exp(x - max): the row max, which does not vary along
// the row, is read once per row and broadcast; exp runs on vectors.
// CHECK-LABEL: func.func @exp_sum(
// CHECK-SAME: %[[X:[^:]*]]: memref<8x20xf32>, %[[MAX:[^:]*]]: memref<8xf32>, %[[OUT:[^:]*]]: memref<8xf32>)
// CHECK: scf.parallel (%[[ROW:.*]]) =
// CHECK: %[[M:.*]] = memref.load %[[MAX]][%[[ROW]]]
// CHECK: %[[MV:.*]] = vector.broadcast %[[M]]
// CHECK: %[[V:.*]] = vector.load %[[X]][%[[ROW]], %{{.*}}]
// CHECK: %[[D:.*]] = arith.subf %[[V]], %[[MV]] : vector<16xf32>
// CHECK: math.exp %[[D]] : vector<16xf32>
// CHECK: vector.maskedload %[[X]]
// CHECK: math.exp
// CHECK: arith.select
// CHECK: vector.reduction <add>
// CHECK: memref.store {{.*}}, %[[OUT]][%[[ROW]]]
func.func @exp_sum(%x: memref<8x20xf32>, %max: memref<8xf32>, %out: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x, %max : memref<8x20xf32>, memref<8xf32>) outs(%out : memref<8xf32>) {
  ^bb0(%in: f32, %m: f32, %acc: f32):
    %d = arith.subf %in, %m : f32
    %e = math.exp %d : f32
    %s = arith.addf %acc, %e : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A matrix-vector product with the matrix read along its rows (a fully
// connected layer at batch 1, weights [N, K]): one dot product per output,
// both operands loaded as vectors along k.
// CHECK-LABEL: func.func @matvec(
// CHECK-SAME: %[[X:[^:]*]]: memref<1x40xf32>, %[[W:[^:]*]]: memref<24x40xf32>, %[[OUT:[^:]*]]: memref<1x24xf32>)
// CHECK: scf.parallel (%[[N:.*]]) =
// CHECK: vector.load %[[X]]
// CHECK: vector.load %[[W]][%[[N]], %{{.*}}]
// CHECK: vector.fma
// CHECK: vector.constant_mask [8]
// CHECK: vector.reduction <add>
// CHECK: memref.store {{.*}}, %[[OUT]]
func.func @matvec(%x: memref<1x40xf32>, %w: memref<24x40xf32>, %out: memref<1x24xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : memref<1x40xf32>, memref<24x40xf32>) outs(%out : memref<1x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The first epilogue reads row 0 of %x at every point; the second writes
// %x. Run point by point, later tiles would read the new row 0: the second
// epilogue stays a separate kernel after the matmul's.
// CHECK-LABEL: func.func @epilogue_overwrites_a_read(
// CHECK-SAME: %[[X:[^:]*]]: memref<12x16xf32>, %[[OUT:[^:]*]]: memref<12x16xf32>)
// CHECK: scf.parallel
// CHECK: vector.fma
// CHECK: vector.load %[[X]]
// CHECK: vector.store {{.*}}, %[[OUT]]
// CHECK-NOT: vector.store {{.*}}, %[[X]]
// CHECK: } {coreai.disjoint_tiles}
// CHECK: scf.parallel
// CHECK: vector.store {{.*}}, %[[X]]
func.func @epilogue_overwrites_a_read(%a: memref<12x8xf32>, %b: memref<8x16xf32>, %x: memref<12x16xf32>, %out: memref<12x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<12x8xf32>, memref<8x16xf32>) outs(%out : memref<12x16xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%out, %x : memref<12x16xf32>, memref<12x16xf32>) outs(%out : memref<12x16xf32>) {
  ^bb0(%v: f32, %r: f32, %o: f32):
    %s = arith.addf %v, %r : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%out : memref<12x16xf32>) outs(%x : memref<12x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = arith.mulf %v, %v : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The second epilogue reads %t back from memory (and writes it): %t is
// stored although only fused ops use it, before the stage that reads it.
// CHECK-LABEL: func.func @chain_reread(
// CHECK: %[[T:.*]] = memref.alloc() : memref<4x16xf32>
// CHECK: vector.fma
// CHECK: vector.store {{.*}}, %[[T]]
// CHECK: arith.maximumf
// CHECK: vector.load %[[T]]
func.func @chain_reread(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %out: memref<4x16xf32>, %z: memref<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<4x16xf32>
  linalg.fill ins(%zero : f32) outs(%t : memref<4x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%t : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t : memref<4x16xf32>) outs(%out : memref<4x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%out, %t : memref<4x16xf32>, memref<4x16xf32>) outs(%t : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%t : memref<4x16xf32>) outs(%z : memref<4x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.mulf %x, %x : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// An epilogue reading the matmul's result twice: not fused (one register
// per read), and no crash.
// CHECK-LABEL: func.func @dup_acc(
// CHECK: vector.fma
// CHECK: vector.store
// CHECK: vector.load
// CHECK: arith.mulf {{.*}} : vector<16xf32>
func.func @dup_acc(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %out: memref<4x16xf32>, %z: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%out : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%out, %out : memref<4x16xf32>, memref<4x16xf32>) outs(%z : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.mulf %x, %y : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The relu writes another view of the buffer the matmul writes (one row
// down): fused, or run as parallel tiles, it would overwrite rows still to
// be computed. It stays a loop after the matmul's kernel.
// CHECK-LABEL: func.func @overlap(
// CHECK: vector.fma
// CHECK-NOT: arith.maximumf
// CHECK: linalg.generic
// CHECK: arith.maximumf
func.func @overlap(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %big: memref<5x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %out = memref.subview %big[0, 0] [4, 16] [1, 1] : memref<5x16xf32> to memref<4x16xf32, strided<[16, 1]>>
  %y = memref.subview %big[1, 0] [4, 16] [1, 1] : memref<5x16xf32> to memref<4x16xf32, strided<[16, 1], offset: 16>>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%out : memref<4x16xf32, strided<[16, 1]>>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%out : memref<4x16xf32, strided<[16, 1]>>) outs(%y : memref<4x16xf32, strided<[16, 1], offset: 16>>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A 3x3 convolution over 7x7 images would use 7 of 16 lanes: it runs over
// the flattened padded image instead (61 columns p = oh * 9 + ow, 49 of 64
// lanes), its bias initializer moved to the [1, 12, 61] scratch, its taps
// unrolled (no loop over kw or kh). The residual add + relu that consumed
// the output reads the scratch at oh * 9 + ow (the output buffer is gone).
// CHECK-LABEL: func.func @conv_short_rows(
// CHECK-SAME: %[[IN:[^:]*]]: memref<1x4x9x9xf32>, %[[W:[^:]*]]: memref<12x4x3x3xf32>, %[[B:[^:]*]]: memref<12xf32>, %[[RES:[^:]*]]: memref<1x12x7x7xf32>, %[[Y:[^:]*]]: memref<1x12x7x7xf32>)
// CHECK-NOT: memref<1x12x7x7xf32>{{$}}
// CHECK-DAG: %[[IMG:.*]] = memref.collapse_shape %[[IN]] {{\[}}[0], [1], [2, 3]] : memref<1x4x9x9xf32> into memref<1x4x81xf32>
// CHECK-DAG: %[[FLAT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x12x61xf32>
// CHECK: scf.parallel
// CHECK: memref.load %[[B]]
// CHECK-NOT: scf.for {{.*}} to %c3
// CHECK: vector.load %[[IMG]]
// CHECK: memref.load %[[W]]
// CHECK: vector.fma
// CHECK: vector.store {{.*}}, %[[FLAT]]
// CHECK: } {coreai.disjoint_tiles}
// CHECK: scf.parallel
// CHECK: vector.maskedload %[[FLAT]]
// CHECK: vector.maskedload %[[RES]]
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: vector.maskedstore %[[Y]]
// CHECK: } {coreai.disjoint_tiles}
#bias = affine_map<(n, f, h, w) -> (f)>
#id = affine_map<(n, f, h, w) -> (n, f, h, w)>
func.func @conv_short_rows(%in: memref<1x4x9x9xf32>, %w: memref<12x4x3x3xf32>, %b: memref<12xf32>, %res: memref<1x12x7x7xf32>, %y: memref<1x12x7x7xf32>) {
  %zero = arith.constant 0.0 : f32
  %out = memref.alloc() : memref<1x12x7x7xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<12xf32>) outs(%out : memref<1x12x7x7xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x4x9x9xf32>, memref<12x4x3x3xf32>) outs(%out : memref<1x12x7x7xf32>)
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%out, %res : memref<1x12x7x7xf32>, memref<1x12x7x7xf32>) outs(%y : memref<1x12x7x7xf32>) {
  ^bb0(%x: f32, %r: f32, %o: f32):
    %s = arith.addf %x, %r : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// A depthwise convolution flattens the same way (rows are channels). Its
// output is the caller's buffer, read by nothing here: a copy from the
// scratch writes it.
// CHECK-LABEL: func.func @depthwise_short_rows_copied(
// CHECK-SAME: %[[IN:[^:]*]]: memref<1x12x9x9xf32>, %[[W:[^:]*]]: memref<12x3x3xf32>, %[[OUT:[^:]*]]: memref<1x12x7x7xf32>)
// CHECK-DAG: %[[IMG:.*]] = memref.collapse_shape %[[IN]] {{\[}}[0], [1], [2, 3]] : memref<1x12x9x9xf32> into memref<1x12x81xf32>
// CHECK-DAG: %[[FLAT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x12x61xf32>
// CHECK: scf.parallel
// CHECK: vector.load %[[IMG]]
// CHECK: memref.load %[[W]]
// CHECK: vector.store {{.*}}, %[[FLAT]]
// CHECK: } {coreai.disjoint_tiles}
// CHECK: vector.maskedload %[[FLAT]]
// CHECK: vector.maskedstore %[[OUT]]
func.func @depthwise_short_rows_copied(%in: memref<1x12x9x9xf32>, %w: memref<12x3x3xf32>, %out: memref<1x12x7x7xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<1x12x7x7xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x12x9x9xf32>, memref<12x3x3xf32>) outs(%out : memref<1x12x7x7xf32>)
  return
}

// -----

// The consumer reads the output twice (once transposed): it cannot read the
// scratch instead, so a copy writes the output first and the consumer reads
// the output (its own kernel: a gather for the transposed read).
// CHECK-LABEL: func.func @conv_short_rows_read_twice(
// CHECK: %[[FLAT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x12x61xf32>
// CHECK: } {coreai.disjoint_tiles}
// CHECK: vector.maskedload %[[FLAT]]
// CHECK: vector.maskedstore %[[OUT:[a-z0-9_]+]]{{\[}}
// CHECK: } {coreai.disjoint_tiles}
// CHECK: vector.gather %[[OUT]]
// CHECK: vector.maskedload %[[OUT]]
func.func @conv_short_rows_read_twice(%in: memref<1x8x9x9xf32>, %w: memref<12x8x3x3xf32>, %y: memref<1x12x7x7xf32>) {
  %zero = arith.constant 0.0 : f32
  %out = memref.alloc() : memref<1x12x7x7xf32>
  linalg.fill ins(%zero : f32) outs(%out : memref<1x12x7x7xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x8x9x9xf32>, memref<12x8x3x3xf32>) outs(%out : memref<1x12x7x7xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w) -> (n, f, w, h)>, affine_map<(n, f, h, w) -> (n, f, h, w)>, affine_map<(n, f, h, w) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%out, %out : memref<1x12x7x7xf32>, memref<1x12x7x7xf32>) outs(%y : memref<1x12x7x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An initializer that reads the output's previous value (a bias added to a
// residual already there) cannot move to the scratch, which has none: the
// convolution reads the image in place.
// CHECK-LABEL: func.func @conv_short_rows_accumulating_init(
// CHECK-NOT: memref.collapse_shape
// CHECK: vector.fma
func.func @conv_short_rows_accumulating_init(%in: memref<1x4x9x9xf32>, %w: memref<8x4x3x3xf32>, %b: memref<8xf32>, %out: memref<1x8x7x7xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w) -> (f)>, affine_map<(n, f, h, w) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<8xf32>) outs(%out : memref<1x8x7x7xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %o, %x : f32
    linalg.yield %s : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x4x9x9xf32>, memref<8x4x3x3xf32>) outs(%out : memref<1x8x7x7xf32>)
  return
}

// -----

// Stride 2: the input is split into its four phases (8x8 each, copied
// with stride-2 loads: even lanes of a load), and each phase is a stride-1
// convolution with the taps that fall on it (a strided view of the filter:
// 2x2, 2x1, 1x2 and 1x1), accumulating into one [1, 12, 55] scratch (55 =
// 6 * 8 + 7 columns).
// CHECK-LABEL: func.func @conv_stride2_phases(
// CHECK-SAME: %[[IN:[^:]*]]: memref<1x4x16x16xf32>, %[[W:[^:]*]]: memref<12x4x3x3xf32>, %[[Y:[^:]*]]: memref<1x12x7x7xf32>)
// CHECK-COUNT-4: memref.alloc() {alignment = 64 : i64} : memref<1x4x8x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[FLAT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x12x55xf32>
// CHECK: memref.subview %[[W]][0, 0, 0, 0] [12, 4, 2, 2] [1, 1, 2, 2]
// CHECK: } {coreai.disjoint_tiles}
// CHECK: memref.subview %[[W]][0, 0, 0, 1] [12, 4, 2, 1] [1, 1, 2, 2]
// CHECK: } {coreai.disjoint_tiles}
// CHECK: memref.subview %[[W]][0, 0, 1, 0] [12, 4, 1, 2] [1, 1, 2, 2]
// CHECK: } {coreai.disjoint_tiles}
// CHECK: memref.subview %[[W]][0, 0, 1, 1] [12, 4, 1, 1] [1, 1, 2, 2]
// CHECK: } {coreai.disjoint_tiles}
// CHECK: vector.maskedload %[[FLAT]]
// CHECK: arith.maximumf
// CHECK: vector.maskedstore %[[Y]]
func.func @conv_stride2_phases(%in: memref<1x4x16x16xf32>, %w: memref<12x4x3x3xf32>, %y: memref<1x12x7x7xf32>) {
  %zero = arith.constant 0.0 : f32
  %out = memref.alloc() : memref<1x12x7x7xf32>
  linalg.fill ins(%zero : f32) outs(%out : memref<1x12x7x7xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%in, %w : memref<1x4x16x16xf32>, memref<12x4x3x3xf32>) outs(%out : memref<1x12x7x7xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, f, h, w) -> (n, f, h, w)>, affine_map<(n, f, h, w) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%out : memref<1x12x7x7xf32>) outs(%y : memref<1x12x7x7xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.maximumf %x, %zero : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// A stride-2 1x1 convolution is a matmul over a subsampled copy of its
// input: 49 lanes of contiguous loads instead of 7 of stride-2 loads.
// CHECK-LABEL: func.func @conv_1x1_stride2(
// CHECK-SAME: %[[IN:[^:]*]]: memref<1x16x14x14xf32>
// CHECK: %[[SAMPLED:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x16x7x7xf32>
// CHECK: vector.maskedload %[[IN]]
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: vector.maskedstore %[[SAMPLED]]
// CHECK: %[[IMG:.*]] = memref.collapse_shape %[[SAMPLED]] {{\[}}[0], [1], [2, 3]] : memref<1x16x7x7xf32> into memref<1x16x49xf32>
// CHECK: scf.parallel
// CHECK: vector.load %[[IMG]]
// CHECK: vector.fma
func.func @conv_1x1_stride2(%in: memref<1x16x14x14xf32>, %w: memref<32x16x1x1xf32>, %out: memref<1x32x7x7xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<1x32x7x7xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%in, %w : memref<1x16x14x14xf32>, memref<32x16x1x1xf32>) outs(%out : memref<1x32x7x7xf32>)
  return
}

// -----

// Windows that tile the image (a 4x4 stride-4 patch embedding): the patches
// are copied out once, [N, C, KH, KW, OH, OW] (rows of every 4th element,
// gathered), and the convolution is the
// matmul of the filter [F, C*KH*KW] and the patches [C*KH*KW, OH*OW]: 64
// contiguous lanes instead of loads of stride 4 along 8 columns.
// CHECK-LABEL: func.func @patch_embedding(
// CHECK-SAME: %[[IN:[^:]*]]: memref<1x3x32x32xf32>, %[[W:[^:]*]]: memref<12x3x4x4xf32>
// CHECK: %[[PATCHES:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x3x4x4x8x8xf32>
// CHECK: vector.gather %[[IN]]
// CHECK: vector.maskedstore %[[PATCHES]]
// CHECK: %[[IMG:.*]] = memref.collapse_shape %[[PATCHES]] {{\[}}[0], [1, 2, 3], [4, 5]] : memref<1x3x4x4x8x8xf32> into memref<1x48x64xf32>
// CHECK: %[[W2:.*]] = memref.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : memref<12x3x4x4xf32> into memref<12x48xf32>
// CHECK: scf.parallel
// CHECK: vector.load %[[IMG]]
// CHECK: memref.load %[[W2]]
// CHECK: vector.fma
func.func @patch_embedding(%in: memref<1x3x32x32xf32>, %w: memref<12x3x4x4xf32>, %out: memref<1x12x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<1x12x8x8xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<4> : tensor<2xi64>} ins(%in, %w : memref<1x3x32x32xf32>, memref<12x3x4x4xf32>) outs(%out : memref<1x12x8x8xf32>)
  return
}

// -----

// Overlapping windows (3x3 at stride 2) are not patches: no space-to-depth
// copy.
// CHECK-LABEL: func.func @strided_3x3_not_patches(
// CHECK-NOT: memref<1x4x3x3x
// CHECK: return
func.func @strided_3x3_not_patches(%in: memref<1x4x17x17xf32>, %w: memref<8x4x3x3xf32>, %out: memref<1x8x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<1x8x8x8xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%in, %w : memref<1x4x17x17xf32>, memref<8x4x3x3xf32>) outs(%out : memref<1x8x8x8xf32>)
  return
}

// -----

// 16-wide output rows already fill every lane: the convolution reads the
// image in place.
// CHECK-LABEL: func.func @conv_full_rows(
// CHECK-NOT: memref.collapse_shape
// CHECK-NOT: memref.alloc
// CHECK: scf.parallel
// CHECK: vector.fma
func.func @conv_full_rows(%in: memref<1x4x18x18xf32>, %w: memref<8x4x3x3xf32>, %out: memref<1x8x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<1x8x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : memref<1x4x18x18xf32>, memref<8x4x3x3xf32>) outs(%out : memref<1x8x16x16xf32>)
  return
}

// -----

// 7 rows: one tile of 7 where the registers hold 16 of the kernel's vectors
// (2 x 7 + 2: AVX-512's 32 registers), else blocks of 4 and 3: the kernel
// asks the address of @coreai_cpu_vector_registers, which each CPU
// variant's object replaces by its count, and the pass declares it.
// CHECK: llvm.mlir.global external constant @coreai_cpu_vector_registers()
// CHECK-LABEL: func.func @seven_rows(
// CHECK: %[[ADDRESS:.*]] = llvm.mlir.addressof @coreai_cpu_vector_registers : !llvm.ptr
// CHECK: %[[COUNT:.*]] = llvm.ptrtoint %[[ADDRESS]] : !llvm.ptr to i64
// CHECK: %[[REGISTERS:.*]] = arith.index_cast %[[COUNT]] : i64 to index
// CHECK: %[[WIDE:.*]] = arith.cmpi sge, %[[REGISTERS]], %c16 : index
// CHECK: scf.if %[[WIDE]] {
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK: } else {
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>) {
func.func @seven_rows(%a: memref<7x64xf32>, %b: memref<64x16xf32>, %out: memref<7x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<7x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : memref<7x64xf32>, memref<64x16xf32>) outs(%out : memref<7x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Weights stored in blocks of 16 output channels
// (aigraph-block-convolution-weights): the convolution runs along its
// output channels, over the output viewed as [1, 2, 16, 7, 7]. Each step
// loads 16 channels of the stored blocks and broadcasts one input pixel
// per row (the rows are output rows, 4 and 3 or 7), the bias initializes
// the accumulators, and each row's 16 channels are scattered 49 elements
// apart. The transpose that would rebuild the [F, C, KH, KW] filter is gone.
// CHECK-LABEL: func.func @blocked_conv(
// CHECK-SAME: %[[IN:[^:]*]]: memref<1x4x9x9xf32>, %[[WB:[^:]*]]: memref<2x4x3x3x16xf32>, %[[B:[^:]*]]: memref<32xf32>, %[[OUT:[^:]*]]: memref<1x32x7x7xf32>)
// CHECK-NOT: linalg.
// CHECK: %[[VIEW:.*]] = memref.expand_shape %[[OUT]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 16, 7, 7]
// CHECK: scf.parallel
// CHECK: vector.load %[[B]]
// CHECK: vector.load %[[WB]]
// CHECK: memref.load %[[IN]]
// CHECK: vector.fma
// CHECK: vector.scatter %[[VIEW]]{{.*}} : memref<1x2x16x7x7xf32>, vector<16xi32>, vector<16xi1>, vector<16xf32>
// CHECK: } {coreai.disjoint_tiles}
// CHECK-NOT: memref.alloc
#bias = affine_map<(n, f, h, w) -> (f)>
#id = affine_map<(n, f, h, w) -> (n, f, h, w)>
func.func @blocked_conv(%in: memref<1x4x9x9xf32>, %wb: memref<2x4x3x3x16xf32>, %b: memref<32xf32>, %out: memref<1x32x7x7xf32>) {
  %w = memref.alloc() : memref<2x16x4x3x3xf32>
  linalg.transpose ins(%wb : memref<2x4x3x3x16xf32>) outs(%w : memref<2x16x4x3x3xf32>) permutation = [0, 4, 1, 2, 3]
  %filter = memref.collapse_shape %w [[0, 1], [2], [3], [4]] : memref<2x16x4x3x3xf32> into memref<32x4x3x3xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<32xf32>) outs(%out : memref<1x32x7x7xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %filter : memref<1x4x9x9xf32>, memref<32x4x3x3xf32>) outs(%out : memref<1x32x7x7xf32>)
  return
}

// -----

// Its initializer apart from it (another op in between): the kernel starts
// from the output's values, gathered 49 elements apart.
// CHECK-LABEL: func.func @blocked_conv_initialized_before(
// CHECK-SAME: %[[IN:[^:]*]]: memref<1x4x9x9xf32>, %[[WB:[^:]*]]: memref<2x4x3x3x16xf32>, %[[OUT:[^:]*]]: memref<1x32x7x7xf32>, %[[OTHER:[^:]*]]: memref<8xf32>)
// CHECK: %[[VIEW:.*]] = memref.expand_shape %[[OUT]]
// CHECK: vector.gather %[[VIEW]]
// CHECK: vector.load %[[WB]]
// CHECK: vector.scatter %[[VIEW]]
func.func @blocked_conv_initialized_before(%in: memref<1x4x9x9xf32>, %wb: memref<2x4x3x3x16xf32>, %out: memref<1x32x7x7xf32>, %other: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.alloc() : memref<2x16x4x3x3xf32>
  linalg.transpose ins(%wb : memref<2x4x3x3x16xf32>) outs(%w : memref<2x16x4x3x3xf32>) permutation = [0, 4, 1, 2, 3]
  %filter = memref.collapse_shape %w [[0, 1], [2], [3], [4]] : memref<2x16x4x3x3xf32> into memref<32x4x3x3xf32>
  linalg.fill ins(%zero : f32) outs(%out : memref<1x32x7x7xf32>)
  linalg.fill ins(%zero : f32) outs(%other : memref<8xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %filter : memref<1x4x9x9xf32>, memref<32x4x3x3xf32>) outs(%out : memref<1x32x7x7xf32>)
  return
}

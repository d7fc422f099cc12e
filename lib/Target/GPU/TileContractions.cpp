//===- TileContractions.cpp - Shared-memory tiled kernels for contractions ===//
//
// Matrix products and convolutions reuse every input element many times. The
// generic mapping (one invocation per output element, reading its operands
// from global memory) reads each of them once per use. Here a 16x16
// workgroup computes a 16x16 tile of the output: for each slice of 16
// reduction steps, every invocation copies one element of each operand into
// workgroup memory, the group synchronizes, and each invocation accumulates
// its element from the shared tiles. So each global element is read once per
// tile instead of once per use.
//
// Each invocation computes up to 4x4 outputs (register blocking), so a
// workgroup covers up to a 64x64 output tile per pass over the reduction.
//
// It applies to a linalg op on buffers with two inputs A and B whose
// parallel dimensions split into those only A uses (the tile's rows), those
// only B uses (its columns) and those both use (one workgroup layer each),
// e.g. matmul (m | n), batch matmul (b | m | n) or conv_2d_nchw_fchw, read as
// an implicit GEMM (n, oh, ow | f, with c, kh, kw as the reduction). Indices
// come from the op's own indexing maps and its body is cloned into the
// reduction loop, so any element types and combiners work.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_GPUTILECONTRACTIONS
#include "lib/Target/GPU/Passes.h.inc"
} // namespace coreai

namespace {

constexpr int64_t kTile = 16;
constexpr int64_t kMaxGroups = 65535;

struct Dims {
  SmallVector<unsigned> batch, rows, cols, reduction;
  SmallVector<int64_t> ranges;
};

int64_t product(const Dims &d, ArrayRef<unsigned> dims) {
  int64_t p = 1;
  for (unsigned i : dims)
    p *= d.ranges[i];
  return p;
}

/// How `op` splits into a tiled product, or failure if it does not.
FailureOr<Dims> classify(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !op.hasPureBufferSemantics() || op.getNumLoops() == 0)
    return failure();
  if (!op.getBlock()->getOps<linalg::IndexOp>().empty())
    return failure();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!maps[2].isProjectedPermutation())
    return failure();
  Dims d;
  d.ranges = op.getStaticLoopRanges();
  for (int64_t r : d.ranges)
    if (ShapedType::isDynamic(r) || r <= 0)
      return failure();
  for (auto [i, kind] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (kind == utils::IteratorType::reduction) {
      d.reduction.push_back(i);
      continue;
    }
    bool a = maps[0].isFunctionOfDim(i), b = maps[1].isFunctionOfDim(i);
    (a && !b ? d.rows : b && !a ? d.cols : d.batch).push_back(i);
  }
  if (d.rows.empty() || d.cols.empty() || d.reduction.empty())
    return failure();
  // Parallel dims must all index the output (one element per invocation).
  if (maps[2].getNumResults() !=
      (unsigned)(d.batch.size() + d.rows.size() + d.cols.size()))
    return failure();
  // Too small to gain from tiles, or a batch too large for the grid.
  if (product(d, d.reduction) < 4 || product(d, d.batch) > kMaxGroups ||
      (product(d, d.cols) + kTile - 1) / kTile > kMaxGroups ||
      (product(d, d.rows) + kTile - 1) / kTile > kMaxGroups)
    return failure();
  return d;
}

Value cst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Row-major indices of `lin` over the ranges of `dims`, into `ivs`.
void delinearize(OpBuilder &b, Location loc, Value lin, const Dims &d,
                 ArrayRef<unsigned> dims, SmallVectorImpl<Value> &ivs) {
  Value rest = lin;
  for (int64_t i = (int64_t)dims.size() - 1; i >= 0; --i) {
    Value range = cst(b, loc, d.ranges[dims[i]]);
    ivs[dims[i]] = i == 0 ? rest : arith::RemUIOp::create(b, loc, rest, range);
    if (i != 0)
      rest = arith::DivUIOp::create(b, loc, rest, range);
  }
}

/// The indices of an operand: its indexing map applied to the loop ivs.
SmallVector<Value> indicesOf(OpBuilder &b, Location loc, AffineMap map,
                             ArrayRef<Value> ivs) {
  SmallVector<Value> out;
  for (AffineExpr e : map.getResults())
    out.push_back(affine::AffineApplyOp::create(
        b, loc, AffineMap::get(map.getNumDims(), 0, e), ivs));
  return out;
}

/// Copies operand `input` at `ivs` into `tile[ty][tx]` when `valid`.
void loadTile(OpBuilder &b, Location loc, Value valid, Value input,
              AffineMap map, ArrayRef<Value> ivs, Value tile, Value ty,
              Value tx) {
  auto guard = scf::IfOp::create(b, loc, valid, /*withElse=*/false);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPoint(guard.thenBlock()->getTerminator());
  Value v = memref::LoadOp::create(b, loc, input, indicesOf(b, loc, map, ivs));
  memref::StoreOp::create(b, loc, v, tile, ValueRange{ty, tx});
}

/// `regs` x `regs` outputs per invocation: fewer workgroups and barriers,
/// and each value read from workgroup memory feeds `regs` products.
int64_t registerBlock(const Dims &d) {
  int64_t rows = product(d, d.rows), cols = product(d, d.cols);
  for (int64_t r : {4, 2})
    if (rows >= kTile * r && cols >= kTile * r)
      return r;
  return 1;
}

void tile(linalg::LinalgOp op, const Dims &d) {
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  OpBuilder b(op);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  Value a = op.getDpsInputs()[0], bIn = op.getDpsInputs()[1];
  Value c = op.getDpsInits()[0];
  const int64_t R = registerBlock(d), TM = kTile * R;
  // Memory space 3 is Vulkan's Workgroup storage class in upstream's
  // memory-space mapping (mapMemorySpaceToVulkanStorageClass), which does not
  // map #gpu.address_space<workgroup>.
  Attribute workgroup = IntegerAttr::get(IntegerType::get(ctx, 64), 3);
  auto tileType = [&](Value v, int64_t numRows, int64_t numCols) {
    return MemRefType::get({numRows, numCols},
                           cast<MemRefType>(v.getType()).getElementType(),
                           MemRefLayoutAttrInterface(), workgroup);
  };
  int64_t rows = product(d, d.rows), cols = product(d, d.cols),
          batch = product(d, d.batch), depth = product(d, d.reduction);
  Value one = cst(b, loc, 1);
  auto launch = gpu::LaunchOp::create(b, loc, cst(b, loc, (cols + TM - 1) / TM),
                                      cst(b, loc, (rows + TM - 1) / TM),
                                      cst(b, loc, batch), cst(b, loc, kTile),
                                      cst(b, loc, kTile), one);
  Block &body = launch.getBody().front();
  b.setInsertionPointToEnd(&body);
  // Workgroup memory as allocations in the kernel (SPIR-V conversion turns
  // them into Workgroup variables; it does not take gpu.func workgroup
  // attributions). A slice: TM rows of A by kTile steps, kTile steps of B by
  // TM columns.
  Value tileA = memref::AllocOp::create(b, loc, tileType(a, TM, kTile));
  Value tileB = memref::AllocOp::create(b, loc, tileType(bIn, kTile, TM));
  Value tx = launch.getThreadIds().x, ty = launch.getThreadIds().y;
  Value T = cst(b, loc, kTile), zero = cst(b, loc, 0);
  Value depthV = cst(b, loc, depth);

  // Invocation (tx, ty) owns rows ty + i*kTile and columns tx + j*kTile of
  // the workgroup's TM x TM tile (interleaved, so neighbours read
  // neighbouring addresses).
  Value rowBase =
      arith::MulIOp::create(b, loc, launch.getBlockIds().y, cst(b, loc, TM));
  Value colBase =
      arith::MulIOp::create(b, loc, launch.getBlockIds().x, cst(b, loc, TM));
  SmallVector<Value> ivs(d.ranges.size(), zero);
  delinearize(b, loc, launch.getBlockIds().z, d, d.batch, ivs);
  SmallVector<Value> rowLocal, colLocal, rowValid, colValid;
  SmallVector<SmallVector<Value>> rowIvs, colIvs;
  for (int64_t i = 0; i < R; ++i) {
    rowLocal.push_back(
        arith::AddIOp::create(b, loc, ty, cst(b, loc, i * kTile)));
    colLocal.push_back(
        arith::AddIOp::create(b, loc, tx, cst(b, loc, i * kTile)));
    Value row = arith::AddIOp::create(b, loc, rowBase, rowLocal.back());
    Value col = arith::AddIOp::create(b, loc, colBase, colLocal.back());
    rowValid.push_back(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                             row, cst(b, loc, rows)));
    colValid.push_back(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                             col, cst(b, loc, cols)));
    rowIvs.push_back(ivs);
    delinearize(b, loc, row, d, d.rows, rowIvs.back());
    colIvs.push_back(ivs);
    delinearize(b, loc, col, d, d.cols, colIvs.back());
  }

  // Accumulators start from the output's values (linalg reads outs).
  Type accType = cast<MemRefType>(c.getType()).getElementType();
  SmallVector<Value> valid, inits;
  SmallVector<SmallVector<Value>> cIndices;
  for (int64_t i = 0; i < R; ++i)
    for (int64_t j = 0; j < R; ++j) {
      SmallVector<Value> at(rowIvs[i]);
      for (unsigned dim : d.cols)
        at[dim] = colIvs[j][dim];
      cIndices.push_back(indicesOf(b, loc, maps[2], at));
      valid.push_back(arith::AndIOp::create(b, loc, rowValid[i], colValid[j]));
      auto init = scf::IfOp::create(b, loc, TypeRange{accType}, valid.back(),
                                    /*withElse=*/true);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(init.thenBlock());
      scf::YieldOp::create(
          b, loc,
          ValueRange{memref::LoadOp::create(b, loc, c, cIndices.back())});
      b.setInsertionPointToStart(init.elseBlock());
      scf::YieldOp::create(b, loc,
                           ValueRange{arith::ConstantOp::create(
                               b, loc, b.getZeroAttr(accType))});
      inits.push_back(init.getResult(0));
    }

  auto slices = scf::ForOp::create(
      b, loc, zero, cst(b, loc, (depth + kTile - 1) / kTile), one, inits);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(slices.getBody());
    Value k0 = arith::MulIOp::create(b, loc, slices.getInductionVar(), T);
    // A[row_i, k0 + tx] -> tileA[ty + i*16][tx];
    // B[k0 + ty, col_j] -> tileB[ty][tx + j*16].
    Value kA = arith::AddIOp::create(b, loc, k0, tx);
    Value kAValid =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, kA, depthV);
    Value kB = arith::AddIOp::create(b, loc, k0, ty);
    Value kBValid =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, kB, depthV);
    for (int64_t i = 0; i < R; ++i) {
      SmallVector<Value> ivsA(rowIvs[i]);
      delinearize(b, loc, kA, d, d.reduction, ivsA);
      loadTile(b, loc, arith::AndIOp::create(b, loc, rowValid[i], kAValid), a,
               maps[0], ivsA, tileA, rowLocal[i], tx);
      SmallVector<Value> ivsB(colIvs[i]);
      delinearize(b, loc, kB, d, d.reduction, ivsB);
      loadTile(b, loc, arith::AndIOp::create(b, loc, colValid[i], kBValid), bIn,
               maps[1], ivsB, tileB, ty, colLocal[i]);
    }
    gpu::BarrierOp::create(b, loc);

    // Each invocation reads only its own rows of tileA and columns of
    // tileB, so entries past the edges are never used; the last slice stops
    // at the reduction's end.
    Value steps = arith::MinSIOp::create(
        b, loc, T, arith::SubIOp::create(b, loc, depthV, k0));
    auto inner = scf::ForOp::create(b, loc, zero, steps, one,
                                    slices.getRegionIterArgs());
    {
      OpBuilder::InsertionGuard g2(b);
      b.setInsertionPointToStart(inner.getBody());
      Value kk = inner.getInductionVar();
      SmallVector<Value> av, bv, next;
      for (int64_t i = 0; i < R; ++i) {
        av.push_back(
            memref::LoadOp::create(b, loc, tileA, ValueRange{rowLocal[i], kk}));
        bv.push_back(
            memref::LoadOp::create(b, loc, tileB, ValueRange{kk, colLocal[i]}));
      }
      Block *region = op.getBlock();
      for (int64_t i = 0; i < R; ++i)
        for (int64_t j = 0; j < R; ++j) {
          IRMapping map;
          map.map(region->getArgument(0), av[i]);
          map.map(region->getArgument(1), bv[j]);
          map.map(region->getArgument(2), inner.getRegionIterArgs()[i * R + j]);
          for (Operation &o : region->without_terminator())
            b.clone(o, map);
          next.push_back(map.lookup(region->getTerminator()->getOperand(0)));
        }
      scf::YieldOp::create(b, loc, next);
    }
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, inner.getResults());
  }
  for (int64_t k = 0; k < R * R; ++k) {
    auto store = scf::IfOp::create(b, loc, valid[k], /*withElse=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(store.thenBlock()->getTerminator());
    memref::StoreOp::create(b, loc, slices.getResult(k), c, cIndices[k]);
  }
  gpu::TerminatorOp::create(b, loc);
  op->erase();
}

struct GPUTileContractions
    : coreai::impl::GPUTileContractionsBase<GPUTileContractions> {
  void runOnOperation() override {
    std::vector<std::pair<linalg::LinalgOp, Dims>> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op->getParentOfType<gpu::LaunchOp>())
        return;
      FailureOr<Dims> d = classify(op);
      if (succeeded(d))
        work.push_back({op, *d});
    });
    for (auto &[op, d] : work)
      tile(op, d);
  }
};

} // namespace

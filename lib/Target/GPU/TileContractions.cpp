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

void tile(linalg::LinalgOp op, const Dims &d) {
  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  OpBuilder b(op);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  Value a = op.getDpsInputs()[0], bIn = op.getDpsInputs()[1];
  Value c = op.getDpsInits()[0];
  // Memory space 3 is Vulkan's Workgroup storage class in upstream's
  // memory-space mapping (mapMemorySpaceToVulkanStorageClass), which does not
  // map #gpu.address_space<workgroup>.
  Attribute workgroup = IntegerAttr::get(IntegerType::get(ctx, 64), 3);
  auto tileType = [&](Value v) {
    return MemRefType::get({kTile, kTile},
                           cast<MemRefType>(v.getType()).getElementType(),
                           MemRefLayoutAttrInterface(), workgroup);
  };
  int64_t rows = product(d, d.rows), cols = product(d, d.cols),
          batch = product(d, d.batch), depth = product(d, d.reduction);
  Value one = cst(b, loc, 1);
  auto launch = gpu::LaunchOp::create(
      b, loc, cst(b, loc, (cols + kTile - 1) / kTile),
      cst(b, loc, (rows + kTile - 1) / kTile), cst(b, loc, batch),
      cst(b, loc, kTile), cst(b, loc, kTile), one,
      /*dynamicSharedMemorySize=*/nullptr);
  Block &body = launch.getBody().front();
  b.setInsertionPointToEnd(&body);
  // Workgroup memory as allocations in the kernel (SPIR-V conversion turns
  // them into Workgroup variables; it does not take gpu.func workgroup
  // attributions).
  Value tileA = memref::AllocOp::create(b, loc, tileType(a));
  Value tileB = memref::AllocOp::create(b, loc, tileType(bIn));
  Value tx = launch.getThreadIds().x, ty = launch.getThreadIds().y;
  Value T = cst(b, loc, kTile), zero = cst(b, loc, 0);

  Value row = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, launch.getBlockIds().y, T), ty);
  Value col = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, launch.getBlockIds().x, T), tx);
  Value rowValid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         row, cst(b, loc, rows));
  Value colValid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                         col, cst(b, loc, cols));
  Value valid = arith::AndIOp::create(b, loc, rowValid, colValid);
  SmallVector<Value> ivs(d.ranges.size(), zero);
  delinearize(b, loc, launch.getBlockIds().z, d, d.batch, ivs);
  delinearize(b, loc, row, d, d.rows, ivs);
  delinearize(b, loc, col, d, d.cols, ivs);

  // The accumulator starts from the output's value (linalg reads outs).
  Type accType = cast<MemRefType>(c.getType()).getElementType();
  SmallVector<Value> cIndices = indicesOf(b, loc, maps[2], ivs);
  auto init = scf::IfOp::create(b, loc, TypeRange{accType}, valid,
                                /*withElse=*/true);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(init.thenBlock());
    scf::YieldOp::create(b, loc,
                         ValueRange{memref::LoadOp::create(b, loc, c, cIndices)});
    b.setInsertionPointToStart(init.elseBlock());
    scf::YieldOp::create(
        b, loc, ValueRange{arith::ConstantOp::create(b, loc, b.getZeroAttr(accType))});
  }

  auto slices = scf::ForOp::create(b, loc, zero,
                                   cst(b, loc, (depth + kTile - 1) / kTile),
                                   one, ValueRange{init.getResult(0)});
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(slices.getBody());
    Value k0 = arith::MulIOp::create(b, loc, slices.getInductionVar(), T);
    Value depthV = cst(b, loc, depth);
    // A[row, k0 + tx] -> tileA[ty][tx]; B[k0 + ty, col] -> tileB[ty][tx].
    Value kA = arith::AddIOp::create(b, loc, k0, tx);
    SmallVector<Value> ivsA(ivs);
    delinearize(b, loc, kA, d, d.reduction, ivsA);
    Value validA = arith::AndIOp::create(
        b, loc, rowValid,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, kA, depthV));
    loadTile(b, loc, validA, a, maps[0], ivsA, tileA, ty, tx);
    Value kB = arith::AddIOp::create(b, loc, k0, ty);
    SmallVector<Value> ivsB(ivs);
    delinearize(b, loc, kB, d, d.reduction, ivsB);
    Value validB = arith::AndIOp::create(
        b, loc, colValid,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, kB, depthV));
    loadTile(b, loc, validB, bIn, maps[1], ivsB, tileB, ty, tx);
    gpu::BarrierOp::create(b, loc);

    // Each invocation reads only its own tile row of A and column of B, so
    // rows and columns past the edge are never used; the last slice stops
    // at the reduction's end.
    Value steps = arith::MinSIOp::create(
        b, loc, T, arith::SubIOp::create(b, loc, depthV, k0));
    auto inner = scf::ForOp::create(b, loc, zero, steps, one,
                                    ValueRange{slices.getRegionIterArg(0)});
    {
      OpBuilder::InsertionGuard g2(b);
      b.setInsertionPointToStart(inner.getBody());
      Value kk = inner.getInductionVar();
      Value av = memref::LoadOp::create(b, loc, tileA, ValueRange{ty, kk});
      Value bv = memref::LoadOp::create(b, loc, tileB, ValueRange{kk, tx});
      Block *region = op.getBlock();
      IRMapping map;
      map.map(region->getArgument(0), av);
      map.map(region->getArgument(1), bv);
      map.map(region->getArgument(2), inner.getRegionIterArg(0));
      for (Operation &o : region->without_terminator())
        b.clone(o, map);
      Value next = map.lookup(region->getTerminator()->getOperand(0));
      scf::YieldOp::create(b, loc, ValueRange{next});
    }
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, ValueRange{inner.getResult(0)});
  }
  auto store = scf::IfOp::create(b, loc, valid, /*withElse=*/false);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(store.thenBlock()->getTerminator());
    memref::StoreOp::create(b, loc, slices.getResult(0), c, cIndices);
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

//===- Indexing.cpp - scatters, gathers and top_k -> linalg / scf ---------===//
//
// gather_nd and gather_elements are linalg.generics over their results that
// read data with tensor.extract. Scatters and top_k are loop nests (scf.for)
// carrying their result tensors: scatters insert each update in row-major
// order; top_k selects the k best elements of each row one after the other,
// each the best of those ranked after the previous one (O(n k), no extra
// storage).
//
//===----------------------------------------------------------------------===//
#include "Utils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace coreai::aigraph {
namespace {

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// An index read from an index tensor, wrapped when negative and clamped
/// into [0, dim).
Value wrapIndex(OpBuilder &b, Location loc, Value raw, int64_t dim) {
  Value idx = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  Value zero = indexConst(b, loc, 0);
  Value isNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, idx, zero);
  idx = arith::SelectOp::create(
      b, loc, isNeg,
      arith::AddIOp::create(b, loc, idx, indexConst(b, loc, dim)), idx);
  idx = arith::MaxSIOp::create(b, loc, idx, zero);
  return arith::MinSIOp::create(b, loc, idx, indexConst(b, loc, dim - 1));
}

/// Combines the current value `old` with `update` per a scatter reduction.
Value combine(OpBuilder &b, Location loc, ScatterReduction reduction, Value old,
              Value update, bool isUnsigned) {
  bool isFloat = isa<FloatType>(old.getType());
  switch (reduction) {
  case ScatterReduction::None:
    return update;
  case ScatterReduction::Add:
    return isFloat ? (Value)arith::AddFOp::create(b, loc, old, update)
                   : (Value)arith::AddIOp::create(b, loc, old, update);
  case ScatterReduction::Mul:
    return isFloat ? (Value)arith::MulFOp::create(b, loc, old, update)
                   : (Value)arith::MulIOp::create(b, loc, old, update);
  case ScatterReduction::Max:
    if (isFloat)
      return arith::MaximumFOp::create(b, loc, old, update);
    return isUnsigned ? (Value)arith::MaxUIOp::create(b, loc, old, update)
                      : (Value)arith::MaxSIOp::create(b, loc, old, update);
  case ScatterReduction::Min:
    if (isFloat)
      return arith::MinimumFOp::create(b, loc, old, update);
    return isUnsigned ? (Value)arith::MinUIOp::create(b, loc, old, update)
                      : (Value)arith::MinSIOp::create(b, loc, old, update);
  }
  llvm_unreachable("unknown scatter reduction");
}

/// A loop nest over `shape` carrying `acc`; `body(ivs, acc)` returns the new
/// accumulator.
Value loopNest(
    OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Value acc,
    function_ref<Value(OpBuilder &, Location, ValueRange, Value)> body) {
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t d : shape) {
    lbs.push_back(indexConst(b, loc, 0));
    ubs.push_back(indexConst(b, loc, d));
    steps.push_back(indexConst(b, loc, 1));
  }
  scf::LoopNest nest =
      scf::buildLoopNest(b, loc, lbs, ubs, steps, ValueRange{acc},
                         [&](OpBuilder &nb, Location l, ValueRange ivs,
                             ValueRange iterArgs) -> scf::ValueVector {
                           return {body(nb, l, ivs, iterArgs[0])};
                         });
  return nest.results.front();
}

/// A scatter as one loop nest over the updates: each update goes to the data
/// coordinates `coordsOf` computes from its own, combined with the value
/// there by the op's reduction unless that is `none`. Later updates to the
/// same coordinates win, as the ONNX reference does.
template <typename ScatterOpT>
static Value scatterUpdates(
    ConversionPatternRewriter &rw, ScatterOpT op, Value data, Value updates,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>
        coordsOf) {
  ScatterReduction reduction = op.getReduction();
  bool isUnsigned = hasUnsignedOperand(op);
  auto updType = cast<RankedTensorType>(updates.getType());
  return loopNest(
      rw, op.getLoc(), updType.getShape(), data,
      [&](OpBuilder &b, Location l, ValueRange ivs, Value acc) -> Value {
        SmallVector<Value> coords = coordsOf(b, l, ivs);
        Value v = tensor::ExtractOp::create(b, l, updates, ivs);
        if (reduction != ScatterReduction::None)
          v = combine(b, l, reduction,
                      tensor::ExtractOp::create(b, l, acc, coords), v,
                      isUnsigned);
        return tensor::InsertOp::create(b, l, v, acc, coords);
      });
}

/// out = data; out[.., indices[i..], ..] (axis) = updates[i..].
struct ScatterElementsLowering : OpConversionPattern<ScatterElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ScatterElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    auto dataType = cast<RankedTensorType>(adaptor.getData().getType());
    int64_t axis = op.getAxis(), axisDim = dataType.getDimSize(axis);
    Value indices = adaptor.getIndices();
    rw.replaceOp(
        op, scatterUpdates(rw, op, adaptor.getData(), adaptor.getUpdates(),
                           [&](OpBuilder &b, Location l, ValueRange ivs) {
                             SmallVector<Value> coords(ivs);
                             coords[axis] = wrapIndex(
                                 b, l,
                                 tensor::ExtractOp::create(b, l, indices, ivs),
                                 axisDim);
                             return coords;
                           }));
    return success();
  }
};

/// out = data; out[indices[i..][:], ..] = updates[i.., ..].
struct ScatterNDLowering : OpConversionPattern<ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ScatterNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    auto dataType = cast<RankedTensorType>(adaptor.getData().getType());
    auto idxType = cast<RankedTensorType>(adaptor.getIndices().getType());
    int64_t q = idxType.getRank(), k = idxType.getShape().back();
    Value indices = adaptor.getIndices();
    rw.replaceOp(
        op, scatterUpdates(
                rw, op, adaptor.getData(), adaptor.getUpdates(),
                [&](OpBuilder &b, Location l, ValueRange ivs) {
                  SmallVector<Value> row(ivs.take_front(q - 1)), coords;
                  row.push_back(Value());
                  for (int64_t j = 0; j < k; ++j) {
                    row.back() = indexConst(b, l, j);
                    coords.push_back(wrapIndex(
                        b, l, tensor::ExtractOp::create(b, l, indices, row),
                        dataType.getDimSize(j)));
                  }
                  coords.append(ivs.begin() + (q - 1), ivs.end());
                  return coords;
                }));
    return success();
  }
};

/// out[o...] = data[o[:b], indices[o[:q-1]][:], o[q-1:]].
struct GatherNDLowering : OpConversionPattern<GatherNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherNDOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    Location loc = op.getLoc();
    auto outType = resultType(this, op.getOperation());
    auto dataType = cast<RankedTensorType>(adaptor.getData().getType());
    auto idxType = cast<RankedTensorType>(adaptor.getIndices().getType());
    int64_t q = idxType.getRank(), k = idxType.getShape().back();
    int64_t bd = op.getBatchDims(), rank = outType.getRank();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    Value init =
        emptyTensor(rw, loc, outType.getShape(), outType.getElementType());
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{outType}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{
            AffineMap::getMultiDimIdentityMap(rank, rw.getContext())},
        iters, [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> out;
          for (int64_t i = 0; i < rank; ++i)
            out.push_back(linalg::IndexOp::create(b, l, i));
          SmallVector<Value> row(out.begin(), out.begin() + (q - 1));
          row.push_back(Value());
          SmallVector<Value> coords(out.begin(), out.begin() + bd);
          for (int64_t j = 0; j < k; ++j) {
            row.back() = indexConst(b, l, j);
            coords.push_back(
                wrapIndex(b, l, tensor::ExtractOp::create(b, l, indices, row),
                          dataType.getDimSize(bd + j)));
          }
          coords.append(out.begin() + (q - 1), out.end());
          linalg::YieldOp::create(
              b, l, Value(tensor::ExtractOp::create(b, l, data, coords)));
        });
    rw.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// For each row along `axis`: output r is the best element ranked after
/// output r - 1, where the ranking is by value (descending for largest)
/// and then by index.
struct TopKLowering : OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    bool isUnsigned = hasUnsignedOperand(op);
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto valType = resultType(this, op.getOperation(), 0);
    auto idxType = resultType(this, op.getOperation(), 1);
    Type et = inType.getElementType();
    bool isFloat = isa<FloatType>(et), largest = op.getLargest();
    int64_t axis = op.getAxis(), k = op.getK(), n = inType.getDimSize(axis);
    Value input = adaptor.getInput();

    // Whether (v, i) ranks before (w, j).
    auto before = [&](OpBuilder &b, Location l, Value v, Value i, Value w,
                      Value j) -> Value {
      Value better, equal;
      if (isFloat) {
        better = arith::CmpFOp::create(b, l,
                                       largest ? arith::CmpFPredicate::OGT
                                               : arith::CmpFPredicate::OLT,
                                       v, w);
        equal = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, v, w);
      } else {
        arith::CmpIPredicate gt =
            isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
        arith::CmpIPredicate lt =
            isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
        better = arith::CmpIOp::create(b, l, largest ? gt : lt, v, w);
        equal = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, v, w);
      }
      Value lower =
          arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, j);
      return arith::OrIOp::create(b, l, better,
                                  arith::AndIOp::create(b, l, equal, lower));
    };

    SmallVector<int64_t> outer(inType.getShape());
    outer[axis] = 1;
    Value vals = emptyTensor(rw, loc, valType.getShape(), et);
    Value idxs = emptyTensor(rw, loc, idxType.getShape(), rw.getI64Type());
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t d : outer) {
      lbs.push_back(indexConst(rw, loc, 0));
      ubs.push_back(indexConst(rw, loc, d));
      steps.push_back(indexConst(rw, loc, 1));
    }
    scf::LoopNest nest = scf::buildLoopNest(
        rw, loc, lbs, ubs, steps, ValueRange{vals, idxs},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange acc) -> scf::ValueVector {
          SmallVector<Value> coords(ivs);
          Value zero = indexConst(b, l, 0), one = indexConst(b, l, 1);
          Value none = indexConst(b, l, -1);
          Value init = scalarConstant(b, l, et, 0);
          // Output r carries the previous pick (value, index).
          auto rLoop = scf::ForOp::create(
              b, l, zero, indexConst(b, l, k), one,
              ValueRange{acc[0], acc[1], init, none},
              [&](OpBuilder &rb, Location rl, Value r, ValueRange rAcc) {
                Value prevV = rAcc[2], prevI = rAcc[3];
                Value first = arith::CmpIOp::create(
                    rb, rl, arith::CmpIPredicate::eq, r, zero);
                auto iLoop = scf::ForOp::create(
                    rb, rl, zero, indexConst(rb, rl, n), one,
                    ValueRange{init, none},
                    [&](OpBuilder &ib, Location il, Value i, ValueRange best) {
                      SmallVector<Value> at(coords);
                      at[axis] = i;
                      Value v = tensor::ExtractOp::create(ib, il, input, at);
                      Value eligible = arith::OrIOp::create(
                          ib, il, first, before(ib, il, prevV, prevI, v, i));
                      Value noBest = arith::CmpIOp::create(
                          ib, il, arith::CmpIPredicate::eq, best[1], none);
                      Value better = arith::OrIOp::create(
                          ib, il, noBest,
                          before(ib, il, v, i, best[0], best[1]));
                      Value take =
                          arith::AndIOp::create(ib, il, eligible, better);
                      scf::YieldOp::create(
                          ib, il,
                          ValueRange{
                              arith::SelectOp::create(ib, il, take, v, best[0]),
                              arith::SelectOp::create(ib, il, take, i,
                                                      best[1])});
                    });
                Value bestV = iLoop.getResult(0), bestI = iLoop.getResult(1);
                SmallVector<Value> out(coords);
                out[axis] = r;
                Value newVals =
                    tensor::InsertOp::create(rb, rl, bestV, rAcc[0], out);
                Value idx64 =
                    arith::IndexCastOp::create(rb, rl, rb.getI64Type(), bestI);
                Value newIdxs =
                    tensor::InsertOp::create(rb, rl, idx64, rAcc[1], out);
                scf::YieldOp::create(
                    rb, rl, ValueRange{newVals, newIdxs, bestV, bestI});
              });
          return {rLoop.getResult(0), rLoop.getResult(1)};
        });
    rw.replaceOp(op, nest.results);
    return success();
  }
};

/// out[i...] = data[i... with dim axis = wrap(indices[i...])].
struct GatherElementsLowering : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rw) const override {
    if (failed(requireStaticShapes(op, rw, /*allowUnsigned=*/true)))
      return failure();
    Location loc = op.getLoc();
    auto outType = resultType(this, op.getOperation());
    auto dataType = cast<RankedTensorType>(adaptor.getData().getType());
    int64_t rank = outType.getRank(), axis = op.getAxis();
    int64_t axisDim = dataType.getDimSize(axis);
    Value data = adaptor.getData();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, rw.getContext());
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    Value init =
        emptyTensor(rw, loc, outType.getShape(), outType.getElementType());
    auto generic = linalg::GenericOp::create(
        rw, loc, TypeRange{outType}, ValueRange{adaptor.getIndices()},
        ValueRange{init}, ArrayRef<AffineMap>{id, id}, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value idx = wrapIndex(b, l, args[0], axisDim);
          SmallVector<Value> coords;
          for (int64_t i = 0; i < rank; ++i)
            coords.push_back(
                i == axis ? idx : (Value)linalg::IndexOp::create(b, l, i));
          linalg::YieldOp::create(
              b, l, Value(tensor::ExtractOp::create(b, l, data, coords)));
        });
    rw.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void populateIndexingPatterns(const TypeConverter &converter,
                              RewritePatternSet &patterns) {
  patterns.add<ScatterElementsLowering, ScatterNDLowering, GatherNDLowering,
               GatherElementsLowering, TopKLowering>(converter,
                                                     patterns.getContext());
}

} // namespace coreai::aigraph

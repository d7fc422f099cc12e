//===- VectorizeContractions.cpp - Register-tiled vector kernels ----------===//
//
// Matmuls and convolutions (any linalg op on buffers whose body is
// `out += a * b` over affine indexing maps) become register-tiled
// outer-product kernels: the output's innermost dim `j` is the vector dim
// (or the dim a `coreai.vector_dim` attribute names, stored by scatter),
// another parallel dim `i` gives `rows` accumulator vectors, and each step of
// the reduction loads one vector of the operand that varies along `j` and
// broadcasts one scalar of the other per row into an FMA. The accumulators
// stay in registers for the whole reduction. The op that initializes the
// output (a bias broadcast or a fill) and the elementwise ops that consume
// it (activation, residual add) are evaluated on the accumulators, so the
// output is written once. The kernel's outer loop is an scf.parallel over
// independent tiles (a panel of the vector operand, then blocks of rows)
// marked `coreai.disjoint_tiles` for coreai-cpu-form-dispatches.
//
// Why not upstream's tile + vectorize + lower schedule (a transform-dialect
// script, near peak on plain matmuls): ONNX convolutions are NCHW, and upstream
// vectorizes only convolutions decomposed to 1-D on tensors, transposing NCW to
// NWC tiles; strided and depthwise convolutions and fused epilogues would each
// need their own schedule. One outer-product generator over affine maps
// covers matmuls with any batch broadcasting, 1x1/3x3/strided/dilated and
// depthwise convolutions, and reads NCHW in place along W (contiguous for
// stride 1, a gather otherwise). It emits upstream vector ops only.
// Convolutions whose W is short or strided are first rewritten over
// flattened images, or along their output channels where their weights are
// stored in blocks of them (ConvolutionLayouts.cpp). Rows come in blocks of
// about equal size; up to 8 rows are one tile where the CPU variant's
// registers hold them (kVectorRegistersSymbol).
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/ConvolutionLayouts.h"
#include "lib/Target/CPU/LoopAccesses.h"
#include "lib/Target/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/AffineExprVisitor.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <limits>
#include <numeric>

using namespace mlir;
using coreai::cpu::neighbourWithEffects;
using coreai::cpu::onlyUsedBy;
using coreai::cpu::underlyingBuffer;

namespace coreai {
#define GEN_PASS_DEF_CPUVECTORIZECONTRACTIONS
#include "lib/Target/CPU/Passes.h.inc"
} // namespace coreai

namespace {

/// sum(coeff[d] * d) + constant over a loop nest's dims.
struct Linear {
  SmallVector<int64_t> coeff;
  int64_t constant = 0;
};

std::optional<Linear> toLinear(AffineExpr e, unsigned numDims) {
  Linear l;
  l.coeff.assign(numDims, 0);
  std::function<bool(AffineExpr, int64_t)> add = [&](AffineExpr x,
                                                    int64_t scale) -> bool {
    if (auto d = dyn_cast<AffineDimExpr>(x)) {
      l.coeff[d.getPosition()] += scale;
      return true;
    }
    if (auto c = dyn_cast<AffineConstantExpr>(x)) {
      l.constant += scale * c.getValue();
      return true;
    }
    auto bin = dyn_cast<AffineBinaryOpExpr>(x);
    if (!bin)
      return false;
    if (bin.getKind() == AffineExprKind::Add)
      return add(bin.getLHS(), scale) && add(bin.getRHS(), scale);
    if (bin.getKind() == AffineExprKind::Mul) {
      if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
        return add(bin.getLHS(), scale * c.getValue());
      if (auto c = dyn_cast<AffineConstantExpr>(bin.getLHS()))
        return add(bin.getRHS(), scale * c.getValue());
    }
    return false;
  };
  if (!add(e, 1))
    return std::nullopt;
  return l;
}

/// A buffer read or written at linear indices of the kernel's loop dims.
struct Access {
  Value memref;
  SmallVector<Linear> index;

  bool dependsOn(unsigned dim) const {
    return llvm::any_of(index, [&](const Linear &l) { return l.coeff[dim]; });
  }
};

std::optional<Access> accessOf(Value memref, AffineMap map) {
  Access a{memref, {}};
  for (AffineExpr e : map.getResults()) {
    std::optional<Linear> l = toLinear(e, map.getNumDims());
    if (!l)
      return std::nullopt;
    a.index.push_back(*l);
  }
  return a;
}

/// Whether `a` and `b` are the same memory seen with the same shape.
bool sameView(Value a, Value b) {
  return a == b || (a.getType() == b.getType() &&
                    underlyingBuffer(a) == underlyingBuffer(b));
}

/// The indices at which `a` reads its buffer, for loop dim values `dims`.
SmallVector<Value> indicesAt(OpBuilder &b, Location loc, const Access &a,
                             ArrayRef<Value> dims) {
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  SmallVector<Value> indices;
  for (const Linear &l : a.index) {
    Value sum = cst(l.constant);
    for (auto [d, k] : llvm::enumerate(l.coeff)) {
      if (!k)
        continue;
      Value term = dims[d];
      if (k != 1)
        term = b.createOrFold<arith::MulIOp>(loc, term, cst(k));
      sum = b.createOrFold<arith::AddIOp>(loc, sum, term);
    }
    indices.push_back(sum);
  }
  return indices;
}

/// Whether `memref` is a static buffer whose innermost dim is contiguous.
bool unitInnerStride(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!type || !type.hasStaticShape() || type.getRank() == 0)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides.back() == 1;
}

/// Elements between consecutive values of `dim` in `a`'s buffer (0 when its
/// strides are not static).
int64_t elementStride(const Access &a, unsigned dim) {
  auto type = cast<MemRefType>(a.memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return 0;
  int64_t stride = 0;
  for (auto [r, l] : llvm::enumerate(a.index))
    stride += l.coeff[dim] * strides[r];
  return stride;
}

/// Whether the lanes of a row of `a` along `dim` are contiguous or every
/// other element of its innermost index (two loads and their even lanes,
/// like a strided convolution's input).
bool loadsAlongInnermost(const Access &a, unsigned dim) {
  int64_t step = a.index.back().coeff[dim];
  bool innerOnly = (step == 1 || step == 2) && unitInnerStride(a.memref);
  for (unsigned r = 0; r + 1 < a.index.size(); ++r)
    innerOnly &= a.index[r].coeff[dim] == 0;
  return innerOnly;
}

/// Whether `memref` is a static buffer in which distinct indices are
/// distinct elements (no zero stride): tiles writing distinct points then
/// never write the same bytes.
bool distinctElements(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!type || !type.hasStaticShape() ||
      failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return llvm::all_of(llvm::zip(type.getShape(), strides), [](auto dim) {
    return std::get<0>(dim) == 1 || std::get<1>(dim) != 0;
  });
}

/// Whether vectors of `memref`'s elements are loaded and stored as they lie
/// in memory: f32, f64 and 8- to 64-bit integers. Sub-byte elements (i1
/// masks) are bit-packed in vectors but a byte each in buffers; 16-bit
/// floats compute in f32 on this unit, elementwise, by other passes.
bool hasVectorElements(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!type)
    return false;
  Type e = type.getElementType();
  if (auto i = dyn_cast<IntegerType>(e))
    return llvm::is_contained({8u, 16u, 32u, 64u}, i.getWidth());
  return e.isF32() || e.isF64();
}

/// Clones the elementwise ops of `body` (but its terminator and `skip`) on
/// `width`-lane vectors, their operands looked up in `map` (a scalar from
/// outside the body is broadcast: the same at every point). In masked-off
/// lanes (outside `mask`, when given) an integer division divides by 1
/// instead of whatever they computed (x86 traps on zero).
void cloneOnVectors(OpBuilder &b, Location loc, Block &body, IRMapping &map,
                    int64_t width, Value mask, Operation *skip = nullptr) {
  auto vectorOf = [&](Type t) { return VectorType::get({width}, t); };
  for (Operation &op : body.without_terminator()) {
    if (&op == skip)
      continue;
    SmallVector<Value> operands;
    for (Value v : op.getOperands()) {
      if (Value m = map.lookupOrNull(v)) {
        operands.push_back(m);
        continue;
      }
      operands.push_back(
          vector::BroadcastOp::create(b, loc, vectorOf(v.getType()), v));
    }
    if (mask &&
        isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
            arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(op)) {
      auto type = cast<VectorType>(operands[1].getType());
      Value one = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(type,
                                 b.getIntegerAttr(type.getElementType(), 1)));
      operands[1] = arith::SelectOp::create(b, loc, mask, operands[1], one);
    }
    OperationState state(loc, op.getName());
    state.addOperands(operands);
    state.addTypes(vectorOf(op.getResult(0).getType()));
    state.addAttributes(op.getAttrs());
    map.map(op.getResult(0), b.create(state)->getResult(0));
  }
}

/// An elementwise op over the contraction's output space, evaluated on the
/// accumulators: the output's initializer or an epilogue.
struct PointwiseStage {
  linalg::LinalgOp op;
  SmallVector<Access> inputs; // indexed by the contraction's loop dims; a
                              // scalar input has no index
  int accumulatorInput = -1;  // the input that reads the contraction
  bool storeOutput = true;
  // The buffers read, each with whether it is read at the output point.
  SmallVector<std::pair<Value, bool>> reads;
};

/// How a reduction step combines an accumulator with its operands.
enum class Combine { MultiplyAdd, Max, Add };

/// A contraction `out[...] += vec[...] * scalar[...]` (or a max or sum
/// pooling, `out = max(out, vec)`) and how it is tiled.
struct Contraction {
  linalg::LinalgOp op;
  SmallVector<int64_t> ranges;
  SmallVector<unsigned> outDims, reductionDims;
  unsigned j = 0; // vector dim: the output's innermost, or kVectorDimAttr's
  std::optional<unsigned> i;   // row dim
  Combine combine = Combine::MultiplyAdd;
  Access vec, out;
  std::optional<Access> scalar; // the broadcast operand of a multiply-add
  int64_t vecStride = 1;       // elements between neighbours along j
  // Elements between the output's lanes where j is not its innermost dim
  // (kVectorDimAttr), stored by scatter; 0: contiguous.
  int64_t outStride = 0;
  std::optional<PointwiseStage> init;
  SmallVector<PointwiseStage> epilogue;
  bool storeOut = true;
  // No reduction: the kernel of an elementwise op, which is its own init.
  bool elementwise = false;
};

/// `yield out + a * b` (either operand order), `yield max(out, a)` or
/// `yield out + a` on f32; `used` receives the inputs the body reads (a
/// pooling op's second input only gives the window's shape).
std::optional<Combine> matchCombine(linalg::LinalgOp op,
                                    SmallVectorImpl<unsigned> &used) {
  Block *body = op.getBlock();
  unsigned numArgs = body ? body->getNumArguments() : 0;
  if (numArgs < 2 || numArgs > 3 ||
      !llvm::all_of(body->getArgumentTypes(), [](Type t) { return t.isF32(); }))
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getNumOperands() != 1)
    return std::nullopt;
  Value acc = body->getArgument(numArgs - 1);
  Value a = body->getArgument(0);
  Value b = numArgs == 3 ? body->getArgument(1) : Value();
  Operation *combine = yield.getOperand(0).getDefiningOp();
  if (!combine || combine->getNumOperands() != 2)
    return std::nullopt;
  Value x = combine->getOperand(0), y = combine->getOperand(1);
  Value other = x == acc ? y : y == acc ? x : Value();
  if (!other)
    return std::nullopt;
  if (body->getOperations().size() == 2 &&
      isa<arith::MaximumFOp, arith::AddFOp>(combine) &&
      (other == a || (b && other == b))) {
    used.push_back(other == a ? 0 : 1);
    return isa<arith::MaximumFOp>(combine) ? Combine::Max : Combine::Add;
  }
  auto mul = other.getDefiningOp<arith::MulFOp>();
  if (!b || !isa<arith::AddFOp>(combine) || !mul ||
      body->getOperations().size() != 3 ||
      !((mul.getLhs() == a && mul.getRhs() == b) ||
        (mul.getLhs() == b && mul.getRhs() == a)))
    return std::nullopt;
  used.append({0, 1});
  return Combine::MultiplyAdd;
}

std::optional<Contraction> matchContraction(linalg::LinalgOp op,
                                            int64_t minWidth) {
  SmallVector<unsigned> used;
  std::optional<Combine> combine;
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !(combine = matchCombine(op, used)))
    return std::nullopt;
  // The output and the vector operand are read as vectors (checked below
  // for the latter); the broadcast operand may have any layout (a strided
  // view of a filter's taps).
  if (!unitInnerStride(op.getDpsInitOperand(0)->get()))
    return std::nullopt;
  Contraction c;
  c.op = op;
  c.combine = *combine;
  c.ranges = op.getStaticLoopRanges();
  if (llvm::any_of(c.ranges, [](int64_t r) { return r <= 0; }))
    return std::nullopt;
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(init);
  if (!outMap.isProjectedPermutation(/*allowZeroInResults=*/false))
    return std::nullopt;
  for (AffineExpr e : outMap.getResults())
    c.outDims.push_back(cast<AffineDimExpr>(e).getPosition());
  auto iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < c.ranges.size(); ++d) {
    bool isOut = llvm::is_contained(c.outDims, d);
    if (isOut != (iterators[d] == utils::IteratorType::parallel))
      return std::nullopt;
    if (!isOut)
      c.reductionDims.push_back(d);
  }
  c.j = c.outDims.back();
  if (auto forced = op->getAttrOfType<IntegerAttr>(coreai::kVectorDimAttr))
    c.j = forced.getInt();
  if (!llvm::is_contained(c.outDims, c.j) || c.ranges[c.j] < minWidth ||
      !distinctElements(init->get()))
    return std::nullopt;
  c.out = *accessOf(init->get(), outMap);
  // Lanes of the output elsewhere than along its innermost index are
  // stored one by one, at static offsets.
  if (c.j != c.outDims.back()) {
    c.outStride = elementStride(c.out, c.j);
    if (c.outStride <= 0 || c.outStride * c.ranges[c.j] > INT32_MAX)
      return std::nullopt;
  }

  // The vector operand varies along j in its innermost index only; the
  // scalar operand does not vary along j.
  std::optional<Access> in[2];
  for (unsigned k = 0; k < 2; ++k) {
    OpOperand *operand = op.getDpsInputOperand(k);
    in[k] = accessOf(operand->get(), op.getMatchingIndexingMap(operand));
    if (!in[k])
      return std::nullopt;
  }
  int vecIndex = -1;
  for (unsigned k : used) {
    if (!in[k]->dependsOn(c.j))
      continue;
    const auto &index = in[k]->index;
    bool innerOnly = index.back().coeff[c.j] > 0;
    for (unsigned r = 0; r + 1 < index.size(); ++r)
      innerOnly &= index[r].coeff[c.j] == 0;
    if (!innerOnly || vecIndex != -1)
      return std::nullopt;
    vecIndex = k;
  }
  if (vecIndex == -1)
    return std::nullopt;
  c.vec = *in[vecIndex];
  if (!unitInnerStride(c.vec.memref))
    return std::nullopt;
  if (used.size() == 2)
    c.scalar = *in[1 - vecIndex];
  // Tiles read the operands while others write the output.
  Value outRoot = coreai::cpu::rootBuffer(c.out.memref);
  for (unsigned k : used)
    if (!outRoot || coreai::cpu::rootBuffer(in[k]->memref) == outRoot)
      return std::nullopt;
  c.vecStride = c.vec.index.back().coeff[c.j];

  // Rows: preferably a dim the vector operand does not vary along (each
  // vector load then feeds every row), the longest such; else the output's
  // next-to-innermost dim with more than one iteration.
  int64_t best = 1;
  for (unsigned d : c.outDims)
    if (d != c.j && !c.vec.dependsOn(d) && c.ranges[d] > best) {
      best = c.ranges[d];
      c.i = d;
    }
  if (!c.i)
    for (unsigned d : llvm::reverse(ArrayRef<unsigned>(c.outDims).drop_back()))
      if (d != c.j && c.ranges[d] > 1) {
        c.i = d;
        break;
      }
  return c;
}

/// Reads `generic`'s inputs at the contraction's points: its loops are the
/// output's dims (identity output map). An input that is `accumulator` read
/// at the identity map takes the value being computed; the others must be
/// constant along j or vary along j in their contiguous innermost index
/// only, and must not be a buffer of `chain` unless read at the point the
/// stage writes.
std::optional<PointwiseStage> matchStage(const Contraction &c,
                                         linalg::LinalgOp generic,
                                         Value accumulator,
                                         ArrayRef<Value> chain) {
  unsigned rank = c.outDims.size();
  if (!generic.hasPureBufferSemantics() || generic.getNumDpsInits() != 1 ||
      generic.getNumLoops() != rank ||
      generic.getNumParallelLoops() != rank ||
      !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
           .isIdentity())
    return std::nullopt;
  Value output = generic.getDpsInitOperand(0)->get();
  if (!unitInnerStride(output) ||
      cast<MemRefType>(output.getType()).getShape() !=
          cast<MemRefType>(c.out.memref.getType()).getShape())
    return std::nullopt;
  // Stored lane by lane like the output (kVectorDimAttr).
  if (c.outStride && elementStride({output, c.out.index}, c.j) <= 0)
    return std::nullopt;
  // Writing a buffer the contraction reads would change what later tiles
  // read.
  Value outRoot = coreai::cpu::rootBuffer(output);
  if (!outRoot ||
      (c.vec.memref && outRoot == coreai::cpu::rootBuffer(c.vec.memref)) ||
      (c.scalar && outRoot == coreai::cpu::rootBuffer(c.scalar->memref)) ||
      !hasVectorElements(output) || !distinctElements(output))
    return std::nullopt;
  // Another view of a buffer of the chain would be written at other
  // points than the ones the chain writes.
  if (llvm::any_of(chain, [&](Value b) {
        return coreai::cpu::rootBuffer(b) == outRoot && !sameView(b, output);
      }))
    return std::nullopt;
  Block *body = generic.getBlock();
  // The output's previous value is not read, and the body is elementwise.
  if (!body->getArguments().back().use_empty())
    return std::nullopt;
  for (Operation &op : body->without_terminator())
    if (!OpTrait::hasElementwiseMappableTraits(&op) ||
        op.getNumResults() != 1 || op.getNumRegions())
      return std::nullopt;
  PointwiseStage stage;
  stage.op = generic;
  // Loop k of the generic is loop outDims[k] of the contraction.
  SmallVector<AffineExpr> toContraction;
  for (unsigned d : c.outDims)
    toContraction.push_back(getAffineDimExpr(d, generic.getContext()));
  for (OpOperand *operand : generic.getDpsInputOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(operand);
    Value v = operand->get();
    if (v.getType().isIntOrFloat()) {
      stage.inputs.push_back({v, {}});
      continue;
    }
    if (accumulator && sameView(v, accumulator) && map.isIdentity()) {
      // One input takes the accumulator (a second read would need the
      // same register twice).
      if (stage.accumulatorInput != -1)
        return std::nullopt;
      stage.accumulatorInput = stage.inputs.size();
      stage.inputs.push_back({});
      continue;
    }
    if (!hasVectorElements(v))
      return std::nullopt;
    Value root = coreai::cpu::rootBuffer(v);
    bool inChain = !root || llvm::any_of(chain, [&](Value b) {
      return coreai::cpu::rootBuffer(b) == root;
    });
    if ((inChain || root == outRoot) &&
        !(sameView(v, output) && map.isIdentity()))
      return std::nullopt;
    stage.reads.push_back({v, map.isIdentity()});
    AffineMap inContraction =
        map.replaceDimsAndSymbols(toContraction, {}, c.ranges.size(), 0);
    std::optional<Access> a = accessOf(v, inContraction);
    if (!a)
      return std::nullopt;
    if (a->dependsOn(c.j) && !loadsAlongInnermost(*a, c.j)) {
      // An elementwise kernel (a transpose that moves the innermost dim,
      // attention's k^T) gathers its lanes: a load per lane, but no scalar
      // loop around each element.
      int64_t stride = elementStride(*a, c.j);
      if (!c.elementwise || stride == 0 || !unitInnerStride(v) ||
          std::abs(stride) * c.ranges[c.j] > INT32_MAX)
        return std::nullopt;
    }
    stage.inputs.push_back(*a);
  }
  if (accumulator && stage.accumulatorInput == -1)
    return std::nullopt;
  return stage;
}

/// Finds the output's initializer and the chain of epilogues after `c.op`,
/// and which buffers of the chain must still be written.
void matchStages(Contraction &c) {
  Value out = c.out.memref;
  Value outRoot = coreai::cpu::rootBuffer(out);
  if (!outRoot || outRoot == coreai::cpu::rootBuffer(c.vec.memref) ||
      (c.scalar && outRoot == coreai::cpu::rootBuffer(c.scalar->memref)))
    return;
  if (auto prev = dyn_cast_or_null<linalg::LinalgOp>(
          neighbourWithEffects(c.op, /*forward=*/false)))
    if (prev.getNumDpsInits() == 1 &&
        sameView(prev.getDpsInitOperand(0)->get(), out))
      if (std::optional<PointwiseStage> s =
              matchStage(c, prev, Value(), {out}))
        c.init = s;
  SmallVector<Value> chain{out};
  Operation *last = c.op;
  // Whether a stage writing `target` would change what an earlier stage
  // reads: run point by point, the earlier stage would see the new values
  // at other points than its own.
  auto overwritesReads = [&](Value target) {
    Value root = coreai::cpu::rootBuffer(target);
    auto clashes = [&](const PointwiseStage &earlier) {
      return llvm::any_of(earlier.reads, [&](const auto &read) {
        return coreai::cpu::rootBuffer(read.first) == root &&
               !(read.second && sameView(read.first, target));
      });
    };
    return (c.init && clashes(*c.init)) || llvm::any_of(c.epilogue, clashes);
  };
  while (auto next = dyn_cast_or_null<linalg::LinalgOp>(
             neighbourWithEffects(last, /*forward=*/true))) {
    std::optional<PointwiseStage> s = matchStage(c, next, chain.back(), chain);
    if (!s || overwritesReads(next->getOperands().back()))
      break;
    c.epilogue.push_back(*s);
    chain.push_back(next.getDpsInitOperand(0)->get());
    last = next;
  }
  // Buffer k of the chain keeps its value when it is the last, or when
  // something outside the chain may read it (and the next stage does not
  // overwrite it in place).
  SmallVector<Operation *> members{c.op.getOperation()};
  if (c.init)
    members.push_back(c.init->op);
  for (PointwiseStage &s : c.epilogue)
    members.push_back(s.op);
  // (A later stage may read it back from memory, at its own point.)
  auto readLater = [&](size_t k) {
    Value root = coreai::cpu::rootBuffer(chain[k]);
    for (size_t m = k; m < c.epilogue.size(); ++m)
      for (const auto &read : c.epilogue[m].reads)
        if (coreai::cpu::rootBuffer(read.first) == root)
          return true;
    return false;
  };
  auto keeps = [&](size_t k) {
    return k + 1 == chain.size() || readLater(k) ||
           (!sameView(chain[k + 1], chain[k]) &&
            !onlyUsedBy(chain[k], members));
  };
  c.storeOut = keeps(0);
  for (size_t k = 0; k < c.epilogue.size(); ++k)
    c.epilogue[k].storeOutput = keeps(k + 1);
}

} // namespace

namespace {

/// Builds one contraction's kernel in place of its ops.
class KernelBuilder {
public:
  KernelBuilder(const Contraction &c, int64_t width, int64_t rows,
                int64_t panelFloats)
      : c(c), width(width), loc(locationOf(c)) {
    int64_t reduction = 1;
    for (unsigned d : c.reductionDims)
      reduction *= c.ranges[d];
    numRows = c.i ? c.ranges[*c.i] : 1;
    // Row blocks of equal size but one row (the first extraRows have one
    // more): a last block of one or two rows would run chains of dependent
    // FMAs at the FMA's latency (7 rows as 6 + 1 took 40% longer than as
    // 4 + 3).
    numRowBlocks = (numRows + rows - 1) / rows;
    extraRows = numRows % numRowBlocks;
    tileRows = numRows / numRowBlocks + (extraRows ? 1 : 0);
    numCols = c.ranges[c.j];
    fullBlocks = numCols / width;
    tailCols = numCols % width;
    int64_t blocks = fullBlocks + (tailCols ? 1 : 0);
    // A panel of the vector operand (reduction x panel columns) stays in
    // the cache while every block of rows runs over it.
    panelBlocks = std::clamp<int64_t>(panelFloats / (reduction * width), 1,
                                      blocks);
    // A matmul whose vector operand's rows lie far apart (and whose other
    // rows reuse it) is blocked and packed.
    if (c.combine == Combine::MultiplyAdd && c.reductionDims.size() == 1 &&
        c.vecStride == 1 && !c.vec.dependsOn(c.i.value_or(c.j)) &&
        numRows >= 4 * tileRows && reduction >= 64 &&
        elementStride(c.vec, c.reductionDims.front()) >= kPackRowStride) {
      packed = true;
      kBlock = std::min<int64_t>(reduction, kPackedReduction);
      numKBlocks = (reduction + kBlock - 1) / kBlock;
      panelBlocks = std::min<int64_t>(kPackedPanelBlocks, blocks);
    }
    numPanels = (blocks + panelBlocks - 1) / panelBlocks;
    if (packed) {
      // Each parallel tile packs its panel once, so the fewer row groups
      // the less packing: about as many as make kMinPackedTiles tiles with
      // the panels and the output's other dims (equal groups, rounded up:
      // a small last group would pack a panel for a few rows).
      // kMinPackedTiles bounds the threads a packed matmul can use.
      int64_t otherTiles = numPanels;
      for (unsigned d : c.outDims)
        if (d != c.j && d != *c.i)
          otherTiles *= c.ranges[d];
      int64_t groups = std::clamp<int64_t>(
          (kMinPackedTiles + otherTiles - 1) / otherTiles, 1, numRowBlocks);
      groupBlocks = (numRowBlocks + groups - 1) / groups;
    }
    // Rows whose blocks would have fewer accumulators than the FMA's
    // latency in cycles (7 as 4 + 3: the 3-row block waits on its chains)
    // are one tile where the registers hold them (a 7x7 image's
    // convolution: 90 instead of 82 GFLOP/s on AVX-512). Only then: the
    // kernel is emitted twice, once per choice, until code generation.
    if (!c.elementwise && !packed && numRows > tileRows &&
        numRows <= kMaxWideRows && numRows / numRowBlocks < kMinBlockRows)
      wideRows = numRows;
    // The innermost reduction dims whose steps together number at most
    // kMaxUnrolledSteps (a 3x3 or 5x5 window; a 7x7 window's rows) are
    // unrolled; a matmul's one reduction is not (its loop is long enough).
    firstUnrolledLevel = c.reductionDims.size();
    unsigned lowestUnrolled = c.reductionDims.size() == 1 ? 1 : 0;
    int64_t steps = 1;
    while (firstUnrolledLevel > lowestUnrolled &&
           steps * c.ranges[c.reductionDims[firstUnrolledLevel - 1]] <=
               kMaxUnrolledSteps) {
      steps *= c.ranges[c.reductionDims[firstUnrolledLevel - 1]];
      --firstUnrolledLevel;
    }
  }

  /// The kernel stands for every op it absorbs: its location fuses theirs,
  /// so dispatches and errors name all their source nodes.
  static Location locationOf(const Contraction &c) {
    SmallVector<Location> locs;
    if (c.init && !c.elementwise)
      locs.push_back(c.init->op->getLoc());
    locs.push_back(c.op->getLoc());
    for (const PointwiseStage &s : c.epilogue)
      locs.push_back(s.op->getLoc());
    return FusedLoc::get(c.op->getContext(), locs);
  }

  static constexpr int64_t kPackRowStride = 512;   // 2 KB rows of f32
  static constexpr int64_t kPackedReduction = 256; // k block
  static constexpr int64_t kPackedPanelBlocks = 8; // 128 columns
  static constexpr int64_t kMinPackedTiles = 8;    // work for a few threads
  static constexpr int64_t kMaxUnrolledSteps = 32;
  static constexpr int64_t kMaxWideRows = 8;
  static constexpr int64_t kMinBlockRows = 4; // the FMA's latency

  void build(OpBuilder &b);

private:
  Value cst(OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }
  SmallVector<Value> indices(OpBuilder &b, const Access &a,
                             ArrayRef<Value> dims) {
    return indicesAt(b, loc, a, dims);
  }
  VectorType vectorOf(Type t) { return VectorType::get({width}, t); }
  Value loadVector(OpBuilder &b, const Access &a, ArrayRef<Value> dims,
                   int64_t stride, Value mask);
  Value loadBroadcast(OpBuilder &b, const Access &a, ArrayRef<Value> dims);
  Value maskedOffLanes(OpBuilder &b, Type element);
  Value maskOrAll(OpBuilder &b, Value mask);
  Value laneOffsets(OpBuilder &b, int64_t stride);
  Value gatherVector(OpBuilder &b, const Access &a, ArrayRef<Value> dims,
                     int64_t stride, Value mask);
  Value loadOutput(OpBuilder &b, ArrayRef<Value> dims, Value mask);
  void storeVector(OpBuilder &b, Value value, const Access &a,
                   ArrayRef<Value> dims, Value mask, int64_t stride);
  Value evaluate(OpBuilder &b, const PointwiseStage &s, ArrayRef<Value> dims,
                 Value mask, Value accumulator);
  void emitRows(OpBuilder &b, SmallVector<Value> dims, Value panel,
                int64_t rows);
  Value holdsVectors(OpBuilder &b, int64_t count);
  void emitBlock(OpBuilder &b, SmallVector<Value> dims, Value j0,
                 int64_t rows, int64_t cols);

  const Contraction &c;
  int64_t width;
  Location loc;
  // Rows in numRowBlocks blocks of tileRows rows, the last ones of one row
  // fewer unless extraRows is 0.
  int64_t numRows, numRowBlocks, extraRows, tileRows;
  int64_t numCols, fullBlocks, tailCols, panelBlocks, numPanels;
  int64_t activeCols = 0; // lanes of the block being emitted
  // Rows of one tile on targets whose registers hold them (0: none), which
  // other targets run in blocks of tileRows within the same parallel tile.
  int64_t wideRows = 0;
  unsigned firstUnrolledLevel = 0; // reduction levels from here are unrolled
  // Cache blocking of large matmuls: each parallel iteration covers
  // `groupBlocks` row blocks and runs the reduction in blocks of `kBlock`,
  // each time packing the panel's k block of the vector operand into a
  // contiguous buffer first (one TLB page holds many of its rows, and the
  // hardware prefetcher streams it).
  bool packed = false;
  int64_t kBlock = 0, numKBlocks = 1, groupBlocks = 1;
  Value packBuffer, panelStart, kBase, kLength, firstK, lastK;
};

Value KernelBuilder::loadVector(OpBuilder &b, const Access &a,
                                ArrayRef<Value> dims, int64_t stride,
                                Value mask) {
  Type element = cast<MemRefType>(a.memref.getType()).getElementType();
  VectorType type = vectorOf(element);
  SmallVector<Value> at = indices(b, a, dims);
  Value passThrough = maskedOffLanes(b, element);
  if (stride == 2) {
    // Every other element: two contiguous loads covering the span, then the
    // even lanes (a gather costs a load per lane).
    auto part = [&](int64_t offset, int64_t active) -> Value {
      if (active <= 0)
        return passThrough;
      SmallVector<Value> from = at;
      if (offset)
        from.back() =
            b.createOrFold<arith::AddIOp>(loc, from.back(), cst(b, offset));
      if (active >= width)
        return vector::LoadOp::create(b, loc, type, a.memref, from);
      Value m = vector::ConstantMaskOp::create(
          b, loc, VectorType::get({width}, b.getI1Type()),
          ArrayRef<int64_t>{active});
      return vector::MaskedLoadOp::create(b, loc, type, a.memref, from, m,
                                          passThrough);
    };
    int64_t span = (activeCols - 1) * 2 + 1;
    Value low = part(0, std::min(span, width));
    Value high = part(width, span - width);
    SmallVector<int64_t> evens;
    for (int64_t k = 0; k < width; ++k)
      evens.push_back(2 * k);
    return vector::ShuffleOp::create(b, loc, low, high, evens);
  }
  if (stride != 1) // strided along the row: a load per lane
    return gatherVector(b, a, dims, stride, mask);
  if (mask)
    return vector::MaskedLoadOp::create(b, loc, type, a.memref, at, mask,
                                        passThrough);
  return vector::LoadOp::create(b, loc, type, a.memref, at);
}

/// What masked-off lanes of a load hold: never 0 for integers, which a
/// division in an elementwise body would trap on (floats do not trap).
Value KernelBuilder::maskedOffLanes(OpBuilder &b, Type element) {
  VectorType type = vectorOf(element);
  return arith::ConstantOp::create(
      b, loc,
      isa<IntegerType>(element) ? cast<TypedAttr>(DenseElementsAttr::get(
                                      type, b.getIntegerAttr(element, 1)))
                                : cast<TypedAttr>(b.getZeroAttr(type)));
}

/// `mask`, or one of every lane (gathers and scatters take one).
Value KernelBuilder::maskOrAll(OpBuilder &b, Value mask) {
  if (mask)
    return mask;
  return vector::ConstantMaskOp::create(b, loc,
                                        VectorType::get({width}, b.getI1Type()),
                                        ArrayRef<int64_t>{width});
}

/// The offsets of `width` lanes `stride` elements apart.
Value KernelBuilder::laneOffsets(OpBuilder &b, int64_t stride) {
  SmallVector<int32_t> offsets;
  for (int64_t k = 0; k < width; ++k)
    offsets.push_back((int32_t)(k * stride));
  return arith::ConstantOp::create(
      b, loc,
      DenseIntElementsAttr::get(VectorType::get({width}, b.getI32Type()),
                                offsets));
}

/// Lanes `stride` elements apart from `a`'s point: a load per lane.
Value KernelBuilder::gatherVector(OpBuilder &b, const Access &a,
                                  ArrayRef<Value> dims, int64_t stride,
                                  Value mask) {
  Type element = cast<MemRefType>(a.memref.getType()).getElementType();
  VectorType type = vectorOf(element);
  return vector::GatherOp::create(b, loc, type, a.memref, indices(b, a, dims),
                                  laneOffsets(b, stride), maskOrAll(b, mask),
                                  maskedOffLanes(b, element), IntegerAttr());
}

/// The output's current values at a row's point (lanes along its innermost
/// index, or c.outStride apart).
Value KernelBuilder::loadOutput(OpBuilder &b, ArrayRef<Value> dims,
                                Value mask) {
  if (c.outStride)
    return gatherVector(b, c.out, dims, c.outStride, mask);
  return loadVector(b, c.out, dims, 1, mask);
}

Value KernelBuilder::loadBroadcast(OpBuilder &b, const Access &a,
                                   ArrayRef<Value> dims) {
  Value scalar = memref::LoadOp::create(b, loc, a.memref, indices(b, a, dims));
  return vector::BroadcastOp::create(b, loc, vectorOf(scalar.getType()),
                                     scalar);
}

void KernelBuilder::storeVector(OpBuilder &b, Value value, const Access &a,
                                ArrayRef<Value> dims, Value mask,
                                int64_t stride) {
  SmallVector<Value> at = indices(b, a, dims);
  if (stride) {
    // Lanes along an outer dim of the output (kVectorDimAttr): one store
    // per lane, once per tile.
    vector::ScatterOp::create(b, loc, Type(), a.memref, at,
                              laneOffsets(b, stride), maskOrAll(b, mask), value,
                              IntegerAttr());
    return;
  }
  if (mask)
    vector::MaskedStoreOp::create(b, loc, a.memref, at, mask, value);
  else
    vector::StoreOp::create(b, loc, value, a.memref, at);
}

/// The stage's body on one vector of points: its elementwise ops cloned
/// with vector types.
Value KernelBuilder::evaluate(OpBuilder &b, const PointwiseStage &s,
                              ArrayRef<Value> dims, Value mask,
                              Value accumulator) {
  IRMapping map;
  Block *body = const_cast<linalg::LinalgOp &>(s.op).getBlock();
  for (auto [k, a] : llvm::enumerate(s.inputs)) {
    Value v;
    if ((int)k == s.accumulatorInput)
      v = accumulator;
    else if (a.memref.getType().isIntOrFloat())
      v = vector::BroadcastOp::create(b, loc, vectorOf(a.memref.getType()),
                                      a.memref);
    else if (a.dependsOn(c.j))
      v = loadVector(b, a, dims,
                     loadsAlongInnermost(a, c.j) ? a.index.back().coeff[c.j]
                                                 : elementStride(a, c.j),
                     mask);
    else
      v = loadBroadcast(b, a, dims);
    map.map(body->getArgument(k), v);
  }
  cloneOnVectors(b, loc, *body, map, width, mask);
  Value yielded = body->getTerminator()->getOperand(0);
  if (Value m = map.lookupOrNull(yielded))
    return m;
  return vector::BroadcastOp::create(b, loc, vectorOf(yielded.getType()),
                                     yielded);
}

/// One block: `rows` rows from dims[i] and `cols` columns from `j0`.
void KernelBuilder::emitBlock(OpBuilder &b, SmallVector<Value> dims, Value j0,
                              int64_t rows, int64_t cols) {
  dims[c.j] = j0;
  activeCols = cols;
  Value mask;
  if (cols < width)
    mask = vector::ConstantMaskOp::create(
        b, loc, VectorType::get({width}, b.getI1Type()),
        ArrayRef<int64_t>{cols});
  Value rowBase = c.i ? dims[*c.i] : Value();
  auto rowDims = [&](OpBuilder &rb, SmallVector<Value> d, int64_t r) {
    if (c.i && r)
      d[*c.i] = rb.createOrFold<arith::AddIOp>(loc, rowBase, cst(rb, r));
    return d;
  };
  SmallVector<Value> accumulators;
  for (int64_t r = 0; r < rows; ++r) {
    SmallVector<Value> d = rowDims(b, dims, r);
    Value initial = c.init ? evaluate(b, *c.init, d, mask, Value())
                           : loadOutput(b, d, mask);
    // Later blocks of the reduction continue from the partial sums.
    if (packed)
      initial = arith::SelectOp::create(b, loc, firstK, initial,
                                        loadOutput(b, d, mask));
    accumulators.push_back(initial);
  }
  // The reduction loops, the accumulators carried through them.
  std::function<SmallVector<Value>(OpBuilder &, SmallVector<Value>, unsigned,
                                   ValueRange)>
      reduce = [&](OpBuilder &rb, SmallVector<Value> d, unsigned level,
                   ValueRange accs) -> SmallVector<Value> {
    if (packed) {
      // One reduction dim, this k block, the vector operand from the packed
      // panel.
      unsigned dim = c.reductionDims.front();
      Value localBlock = rb.createOrFold<arith::DivUIOp>(
          loc, rb.createOrFold<arith::SubIOp>(loc, j0, panelStart),
          cst(rb, width));
      auto loop = scf::ForOp::create(
          rb, loc, cst(rb, 0), kLength, cst(rb, 1), accs,
          [&](OpBuilder &lb, Location, Value kk, ValueRange iterArgs) {
            SmallVector<Value> ld = d;
            ld[dim] = lb.createOrFold<arith::AddIOp>(loc, kBase, kk);
            Value v = vector::LoadOp::create(
                lb, loc, vectorOf(lb.getF32Type()), packBuffer,
                ValueRange{localBlock, kk, cst(lb, 0)});
            SmallVector<Value> next;
            for (int64_t r = 0; r < rows; ++r) {
              Value s = loadBroadcast(lb, *c.scalar, rowDims(lb, ld, r));
              next.push_back(vector::FMAOp::create(lb, loc, s, v, iterArgs[r]));
            }
            scf::YieldOp::create(lb, loc, next);
          });
      return SmallVector<Value>(loop.getResults());
    }
    if (level == c.reductionDims.size()) {
      SmallVector<Value> next;
      Value shared;
      for (int64_t r = 0; r < rows; ++r) {
        SmallVector<Value> rd = rowDims(rb, d, r);
        Value v = shared;
        if (!v) {
          v = loadVector(rb, c.vec, rd, c.vecStride, mask);
          if (!c.i || !c.vec.dependsOn(*c.i))
            shared = v;
        }
        switch (c.combine) {
        case Combine::MultiplyAdd: {
          Value s = loadBroadcast(rb, *c.scalar, rd);
          next.push_back(vector::FMAOp::create(rb, loc, s, v, accs[r]));
          break;
        }
        case Combine::Max:
          next.push_back(arith::MaximumFOp::create(rb, loc, accs[r], v));
          break;
        case Combine::Add:
          next.push_back(arith::AddFOp::create(rb, loc, accs[r], v));
          break;
        }
      }
      return next;
    }
    unsigned dim = c.reductionDims[level];
    if (level >= firstUnrolledLevel) {
      // A convolution window's taps: one copy of the step per tap, so that
      // their offsets are constants (addressing displacements) and no loop
      // branch runs every few FMAs.
      SmallVector<Value> next(accs);
      for (int64_t v = 0; v < c.ranges[dim]; ++v) {
        SmallVector<Value> ld = d;
        ld[dim] = cst(rb, v);
        next = reduce(rb, ld, level + 1, next);
      }
      return next;
    }
    auto loop = scf::ForOp::create(
        rb, loc, cst(rb, 0), cst(rb, c.ranges[dim]), cst(rb, 1), accs,
        [&](OpBuilder &lb, Location, Value iv, ValueRange iterArgs) {
          SmallVector<Value> ld = d;
          ld[dim] = iv;
          scf::YieldOp::create(lb, loc, reduce(lb, ld, level + 1, iterArgs));
        });
    return SmallVector<Value>(loop.getResults());
  };
  if (!c.elementwise)
    accumulators = reduce(b, dims, 0, accumulators);
  // The final values: stored, through the epilogue.
  OpBuilder fb = b;
  if (packed) {
    // Partial sums go back to the output until the last k block.
    auto ifLast = scf::IfOp::create(b, loc, lastK, /*withElse=*/true);
    OpBuilder eb = ifLast.getElseBodyBuilder();
    for (int64_t r = 0; r < rows; ++r)
      storeVector(eb, accumulators[r], c.out, rowDims(eb, dims, r), mask,
                  c.outStride);
    fb.setInsertionPointToStart(ifLast.thenBlock());
  }
  for (int64_t r = 0; r < rows; ++r) {
    SmallVector<Value> d = rowDims(fb, dims, r);
    Value value = accumulators[r];
    if (c.storeOut)
      storeVector(fb, value, c.out, d, mask, c.outStride);
    for (const PointwiseStage &s : c.epilogue) {
      value = evaluate(fb, s, d, mask, value);
      if (s.storeOutput) {
        Access target{s.op->getOperands().back(), {}};
        // The stage writes at the output point: the output's own indices.
        target.index = c.out.index;
        storeVector(fb, value, target, d, mask,
                    c.outStride ? elementStride(target, c.j) : 0);
      }
    }
  }
}

/// Whether the target's registers hold `count` of the kernel's vectors:
/// a comparison with the address of kVectorRegistersSymbol, which each CPU
/// variant's object replaces by its own count (folded per variant).
Value KernelBuilder::holdsVectors(OpBuilder &b, int64_t count) {
  Value address = LLVM::AddressOfOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()),
      coreai::cpu::kVectorRegistersSymbol);
  Value registers = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), address));
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, registers,
                               cst(b, count));
}

/// The column blocks of one panel for a block of `rows` rows.
void KernelBuilder::emitRows(OpBuilder &b, SmallVector<Value> dims,
                             Value panel, int64_t rows) {
  Value first = b.createOrFold<arith::MulIOp>(loc, panel,
                                              cst(b, panelBlocks));
  Value end = b.createOrFold<arith::MinSIOp>(
      loc, b.createOrFold<arith::AddIOp>(loc, first, cst(b, panelBlocks)),
      cst(b, fullBlocks));
  if (fullBlocks > 0)
    scf::ForOp::create(
        b, loc, first, end, cst(b, 1), ValueRange(),
        [&](OpBuilder &lb, Location, Value block, ValueRange) {
          Value j0 = lb.createOrFold<arith::MulIOp>(loc, block, cst(lb, width));
          emitBlock(lb, dims, j0, rows, width);
          scf::YieldOp::create(lb, loc);
        });
  if (tailCols) {
    Value last = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, panel,
                                       cst(b, numPanels - 1));
    scf::IfOp::create(b, loc, last, [&](OpBuilder &tb, Location) {
      emitBlock(tb, dims, cst(tb, fullBlocks * width), rows, tailCols);
      scf::YieldOp::create(tb, loc);
    });
  }
}

void KernelBuilder::build(OpBuilder &b) {
  // Parallel tiles: the output's other dims, then panels, then row blocks.
  // Dims of one iteration are left out: canonicalization would rebuild the
  // loop without them, and without its attribute.
  SmallVector<unsigned> outer;
  SmallVector<Value> dims(c.ranges.size());
  for (unsigned d : c.outDims)
    if (d != c.j && d != c.i) {
      if (c.ranges[d] == 1)
        dims[d] = cst(b, 0);
      else
        outer.push_back(d);
    }
  SmallVector<Value> lbs, ubs, steps;
  for (unsigned d : outer) {
    lbs.push_back(cst(b, 0));
    ubs.push_back(cst(b, c.ranges[d]));
    steps.push_back(cst(b, 1));
  }
  int64_t rowBlocks = wideRows ? 1 : numRowBlocks;
  int64_t rowIters = (rowBlocks + groupBlocks - 1) / groupBlocks;
  bool panelDim = numPanels > 1;
  bool rowDim = rowIters > 1 || (outer.empty() && !panelDim);
  for (auto [n, present] :
       {std::pair{numPanels, panelDim}, std::pair{rowIters, rowDim}}) {
    if (!present)
      continue;
    lbs.push_back(cst(b, 0));
    ubs.push_back(cst(b, n));
    steps.push_back(cst(b, 1));
  }
  auto par = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
  par->setAttr(coreai::kDisjointTilesAttr, b.getUnitAttr());
  OpBuilder pb = OpBuilder::atBlockBegin(par.getBody());
  ValueRange ivs = par.getInductionVars();
  for (auto [k, d] : llvm::enumerate(outer))
    dims[d] = ivs[k];
  unsigned next = outer.size();
  Value panel = panelDim ? ivs[next++] : cst(pb, 0);
  Value rowIter = rowDim ? ivs[next] : cst(pb, 0);
  // The first row of block `index` and its rows.
  int64_t baseRows = numRows / numRowBlocks;
  auto blockStart = [&](int64_t index) {
    return index * baseRows + std::min(index, extraRows);
  };
  auto blockRows = [&](int64_t index) {
    return baseRows + (index < extraRows ? 1 : 0);
  };
  auto emitRowBlock = [&](OpBuilder &rb, Value rowBlock) {
    if (wideRows) {
      // One tile of every row (accumulators, a vector and the broadcasts
      // in registers), or the blocks.
      scf::IfOp::create(
          rb, loc, holdsVectors(rb, 2 * wideRows + 2),
          [&](OpBuilder &tb, Location) {
            dims[*c.i] = cst(tb, 0);
            emitRows(tb, dims, panel, wideRows);
            scf::YieldOp::create(tb, loc);
          },
          [&](OpBuilder &eb, Location) {
            for (int64_t index = 0; index < numRowBlocks; ++index) {
              dims[*c.i] = cst(eb, blockStart(index));
              emitRows(eb, dims, panel, blockRows(index));
            }
            scf::YieldOp::create(eb, loc);
          });
      return;
    }
    if (!extraRows) {
      if (c.i)
        dims[*c.i] =
            rb.createOrFold<arith::MulIOp>(loc, rowBlock, cst(rb, tileRows));
      emitRows(rb, dims, panel, tileRows);
      return;
    }
    // Blocks before extraRows have tileRows rows, the others one fewer.
    Value longer = arith::CmpIOp::create(rb, loc, arith::CmpIPredicate::slt,
                                         rowBlock, cst(rb, extraRows));
    scf::IfOp::create(
        rb, loc, longer,
        [&](OpBuilder &tb, Location) {
          dims[*c.i] =
              tb.createOrFold<arith::MulIOp>(loc, rowBlock, cst(tb, tileRows));
          emitRows(tb, dims, panel, tileRows);
          scf::YieldOp::create(tb, loc);
        },
        [&](OpBuilder &eb, Location) {
          dims[*c.i] = eb.createOrFold<arith::AddIOp>(
              loc,
              eb.createOrFold<arith::MulIOp>(loc, rowBlock,
                                             cst(eb, tileRows - 1)),
              cst(eb, extraRows));
          emitRows(eb, dims, panel, tileRows - 1);
          scf::YieldOp::create(eb, loc);
        });
  };
  if (!packed) {
    emitRowBlock(pb, rowIter);
    return;
  }

  // Packed: per k block, the panel's rows of the vector operand are copied
  // into a contiguous buffer, then every row block of the group runs on it.
  auto scope = memref::AllocaScopeOp::create(pb, loc, TypeRange());
  Block *scopeBody = new Block();
  scope.getBodyRegion().push_back(scopeBody);
  OpBuilder sb = OpBuilder::atBlockBegin(scopeBody);
  int64_t panelWidth = panelBlocks * width;
  // Each column block's k rows are contiguous (a micro-panel the kernel
  // streams in order, which the prefetcher follows), not interleaved with
  // the panel's other blocks.
  packBuffer = memref::AllocaOp::create(
      sb, loc, MemRefType::get({panelBlocks, kBlock, width}, sb.getF32Type()),
      sb.getI64IntegerAttr(64));
  panelStart = sb.createOrFold<arith::MulIOp>(loc, panel, cst(sb, panelWidth));
  unsigned kDim = c.reductionDims.front();
  int64_t reduction = c.ranges[kDim];
  auto emitKBlock = [&](OpBuilder &kb, Value kIndex) {
    kBase = kb.createOrFold<arith::MulIOp>(loc, kIndex, cst(kb, kBlock));
    kLength = kb.createOrFold<arith::MinSIOp>(
        loc, cst(kb, kBlock),
        kb.createOrFold<arith::SubIOp>(loc, cst(kb, reduction), kBase));
    firstK = kb.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                            kIndex, cst(kb, 0));
    lastK = kb.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                           kIndex, cst(kb, numKBlocks - 1));
    // Pack: full blocks of the panel, then the masked tail (the last panel).
    Value fullInPanel = kb.createOrFold<arith::MinSIOp>(
        loc, cst(kb, panelBlocks),
        kb.createOrFold<arith::SubIOp>(
            loc, cst(kb, fullBlocks),
            kb.createOrFold<arith::MulIOp>(loc, panel, cst(kb, panelBlocks))));
    scf::ForOp::create(
        kb, loc, cst(kb, 0), kLength, cst(kb, 1), ValueRange(),
        [&](OpBuilder &lb, Location, Value kk, ValueRange) {
          SmallVector<Value> d = dims;
          d[kDim] = lb.createOrFold<arith::AddIOp>(loc, kBase, kk);
          scf::ForOp::create(
              lb, loc, cst(lb, 0), fullInPanel, cst(lb, 1), ValueRange(),
              [&](OpBuilder &fb, Location, Value block, ValueRange) {
                Value local =
                    fb.createOrFold<arith::MulIOp>(loc, block, cst(fb, width));
                d[c.j] = fb.createOrFold<arith::AddIOp>(loc, panelStart, local);
                activeCols = width;
                Value v = loadVector(fb, c.vec, d, 1, Value());
                vector::StoreOp::create(fb, loc, v, packBuffer,
                                        ValueRange{block, kk, cst(fb, 0)});
                scf::YieldOp::create(fb, loc);
              });
          if (tailCols) {
            Value last =
                arith::CmpIOp::create(lb, loc, arith::CmpIPredicate::eq, panel,
                                      cst(lb, numPanels - 1));
            scf::IfOp::create(lb, loc, last, [&](OpBuilder &tb, Location) {
              d[c.j] = cst(tb, fullBlocks * width);
              activeCols = tailCols;
              Value mask = vector::ConstantMaskOp::create(
                  tb, loc, VectorType::get({width}, tb.getI1Type()),
                  ArrayRef<int64_t>{tailCols});
              Value v = loadVector(tb, c.vec, d, 1, mask);
              vector::StoreOp::create(
                  tb, loc, v, packBuffer,
                  ValueRange{cst(tb, fullBlocks % panelBlocks), kk,
                             cst(tb, 0)});
              scf::YieldOp::create(tb, loc);
            });
          }
          scf::YieldOp::create(lb, loc);
        });
    // The group's row blocks.
    Value firstBlock =
        kb.createOrFold<arith::MulIOp>(loc, rowIter, cst(kb, groupBlocks));
    Value endBlock = kb.createOrFold<arith::MinSIOp>(
        loc,
        kb.createOrFold<arith::AddIOp>(loc, firstBlock, cst(kb, groupBlocks)),
        cst(kb, rowBlocks));
    scf::ForOp::create(
        kb, loc, firstBlock, endBlock, cst(kb, 1), ValueRange(),
        [&](OpBuilder &rb, Location, Value rowBlock, ValueRange) {
          emitRowBlock(rb, rowBlock);
          scf::YieldOp::create(rb, loc);
        });
  };
  if (numKBlocks == 1) {
    emitKBlock(sb, cst(sb, 0));
  } else {
    scf::ForOp::create(sb, loc, cst(sb, 0), cst(sb, numKBlocks), cst(sb, 1),
                       ValueRange(),
                       [&](OpBuilder &kb, Location, Value kIndex, ValueRange) {
                         emitKBlock(kb, kIndex);
                         scf::YieldOp::create(kb, loc);
                       });
  }
  memref::AllocaScopeReturnOp::create(sb, loc);
}

/// An elementwise op (all loops parallel, identity output map) whose inputs
/// are constant along its innermost dim or contiguous in it: the same
/// kernel without a reduction, rows of vectors along the innermost dim.
std::optional<Contraction> matchElementwise(linalg::LinalgOp op,
                                            int64_t minWidth) {
  if (!isa<linalg::GenericOp, linalg::MapOp, linalg::CopyOp,
           linalg::TransposeOp>(op) ||
      !op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumLoops() == 0 || op.getNumParallelLoops() != op.getNumLoops())
    return std::nullopt;
  Value out = op.getDpsInitOperand(0)->get();
  auto outType = cast<MemRefType>(out.getType());
  if (!outType.hasStaticShape() || !unitInnerStride(out) ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;
  Contraction c;
  c.op = op;
  c.elementwise = true;
  // The loops are the output's dims (identity map), whatever the inputs'.
  c.ranges.assign(outType.getShape().begin(), outType.getShape().end());
  if (llvm::any_of(c.ranges, [](int64_t r) { return r <= 0; }) ||
      !distinctElements(out))
    return std::nullopt;
  unsigned rank = c.ranges.size();
  for (unsigned d = 0; d < rank; ++d)
    c.outDims.push_back(d);
  c.j = rank - 1;
  if (c.ranges[c.j] < minWidth)
    return std::nullopt;
  for (int d = (int)rank - 2; d >= 0; --d)
    if (c.ranges[d] > 1) {
      c.i = d;
      break;
    }
  c.out = *accessOf(out, op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  std::optional<PointwiseStage> self = matchStage(c, op, Value(), {});
  if (!self)
    return std::nullopt;
  c.init = self;
  return c;
}

/// The reduction `out = combine(out, x)` of a row reduction's body, where
/// `x` is computed from the inputs alone by elementwise ops (the relu of a
/// global average pool, a softmax's exp(x - max), a variance's squared
/// difference); nullopt for any other body.
struct RowReductionBody {
  bool isMax = false;
  Value term; // x, in the body
};
std::optional<RowReductionBody> matchRowReductionBody(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  Value acc = body->getArguments().back();
  if (!acc.getType().isF32())
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  Operation *combine = yield.getNumOperands() == 1
                           ? yield.getOperand(0).getDefiningOp()
                           : nullptr;
  if (!combine || !isa<arith::AddFOp, arith::MaximumFOp>(combine) ||
      combine->getParentOp() != op.getOperation())
    return std::nullopt;
  Value x = combine->getOperand(0), y = combine->getOperand(1);
  Value term = x == acc ? y : y == acc ? x : Value();
  if (!term)
    return std::nullopt;
  // Every other op is elementwise and never reads the accumulator.
  for (Operation &inner : body->without_terminator()) {
    if (&inner == combine)
      continue;
    if (!OpTrait::hasElementwiseMappableTraits(&inner) ||
        inner.getNumResults() != 1 || inner.getNumRegions() ||
        llvm::is_contained(inner.getOperands(), acc))
      return std::nullopt;
  }
  if (!acc.hasOneUse())
    return std::nullopt;
  return RowReductionBody{isa<arith::MaximumFOp>(combine), term};
}

/// A max or sum along the contiguous innermost dims of its inputs (a
/// softmax's row max and row sum, a mean, a global average pool over
/// H * W), of any elementwise function of the inputs (a relu before the
/// pool, a softmax's exp(x - max) with the max read once per row), or a dot
/// product of two inputs contiguous along it (a fully connected layer at
/// batch 1 with weights [N, K]: each weight row streamed once): `width`
/// partial results per row in a vector, combined across lanes once at the
/// end, one row per iteration of a parallel loop over the output. Several
/// reduction dims that are contiguous in every input (H and W) are
/// collapsed into one first. Returns whether it rewrote `op`. (Sums are
/// reassociated, as every vectorized reduction is.)
bool vectorizeRowReduction(RewriterBase &rewriter, linalg::LinalgOp op,
                           int64_t width) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() < 1 || !op.getBlock() ||
      !matchRowReductionBody(op))
    return false;
  unsigned numLoops = op.getNumLoops();
  bool replaced = false;
  if (op.getNumReductionLoops() > 1) {
    // The reduction dims must be the innermost loops of a generic (a named
    // op would lose its semantics when collapsed), then collapse.
    if (!isa<linalg::GenericOp>(op) ||
        !llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
          return map.isProjectedPermutation(/*allowZeroInResults=*/false);
        }))
      return false;
    SmallVector<ReassociationIndices> groups;
    unsigned firstReduction = numLoops - op.getNumReductionLoops();
    for (unsigned d = 0; d < numLoops; ++d) {
      bool isReduction =
          op.getIteratorTypesArray()[d] == utils::IteratorType::reduction;
      if (isReduction != (d >= firstReduction))
        return false;
      if (d <= firstReduction)
        groups.push_back({d});
      else
        groups.back().push_back(d);
    }
    if (!linalg::areDimSequencesPreserved(op.getIndexingMapsArray(),
                                          groups.back()))
      return false;
    for (OpOperand &operand : op->getOpOperands()) {
      auto type = dyn_cast<MemRefType>(operand.get().getType());
      if (!type || !type.hasStaticShape())
        return false;
    }
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::CollapseResult> collapsed =
        linalg::collapseOpIterationDims(op, groups, rewriter);
    if (failed(collapsed))
      return false;
    Operation *original = op.getOperation();
    op = cast<linalg::LinalgOp>(collapsed->collapsedOp.getOperation());
    rewriter.eraseOp(original);
    // From here `op` replaced the original: a refusal leaves the collapsed
    // op, which runs as loops like the original would have.
    replaced = true;
  }
  std::optional<RowReductionBody> form = matchRowReductionBody(op);
  if (!form || op.getNumReductionLoops() != 1)
    return replaced;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, [](int64_t r) { return r <= 0; }))
    return replaced;
  OpOperand *init = op.getDpsInitOperand(0);
  AffineMap outMap = op.getMatchingIndexingMap(init);
  if (!outMap.isProjectedPermutation(/*allowZeroInResults=*/false))
    return replaced;
  unsigned r = 0;
  for (auto [d, kind] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (kind == utils::IteratorType::reduction)
      r = d;
    // The output is indexed by exactly the parallel dims.
    if ((kind == utils::IteratorType::parallel) != outMap.isFunctionOfDim(d))
      return replaced;
  }
  std::optional<Access> out = accessOf(init->get(), outMap);
  if (!out || ranges[r] < width / 2 || !distinctElements(init->get()))
    return replaced;
  // Every input is contiguous along the reduction, in its innermost index
  // only (a row of a softmax, the two operands of a dot product), or does
  // not vary along it (a softmax's row max, read once per row).
  Block *body = op.getBlock();
  SmallVector<std::optional<Access>> ins;
  SmallVector<bool> alongRow;
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (!isa<MemRefType>(input->get().getType())) {
      ins.push_back(std::nullopt); // a scalar
      alongRow.push_back(false);
      continue;
    }
    std::optional<Access> in =
        accessOf(input->get(), op.getMatchingIndexingMap(input));
    if (!in || !hasVectorElements(input->get()))
      return replaced;
    bool varies = in->dependsOn(r);
    if (varies) {
      if (!unitInnerStride(input->get()) || in->index.back().coeff[r] != 1)
        return replaced;
      for (unsigned k = 0; k + 1 < in->index.size(); ++k)
        if (in->index[k].coeff[r])
          return replaced;
    }
    ins.push_back(in);
    alongRow.push_back(varies);
  }
  // A dot product of two rows: one FMA per step.
  auto product = form->term.getDefiningOp<arith::MulFOp>();
  bool isDot = !form->isMax && product && body->getNumArguments() == 3 &&
               ins[0] && ins[1] && alongRow[0] && alongRow[1] &&
               ((product.getLhs() == body->getArgument(0) &&
                 product.getRhs() == body->getArgument(1)) ||
                (product.getLhs() == body->getArgument(1) &&
                 product.getRhs() == body->getArgument(0)));

  Location loc = op.getLoc();
  OpBuilder b(op);
  auto cst = [&](OpBuilder &ob, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, loc, v);
  };
  SmallVector<Value> dims(ranges.size());
  SmallVector<unsigned> parallel;
  for (AffineExpr e : outMap.getResults()) {
    unsigned d = cast<AffineDimExpr>(e).getPosition();
    if (ranges[d] > 1)
      parallel.push_back(d);
    else
      dims[d] = cst(b, 0);
  }
  SmallVector<Value> lbs, ubs, steps;
  for (unsigned d : parallel) {
    lbs.push_back(cst(b, 0));
    ubs.push_back(cst(b, ranges[d]));
    steps.push_back(cst(b, 1));
  }
  if (parallel.empty()) {
    lbs.push_back(cst(b, 0));
    ubs.push_back(cst(b, 1));
    steps.push_back(cst(b, 1));
  }
  auto par = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
  par->setAttr(coreai::kDisjointTilesAttr, b.getUnitAttr());
  OpBuilder pb = OpBuilder::atBlockBegin(par.getBody());
  for (auto [k, d] : llvm::enumerate(parallel))
    dims[d] = par.getInductionVars()[k];
  Type f32 = pb.getF32Type();
  auto type = VectorType::get({width}, f32);
  auto vectorOf = [&](Type t) { return VectorType::get({width}, t); };
  // Masked-off lanes hold the combination's identity.
  float identity = form->isMax ? -std::numeric_limits<float>::infinity() : 0.0f;
  Value identityV = arith::ConstantOp::create(
      pb, loc, DenseElementsAttr::get(type, pb.getF32FloatAttr(identity)));
  auto combineV = [&](OpBuilder &cb, Value x, Value y) -> Value {
    if (form->isMax)
      return arith::MaximumFOp::create(cb, loc, x, y);
    return arith::AddFOp::create(cb, loc, x, y);
  };
  auto at = [&](OpBuilder &ib, const Access &a, ArrayRef<Value> d) {
    return indicesAt(ib, loc, a, d);
  };
  // Inputs that do not vary along the row: read once per row.
  SmallVector<Value> rowValues(ins.size());
  for (auto [k, in] : llvm::enumerate(ins)) {
    Value arg = body->getArgument(k);
    if (!in) {
      rowValues[k] = vector::BroadcastOp::create(
          pb, loc, vectorOf(arg.getType()), op.getDpsInputs()[k]);
    } else if (!alongRow[k]) {
      SmallVector<Value> d = dims;
      d[r] = cst(pb, 0);
      Value scalar =
          memref::LoadOp::create(pb, loc, in->memref, at(pb, *in, d));
      rowValues[k] =
          vector::BroadcastOp::create(pb, loc, vectorOf(arg.getType()), scalar);
    }
  }
  // The term on one vector of the row starting at `d[r]`: the body's
  // elementwise ops cloned on vectors.
  auto term = [&](OpBuilder &lb, ArrayRef<Value> d, Value mask) -> Value {
    IRMapping map;
    for (auto [k, in] : llvm::enumerate(ins)) {
      Value arg = body->getArgument(k);
      if (!alongRow[k]) {
        map.map(arg, rowValues[k]);
        continue;
      }
      VectorType vt = vectorOf(arg.getType());
      Value v;
      if (mask) {
        Value pass = arith::ConstantOp::create(lb, loc, lb.getZeroAttr(vt));
        v = vector::MaskedLoadOp::create(lb, loc, vt, in->memref,
                                         at(lb, *in, d), mask, pass);
      } else {
        v = vector::LoadOp::create(lb, loc, vt, in->memref, at(lb, *in, d));
      }
      map.map(arg, v);
    }
    // (The combination itself is the caller's.)
    cloneOnVectors(lb, loc, *body, map, width, mask,
                   body->getTerminator()->getOperand(0).getDefiningOp());
    Value x = map.lookupOrNull(form->term);
    if (!x)
      x = vector::BroadcastOp::create(lb, loc, type, form->term);
    // Masked-off lanes must not change the result (exp(0) is 1).
    if (mask)
      x = arith::SelectOp::create(lb, loc, mask, x, identityV);
    return x;
  };
  auto load = [&](OpBuilder &lb, unsigned k, ArrayRef<Value> d, Value mask) {
    if (!mask)
      return Value(vector::LoadOp::create(lb, loc, type, ins[k]->memref,
                                          at(lb, *ins[k], d)));
    return Value(vector::MaskedLoadOp::create(
        lb, loc, type, ins[k]->memref, at(lb, *ins[k], d), mask, identityV));
  };
  auto step = [&](OpBuilder &lb, ArrayRef<Value> d, Value mask,
                  Value acc) -> Value {
    if (isDot) {
      // (Loads made in operand order: argument evaluation order is not.)
      Value lhs = load(lb, 0, d, mask);
      Value rhs = load(lb, 1, d, mask);
      return vector::FMAOp::create(lb, loc, lhs, rhs, acc);
    }
    return combineV(lb, acc, term(lb, d, mask));
  };
  int64_t full = ranges[r] / width, tail = ranges[r] % width;
  auto loop = scf::ForOp::create(
      pb, loc, cst(pb, 0), cst(pb, full), cst(pb, 1), ValueRange{identityV},
      [&](OpBuilder &lb, Location, Value block, ValueRange acc) {
        SmallVector<Value> d = dims;
        d[r] = lb.createOrFold<arith::MulIOp>(loc, block, cst(lb, width));
        scf::YieldOp::create(lb, loc, step(lb, d, Value(), acc[0]));
      });
  Value acc = loop.getResult(0);
  if (tail) {
    SmallVector<Value> d = dims;
    d[r] = cst(pb, full * width);
    Value mask = vector::ConstantMaskOp::create(
        pb, loc, VectorType::get({width}, pb.getI1Type()),
        ArrayRef<int64_t>{tail});
    acc = step(pb, d, mask, acc);
  }
  Value lanes =
      vector::ReductionOp::create(pb, loc,
                                  form->isMax ? vector::CombiningKind::MAXIMUMF
                                              : vector::CombiningKind::ADD,
                                  acc);
  SmallVector<Value> outIndex = at(pb, *out, dims);
  Value previous = memref::LoadOp::create(pb, loc, out->memref, outIndex);
  Value result = combineV(pb, previous, lanes);
  memref::StoreOp::create(pb, loc, result, out->memref, outIndex);
  rewriter.eraseOp(op);
  return true;
}

struct CPUVectorizeContractions
    : coreai::impl::CPUVectorizeContractionsBase<CPUVectorizeContractions> {
  using CPUVectorizeContractionsBase::CPUVectorizeContractionsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>()))
      if (!func.isExternal())
        runOnFunction(func);
    // The register count the kernels may ask for, resolved per variant.
    bool asked = false;
    module.walk([&](LLVM::AddressOfOp op) {
      asked |= op.getGlobalName() == coreai::cpu::kVectorRegistersSymbol;
    });
    if (asked && !module.lookupSymbol(coreai::cpu::kVectorRegistersSymbol)) {
      auto b = OpBuilder::atBlockBegin(module.getBody());
      LLVM::GlobalOp::create(b, module.getLoc(), b.getI8Type(),
                             /*isConstant=*/true, LLVM::Linkage::External,
                             coreai::cpu::kVectorRegistersSymbol, Attribute());
    }
  }

  void runOnFunction(func::FuncOp func) {
    // Ops of an earlier function are gone: their addresses may now belong
    // to this function's ops, which must not look absorbed.
    erased.clear();
    IRRewriter rewriter(&getContext());
    coreai::cpu::prepareConvolutions(func, rewriter, width);
    SmallVector<linalg::LinalgOp> candidates;
    func.walk([&](linalg::LinalgOp op) {
      if (isa<func::FuncOp>(op->getParentOp()))
        candidates.push_back(op);
    });
    // Contractions first, so that they absorb the elementwise ops around
    // them; then the elementwise ops left.
    int64_t minWidth = std::max<int64_t>(width / 4, 1);
    for (bool elementwise : {false, true})
      for (linalg::LinalgOp op : candidates)
        if (!erased.contains(op.getOperation()))
          vectorize(op, elementwise, minWidth);
    // Scratch buffers that only the absorbed ops used.
    func.walk([](memref::AllocOp alloc) {
      if (alloc->use_empty())
        alloc->erase();
    });
  }

  void vectorize(linalg::LinalgOp op, bool elementwise, int64_t minWidth) {
    std::optional<Contraction> c = elementwise ? matchElementwise(op, minWidth)
                                               : matchContraction(op, minWidth);
    if (!c) {
      if (elementwise) {
        IRRewriter rewriter(op.getContext());
        if (vectorizeRowReduction(rewriter, op, width))
          erased.insert(op.getOperation());
      }
      return;
    }
    if (!elementwise)
      matchStages(*c);
    Operation *last =
        c->epilogue.empty() ? op.getOperation() : c->epilogue.back().op;
    OpBuilder b(last);
    KernelBuilder(*c, width, rows, panelFloats).build(b);
    SmallVector<Operation *> absorbed;
    for (auto it = c->epilogue.rbegin(); it != c->epilogue.rend(); ++it)
      absorbed.push_back(it->op);
    absorbed.push_back(op);
    if (c->init && !c->elementwise)
      absorbed.push_back(c->init->op);
    for (Operation *dead : absorbed) {
      erased.insert(dead);
      dead->erase();
    }
  }

  /// Ops of the current function that a kernel absorbed (and erased).
  llvm::DenseSet<Operation *> erased;
};

} // namespace

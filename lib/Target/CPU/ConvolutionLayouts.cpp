//===- ConvolutionLayouts.cpp - Convolutions as the kernel wants them -----===//
//
// coreai-cpu-vectorize-contractions vectorizes along the output's innermost
// dim, the image width W of an NCHW convolution. Where W is short (a 7x7
// image fills 7 of 16 lanes) or the loads are strided, the convolution is
// first rewritten as a contraction over a flattened image, contiguous and
// long, before the kernels are built; where its weights are stored in
// blocks of output channels (aigraph-block-convolution-weights), as a
// contraction along those channels.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/ConvolutionLayouts.h"

#include "dialects/AIGraph/AttributeNames.h"
#include "lib/Target/CPU/LoopAccesses.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace coreai::cpu {
namespace {

/// `to[i] = from[fromMap(i)]` over the space of `to`: a subsampled image, a
/// phase of one, an image's patches, or an output read back from a
/// flattened scratch.
void copyThrough(OpBuilder &b, Location loc, Value from, AffineMap fromMap,
                 Value to) {
  unsigned rank = fromMap.getNumDims();
  linalg::GenericOp::create(
      b, loc, TypeRange{}, ValueRange{from}, ValueRange{to},
      SmallVector<AffineMap>{
          fromMap, AffineMap::getMultiDimIdentityMap(rank, b.getContext())},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(nb, l, args[0]);
      });
}

/// `out += image * filter` over `maps` and `iterators`: the contraction a
/// convolution becomes over a flattened image.
Operation *multiplyAccumulate(OpBuilder &b, Location loc, Value image,
                              Value filter, Value out, ArrayRef<AffineMap> maps,
                              ArrayRef<utils::IteratorType> iterators) {
  return linalg::GenericOp::create(
      b, loc, TypeRange{}, ValueRange{image, filter}, ValueRange{out}, maps,
      iterators, [](OpBuilder &nb, Location l, ValueRange args) {
        Value product = arith::MulFOp::create(nb, l, args[0], args[1]);
        linalg::YieldOp::create(
            nb, l, Value(arith::AddFOp::create(nb, l, args[2], product)));
      });
}

/// Whether `op` is elementwise over a 4-D space and keeps dims 2 and 3
/// together in every operand, so that they can be flattened into one.
bool flattensImage(linalg::LinalgOp op) {
  return op && op.hasPureBufferSemantics() && op.getNumLoops() == 4 &&
         op.getNumParallelLoops() == 4 &&
         linalg::areDimSequencesPreserved(op.getIndexingMapsArray(),
                                          {ReassociationIndices{2, 3}});
}

/// The initializer of a convolution's output `out`, the op just before
/// `conv`: a fill, or a broadcast along N and F (a bias) that reads neither
/// the output's previous value nor its position. Null otherwise.
linalg::LinalgOp initializerOf(linalg::LinalgOp conv, Value out) {
  auto init = dyn_cast_or_null<linalg::LinalgOp>(
      neighbourWithEffects(conv, /*forward=*/false));
  if (!init || !init.hasPureBufferSemantics() || init.getNumDpsInits() != 1 ||
      init.getDpsInitOperand(0)->get() != out || init.getNumLoops() != 4 ||
      init.getNumParallelLoops() != 4 ||
      !init.getMatchingIndexingMap(init.getDpsInitOperand(0)).isIdentity() ||
      !(isa<linalg::FillOp>(init) || isa<linalg::GenericOp>(init)))
    return {};
  for (OpOperand *input : init.getDpsInputOperands())
    if (isa<MemRefType>(input->get().getType())) {
      AffineMap map = init.getMatchingIndexingMap(input);
      if (map.isFunctionOfDim(2) || map.isFunctionOfDim(3))
        return {};
    }
  // It must not read the output's previous value or its position: the
  // scratch or view it moves to has no previous value, and other dims.
  if (auto generic = dyn_cast<linalg::GenericOp>(init.getOperation()))
    if (!generic.getBody()->getArguments().back().use_empty() ||
        !generic.getBody()->getOps<linalg::IndexOp>().empty())
      return {};
  return init;
}

/// Replaces `init` (see initializerOf) by the same initialization of
/// `scratch`, where output element (n, f, h, w) is the scratch element at
/// `outDims` (expressions of the scratch's dims), at the insertion point.
void initializeScratch(RewriterBase &rewriter, linalg::LinalgOp init,
                       Value scratch, ArrayRef<AffineExpr> outDims) {
  if (auto fill = dyn_cast<linalg::FillOp>(init.getOperation())) {
    linalg::FillOp::create(rewriter, init.getLoc(), fill.getInputs()[0],
                           scratch);
  } else {
    auto generic = cast<linalg::GenericOp>(init.getOperation());
    unsigned rank = cast<MemRefType>(scratch.getType()).getRank();
    SmallVector<AffineMap> maps;
    for (OpOperand *input : generic.getDpsInputOperands())
      maps.push_back(
          generic.getMatchingIndexingMap(input).replaceDimsAndSymbols(
              outDims, {}, rank, 0));
    maps.push_back(AffineMap::getMultiDimIdentityMap(rank, init.getContext()));
    auto moved = linalg::GenericOp::create(
        rewriter, init.getLoc(), TypeRange{}, generic.getInputs(),
        ValueRange{scratch}, maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel));
    rewriter.cloneRegionBefore(generic.getRegion(), moved.getRegion(),
                               moved.getRegion().end());
  }
  rewriter.eraseOp(init);
}

/// A convolution's weights stored in blocks of output channels
/// (aigraph-block-convolution-weights): the filter [F, C, KH, KW] is a
/// collapse of a buffer that a transpose [0, 4, 1, 2, 3] fills from
/// `blocks`, [F / B, C, KH, KW, B].
struct BlockedFilter {
  Value blocks;
  linalg::TransposeOp transpose;
  memref::CollapseShapeOp collapse;
};

std::optional<BlockedFilter> blockedFilterOf(Value filter) {
  auto collapse = filter.getDefiningOp<memref::CollapseShapeOp>();
  if (!collapse || collapse.getReassociationIndices() !=
                       SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}})
    return std::nullopt;
  Value unpacked = collapse.getSrc();
  if (!unpacked.getDefiningOp<memref::AllocOp>())
    return std::nullopt;
  // The transpose is the buffer's one writer; the rest are such collapses.
  linalg::TransposeOp transpose;
  for (Operation *user : unpacked.getUsers()) {
    if (auto t = dyn_cast<linalg::TransposeOp>(user);
        t && t.getInit() == unpacked && !transpose) {
      transpose = t;
      continue;
    }
    if (!isa<memref::CollapseShapeOp>(user))
      return std::nullopt;
  }
  if (!transpose ||
      transpose.getPermutation() != ArrayRef<int64_t>{0, 4, 1, 2, 3})
    return std::nullopt;
  auto blocksType = dyn_cast<MemRefType>(transpose.getInput().getType());
  if (!blocksType || !blocksType.hasStaticShape() ||
      !blocksType.getLayout().isIdentity() ||
      !blocksType.getElementType().isF32())
    return std::nullopt;
  return BlockedFilter{transpose.getInput(), transpose, collapse};
}

/// A 1x1, stride-1 NCHW convolution is a matmul of the weights [F, C] and
/// the image [C, H*W]: as a contraction over the flattened image its rows
/// vectorize along H*W instead of the (often short) W. Its initializer and
/// elementwise consumers over the same image are flattened alike so that
/// they still fuse into its kernel. A strided 1x1 convolution (a ResNet's
/// downsampling shortcut) is the same matmul over a subsampled copy of its
/// input, instead of stride-2 loads along a short W. A convolution whose
/// windows tile the image (kernel = stride, undilated: ViT's 16x16 patch
/// embedding, ConvNeXt's 4x4 stem and 2x2 downsampling) is the matmul of
/// the weights [F, C*KH*KW] and the image's patches [C*KH*KW, OH*OW], copied
/// out in one pass (space to depth), instead of loads of stride 16 along W.
void flattenPointwiseConvolution(RewriterBase &rewriter,
                                 linalg::Conv2DNchwFchwOp conv) {
  auto in = dyn_cast<TypedValue<MemRefType>>(conv.getInputs()[0]);
  auto filter = dyn_cast<TypedValue<MemRefType>>(conv.getInputs()[1]);
  auto out = dyn_cast<TypedValue<MemRefType>>(conv.getOutputs()[0]);
  if (!in || !filter || !out || !in.getType().hasStaticShape() ||
      !filter.getType().hasStaticShape() || !out.getType().hasStaticShape())
    return;
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  ArrayRef<int64_t> outShape = out.getType().getShape();
  int64_t kh = filter.getType().getDimSize(2),
          kw = filter.getType().getDimSize(3);
  bool patches = kh != 1 || kw != 1;
  if (!in.getType().getElementType().isF32() ||
      (patches && (strides[0] != kh || strides[1] != kw ||
                   !llvm::all_of(conv.getDilations().getValues<int64_t>(),
                                 [](int64_t d) { return d == 1; }))))
    return;
  SmallVector<ReassociationIndices> image{{0}, {1}, {2, 3}};
  SmallVector<ReassociationIndices> weights{{0}, {1, 2, 3}};
  bool subsample =
      !patches &&
      (in.getType().getShape().drop_front(2) != outShape.drop_front(2) ||
       !llvm::all_of(strides, [](int64_t s) { return s == 1; }));
  if ((!subsample && !memref::CollapseShapeOp::isGuaranteedCollapsible(
                         in.getType(), image)) ||
      !memref::CollapseShapeOp::isGuaranteedCollapsible(out.getType(), image) ||
      !memref::CollapseShapeOp::isGuaranteedCollapsible(filter.getType(),
                                                        weights))
    return;
  // The neighbours over the same image, while each one flattens.
  SmallVector<linalg::LinalgOp> stages;
  if (auto prev = dyn_cast_or_null<linalg::LinalgOp>(
          neighbourWithEffects(conv, /*forward=*/false)))
    if (flattensImage(prev) && prev.getNumDpsInits() == 1 &&
        prev.getDpsInitOperand(0)->get() == out)
      stages.push_back(prev);
  Operation *first = stages.empty() ? conv.getOperation() : stages.front();
  Operation *last = conv;
  while (auto next = dyn_cast_or_null<linalg::LinalgOp>(
             neighbourWithEffects(last, /*forward=*/true))) {
    if (!flattensImage(next) ||
        cast<MemRefType>(next->getOperands().back().getType()).getShape() !=
            out.getType().getShape())
      break;
    stages.push_back(next);
    last = next;
  }
  Location loc = conv.getLoc();
  MLIRContext *ctx = conv.getContext();
  // A copy of the input goes before the initializer (which stays next to
  // the convolution), unless a view defining the input lies between them.
  Operation *copyPoint = first;
  if (Operation *def = in.getDefiningOp();
      def && def->getBlock() == first->getBlock() &&
      !def->isBeforeInBlock(first))
    copyPoint = conv;
  if (patches) {
    // The patches, [N, C, KH, KW, OH, OW], collapsed to [N, C*KH*KW, OH*OW]
    // (the filter's [C, KH, KW] order).
    rewriter.setInsertionPoint(copyPoint);
    int64_t channels = in.getType().getDimSize(1);
    auto patchType = MemRefType::get(
        {outShape[0], channels, kh, kw, outShape[2], outShape[3]},
        rewriter.getF32Type());
    Value patched = memref::AllocOp::create(rewriter, loc, patchType,
                                            rewriter.getI64IntegerAttr(64));
    SmallVector<AffineExpr> d;
    for (unsigned i = 0; i < 6; ++i)
      d.push_back(getAffineDimExpr(i, ctx));
    copyThrough(rewriter, loc, in,
                AffineMap::get(6, 0,
                               {d[0], d[1], d[4] * kh + d[2], d[5] * kw + d[3]},
                               ctx),
                patched);
    Value collapsed = memref::CollapseShapeOp::create(
        rewriter, loc, patched,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4}, {5}});
    in = cast<TypedValue<MemRefType>>(collapsed);
  }
  if (subsample) {
    // A strided (or cropping) 1x1 convolution reads a subsampled copy of
    // its input, [N, C, OH, OW], one pass over what it reads anyway.
    rewriter.setInsertionPoint(copyPoint);
    auto sampledType = MemRefType::get(
        {outShape[0], in.getType().getDimSize(1), outShape[2], outShape[3]},
        rewriter.getF32Type());
    Value sampled = memref::AllocOp::create(rewriter, loc, sampledType,
                                            rewriter.getI64IntegerAttr(64));
    AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx),
               d2 = getAffineDimExpr(2, ctx), d3 = getAffineDimExpr(3, ctx);
    copyThrough(
        rewriter, loc, in,
        AffineMap::get(4, 0, {d0, d1, d2 * strides[0], d3 * strides[1]}, ctx),
        sampled);
    in = cast<TypedValue<MemRefType>>(sampled);
  }
  rewriter.setInsertionPoint(conv);
  Value in3 = memref::CollapseShapeOp::create(rewriter, loc, in, image);
  Value w2 = memref::CollapseShapeOp::create(rewriter, loc, filter, weights);
  Value out3 = memref::CollapseShapeOp::create(rewriter, loc, out, image);
  AffineExpr n = getAffineDimExpr(0, ctx), f = getAffineDimExpr(1, ctx),
             p = getAffineDimExpr(2, ctx), c = getAffineDimExpr(3, ctx);
  SmallVector<AffineMap> maps{AffineMap::get(4, 0, {n, c, p}, ctx),
                              AffineMap::get(4, 0, {f, c}, ctx),
                              AffineMap::get(4, 0, {n, f, p}, ctx)};
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  multiplyAccumulate(rewriter, loc, in3, w2, out3, maps, iterators);
  rewriter.eraseOp(conv);
  for (linalg::LinalgOp stage : stages) {
    rewriter.setInsertionPoint(stage);
    if (succeeded(linalg::collapseOpIterationDims(stage,
                                                  {ReassociationIndices{0},
                                                   ReassociationIndices{1},
                                                   ReassociationIndices{2, 3}},
                                                  rewriter)))
      rewriter.eraseOp(stage);
  }
}

/// The share of the lanes of `width`-lane vectors that `columns` columns fill.
double laneUse(int64_t columns, int64_t width) {
  return double(columns) / double(llvm::alignTo(columns, width));
}

/// An NCHW convolution (regular or depthwise, any kernel size) whose output
/// rows are short, like the 7x7 images of a ResNet's last stage (7 of 16
/// lanes used), runs over the flattened padded image instead: output column
/// p = oh * Wp + ow of a scratch [N, F, L] reads input element
/// p + kh * dh * Wp + kw * dw of the image flattened to [N, C, Hp * Wp],
/// contiguous along p. The Wp - OW columns between output rows are computed
/// and dropped (7x7 from 9x9 padded: 49 of 64 lanes).
///
/// With stride s, the input is first split into its s x s phases (phase
/// (ph, pw) holds rows ph, ph + s, ... and columns pw, pw + s, ...; one pass
/// over the input), and each phase is a stride-1 convolution with the taps
/// of the kernel that fall on it (kh = a * s + ph), all accumulating into
/// the same scratch: the same FMAs as the strided convolution, but
/// contiguous loads over a flattened image.
///
/// The output's initializer moves to the scratch; the op that consumes the
/// output reads the scratch at oh * Wp + ow instead when nothing else reads
/// the output, and a copy writes the output otherwise. Returns whether it
/// rewrote `conv`.
bool flattenPaddedConvolution(RewriterBase &rewriter, linalg::LinalgOp conv,
                              int64_t width) {
  // The lanes gained must pay for the scratch's extra pass over memory (and
  // for the epilogue no longer fused into the kernel): a depthwise
  // convolution does 9 FMAs per output, not hundreds, and is not strided
  // (its phases would cost as much as itself).
  constexpr double kMinGain = 1.05, kMinDepthwiseGain = 1.5;
  bool depthwise = isa<linalg::DepthwiseConv2DNchwChwOp>(conv);
  DenseIntElementsAttr stridesAttr, dilationsAttr;
  if (auto named = dyn_cast<linalg::Conv2DNchwFchwOp>(conv.getOperation())) {
    stridesAttr = named.getStrides();
    dilationsAttr = named.getDilations();
  } else if (auto dw = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(
                 conv.getOperation())) {
    stridesAttr = dw.getStrides();
    dilationsAttr = dw.getDilations();
  } else {
    return false;
  }
  if (!conv.hasPureBufferSemantics())
    return false;
  auto in = dyn_cast<TypedValue<MemRefType>>(conv.getDpsInputs()[0]);
  auto filter = dyn_cast<TypedValue<MemRefType>>(conv.getDpsInputs()[1]);
  auto out = dyn_cast<TypedValue<MemRefType>>(conv.getDpsInits()[0]);
  if (!in || !filter || !out || !in.getType().hasStaticShape() ||
      !filter.getType().hasStaticShape() || !out.getType().hasStaticShape() ||
      !in.getType().getElementType().isF32() ||
      !filter.getType().getElementType().isF32() ||
      !out.getType().getElementType().isF32() ||
      !in.getType().getLayout().isIdentity() ||
      !out.getType().getLayout().isIdentity())
    return false;
  ArrayRef<int64_t> inShape = in.getType().getShape();
  ArrayRef<int64_t> outShape = out.getType().getShape();
  int64_t n = outShape[0], f = outShape[1], oh = outShape[2], ow = outShape[3],
          c = inShape[1], hp = inShape[2], wp = inShape[3];
  SmallVector<int64_t> strides(stridesAttr.getValues<int64_t>());
  SmallVector<int64_t> dilations(dilationsAttr.getValues<int64_t>());
  int64_t kh = filter.getType().getDimSize(depthwise ? 1 : 2);
  int64_t kw = filter.getType().getDimSize(depthwise ? 2 : 3);
  int64_t sh = strides[0], sw = strides[1];
  bool strided = sh != 1 || sw != 1;
  // Strided: phases of equal size, no dilation.
  if (strided && (depthwise || hp % sh || wp % sw || dilations[0] != 1 ||
                  dilations[1] != 1 || kh < sh || kw < sw))
    return false;
  // The phase images' width and height, and the flattened output's
  // columns: the last row ends at its last column.
  int64_t hs = hp / sh, ws = wp / sw;
  int64_t columns = (oh - 1) * ws + ow;
  if (oh < 2 || (oh - 1) * sh + (kh - 1) * dilations[0] >= hp ||
      (ow - 1) * sw + (kw - 1) * dilations[1] >= wp ||
      double(oh * ow) / llvm::alignTo(columns, width) <
          (depthwise ? kMinDepthwiseGain : kMinGain) * laneUse(ow, width))
    return false;

  linalg::LinalgOp init = initializerOf(conv, out);
  if (!init)
    return false;

  MLIRContext *ctx = conv.getContext();
  Location loc = conv.getLoc();
  auto d = [&](unsigned k) { return getAffineDimExpr(k, ctx); };
  auto parallel = [](unsigned count) {
    return SmallVector<utils::IteratorType>(count,
                                            utils::IteratorType::parallel);
  };
  // The phase images, [N, C, Hs * Ws] each, made before the initializer
  // (which stays next to the kernel it initializes).
  rewriter.setInsertionPoint(init);
  SmallVector<ReassociationIndices> image{{0}, {1}, {2, 3}};
  SmallVector<Value> phases;
  if (!strided) {
    phases.push_back(memref::CollapseShapeOp::create(rewriter, loc, in, image));
  } else {
    auto phaseType =
        MemRefType::get({inShape[0], c, hs, ws}, rewriter.getF32Type());
    for (int64_t ph = 0; ph < sh; ++ph)
      for (int64_t pw = 0; pw < sw; ++pw) {
        Value phase = memref::AllocOp::create(rewriter, loc, phaseType,
                                              rewriter.getI64IntegerAttr(64));
        copyThrough(rewriter, loc, in,
                    AffineMap::get(4, 0,
                                   {d(0), d(1), d(2) * sh + ph, d(3) * sw + pw},
                                   ctx),
                    phase);
        phases.push_back(
            memref::CollapseShapeOp::create(rewriter, loc, phase, image));
      }
  }
  auto flatType = MemRefType::get({n, f, columns}, rewriter.getF32Type());
  Value flat = memref::AllocOp::create(rewriter, loc, flatType,
                                       rewriter.getI64IntegerAttr(64));
  // The initializer over the scratch's [N, F, columns].
  AffineExpr zero = getAffineConstantExpr(0, ctx);
  initializeScratch(rewriter, init, flat, {d(0), d(1), zero, zero});

  // One contraction per phase over its flattened image. Loops: n, f (for
  // depthwise: the channel), p, then c (regular only) and the taps a, b.
  rewriter.setInsertionPoint(conv);
  unsigned numLoops = depthwise ? 5 : 6;
  unsigned aDim = depthwise ? 3 : 4, bDim = aDim + 1;
  AffineExpr channel = depthwise ? d(1) : d(3);
  AffineExpr column =
      d(2) + d(aDim) * (dilations[0] * ws) + d(bDim) * dilations[1];
  SmallVector<AffineExpr> filterIndex{d(1)};
  if (!depthwise)
    filterIndex.push_back(d(3));
  filterIndex.append({d(aDim), d(bDim)});
  SmallVector<AffineMap> maps{
      AffineMap::get(numLoops, 0, {d(0), channel, column}, ctx),
      AffineMap::get(numLoops, 0, filterIndex, ctx),
      AffineMap::get(numLoops, 0, {d(0), d(1), d(2)}, ctx)};
  SmallVector<utils::IteratorType> iterators = parallel(3);
  iterators.append(numLoops - 3, utils::IteratorType::reduction);
  Operation *lastKernel = nullptr;
  for (int64_t ph = 0; ph < sh; ++ph)
    for (int64_t pw = 0; pw < sw; ++pw) {
      // The taps of this phase, as a strided view of the filter.
      Value taps = filter;
      if (strided) {
        int64_t rank = filter.getType().getRank();
        SmallVector<int64_t> offsets(rank, 0), sizes, steps(rank, 1);
        sizes.assign(filter.getType().getShape().begin(),
                     filter.getType().getShape().end());
        offsets[rank - 2] = ph;
        offsets[rank - 1] = pw;
        sizes[rank - 2] = (kh - ph + sh - 1) / sh;
        sizes[rank - 1] = (kw - pw + sw - 1) / sw;
        steps[rank - 2] = sh;
        steps[rank - 1] = sw;
        taps = memref::SubViewOp::create(rewriter, loc, filter, offsets, sizes,
                                         steps);
      }
      lastKernel = multiplyAccumulate(rewriter, loc, phases[ph * sw + pw], taps,
                                      flat, maps, iterators);
    }
  rewriter.eraseOp(conv);

  // The output, from the scratch: read in place by its one consumer, or
  // copied.
  AffineMap fromFlat =
      AffineMap::get(4, 0, {d(0), d(1), d(2) * ws + d(3)}, ctx);
  auto consumer = dyn_cast_or_null<linalg::GenericOp>(
      neighbourWithEffects(lastKernel, /*forward=*/true));
  OpOperand *read = nullptr;
  if (consumer && consumer.getNumLoops() == 4 &&
      consumer.getNumParallelLoops() == 4 && consumer.getNumDpsInits() == 1 &&
      consumer.getIndexingMapsArray().back().isIdentity() &&
      cast<MemRefType>(consumer.getDpsInits()[0].getType()).getShape() ==
          outShape) {
    // The consumer reads the output exactly once, at its own point, and
    // through no other view.
    Value outRoot = rootBuffer(out);
    unsigned reads = 0;
    for (OpOperand *input : consumer.getDpsInputOperands()) {
      if (!isa<MemRefType>(input->get().getType()) ||
          rootBuffer(input->get()) != outRoot)
        continue;
      ++reads;
      if (input->get() == out &&
          consumer.getMatchingIndexingMap(input).isIdentity())
        read = input;
    }
    if (reads != 1 || !outRoot)
      read = nullptr;
    // Nothing else reads the output afterwards: it is scratch that only the
    // consumer touches, or the consumer overwrites it in place without
    // reading its previous value.
    Value target = consumer.getDpsInits()[0];
    bool inPlace =
        target == out && consumer.getBody()->getArguments().back().use_empty();
    if (read && !inPlace &&
        (rootBuffer(target) == outRoot ||
         !onlyUsedBy(out, {consumer.getOperation()})))
      read = nullptr;
  }
  if (read) {
    SmallVector<AffineMap> consumerMaps = consumer.getIndexingMapsArray();
    consumerMaps[read->getOperandNumber()] = fromFlat;
    rewriter.modifyOpInPlace(consumer, [&] {
      read->set(flat);
      consumer.setIndexingMapsAttr(
          rewriter.getAffineMapArrayAttr(consumerMaps));
    });
    return true;
  }
  rewriter.setInsertionPointAfter(lastKernel);
  copyThrough(rewriter, loc, flat, fromFlat, out);
  return true;
}

/// An NCHW convolution whose weights are stored in blocks of B output
/// channels (blockedFilterOf) runs along its output channels: a contraction
/// over the output viewed as [N, F / B, B, OH, OW] whose vectors are the B
/// channels of one block (kVectorDimAttr), which read the stored blocks
/// contiguously, each tap of each input channel a broadcast of one input
/// pixel (strides and dilations are only other pixels). Every lane is used
/// whatever the image's size; the lanes are stored OH * OW elements apart,
/// once per output pixel after the whole reduction. The transpose that
/// would make the [F, C, KH, KW] filter is dropped. Returns whether it
/// rewrote `conv`.
bool blockOutputChannels(RewriterBase &rewriter,
                         linalg::Conv2DNchwFchwOp conv) {
  std::optional<BlockedFilter> filter = blockedFilterOf(conv.getInputs()[1]);
  auto in = dyn_cast<TypedValue<MemRefType>>(conv.getInputs()[0]);
  auto out = dyn_cast<TypedValue<MemRefType>>(conv.getOutputs()[0]);
  if (!filter || !in || !out || !conv.hasPureBufferSemantics() ||
      !in.getType().hasStaticShape() || !out.getType().hasStaticShape() ||
      !in.getType().getElementType().isF32() ||
      !out.getType().getElementType().isF32())
    return false;
  ArrayRef<int64_t> outShape = out.getType().getShape();
  ArrayRef<int64_t> blocksShape =
      cast<MemRefType>(filter->blocks.getType()).getShape();
  int64_t block = blocksShape[4];
  // The output (a Concat's slice, say) viewed with its channels split.
  SmallVector<ReassociationIndices> split{{0}, {1, 2}, {3}, {4}};
  FailureOr<MemRefType> blockedType =
      memref::ExpandShapeOp::computeExpandedType(
          out.getType(),
          {outShape[0], blocksShape[0], block, outShape[2], outShape[3]},
          split);
  // The kernel stores each pixel's channels at static offsets.
  SmallVector<int64_t> viewStrides;
  int64_t viewOffset;
  if (failed(blockedType) ||
      failed(blockedType->getStridesAndOffset(viewStrides, viewOffset)) ||
      ShapedType::isDynamic(viewStrides[2]) || viewStrides[2] <= 0)
    return false;
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
  MLIRContext *ctx = conv.getContext();
  Location loc = conv.getLoc();
  auto d = [&](unsigned k) { return getAffineDimExpr(k, ctx); };

  // The initializer, when it comes just before, moves to the blocked view
  // (where the kernel absorbs it); otherwise the kernel starts from what
  // the output holds.
  linalg::LinalgOp init = initializerOf(conv, out);
  rewriter.setInsertionPoint(init ? init.getOperation() : conv.getOperation());
  Value blocked =
      memref::ExpandShapeOp::create(rewriter, loc, *blockedType, out, split);
  if (init)
    initializeScratch(rewriter, init, blocked,
                      {d(0), d(1) * block + d(2), d(3), d(4)});

  // Loops: n, the block fo, the channel in the block fi, oh, ow, then the
  // reduction over c, kh, kw.
  rewriter.setInsertionPoint(conv);
  SmallVector<AffineMap> maps{
      AffineMap::get(8, 0,
                     {d(0), d(5), d(3) * strides[0] + d(6) * dilations[0],
                      d(4) * strides[1] + d(7) * dilations[1]},
                     ctx),
      AffineMap::get(8, 0, {d(1), d(5), d(6), d(7), d(2)}, ctx),
      AffineMap::get(8, 0, {d(0), d(1), d(2), d(3), d(4)}, ctx)};
  SmallVector<utils::IteratorType> iterators(5, utils::IteratorType::parallel);
  iterators.append(3, utils::IteratorType::reduction);
  Operation *kernel = multiplyAccumulate(rewriter, loc, in, filter->blocks,
                                         blocked, maps, iterators);
  kernel->setAttr(coreai::kVectorDimAttr, rewriter.getI64IntegerAttr(2));
  rewriter.eraseOp(conv);
  // The transposed filter, once no convolution reads it.
  if (filter->collapse->use_empty()) {
    Value unpacked = filter->collapse.getSrc();
    rewriter.eraseOp(filter->collapse);
    if (unpacked.hasOneUse()) {
      rewriter.eraseOp(filter->transpose);
      rewriter.eraseOp(unpacked.getDefiningOp());
    }
  }
  return true;
}

} // namespace

void prepareConvolutions(func::FuncOp func, RewriterBase &rewriter,
                         int64_t width) {
  for (auto conv : llvm::to_vector(func.getOps<linalg::Conv2DNchwFchwOp>()))
    if (!blockOutputChannels(rewriter, conv))
      flattenPointwiseConvolution(rewriter, conv);
  SmallVector<linalg::LinalgOp> convolutions;
  func.walk([&](linalg::LinalgOp op) {
    if (isa<linalg::Conv2DNchwFchwOp, linalg::DepthwiseConv2DNchwChwOp>(op))
      convolutions.push_back(op);
  });
  for (linalg::LinalgOp conv : convolutions)
    flattenPaddedConvolution(rewriter, conv, width);
}

} // namespace coreai::cpu

//===- PoolingLayers.cpp - Max, average and global pooling as layers ------===//
#include "lib/Target/ANE/LayerPatterns.h"

using namespace mlir;

namespace coreai::anelower {
namespace {

/// One ane.pool over `in`. ceil_mode: the windows that start inside the
/// input but end past it read extra end padding (which max and exclude-pad
/// average ignore).
Value pool(LayerBuilder &b, Operation *op, ane::PoolKind kind, Value in,
           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
           ArrayRef<int64_t> graphPads, bool countPad) {
  Location loc = op->getLoc();
  RankedTensorType outType = halfType(op->getResult(0).getType());
  SmallVector<int64_t> pads(graphPads);
  ArrayRef<int64_t> inShape = cast<RankedTensorType>(in.getType()).getShape();
  for (int d = 0; d < 2; ++d) {
    int64_t span = (outType.getDimSize(2 + d) - 1) * strides[d] + kernel[d];
    int64_t have = inShape[2 + d] + pads[d] + pads[2 + d];
    pads[2 + d] += std::max<int64_t>(0, span - have);
  }
  OpBuilder &ob = b.builder();
  return ane::PoolOp::create(ob, loc, outType, b.half(in, loc),
                             ane::PoolKindAttr::get(ob.getContext(), kind),
                             ob.getDenseI64ArrayAttr(kernel),
                             ob.getDenseI64ArrayAttr(strides),
                             ob.getDenseI64ArrayAttr(pads),
                             countPad ? ob.getUnitAttr() : UnitAttr(),
                             IntegerAttr(), IntegerAttr(), UnitAttr())
      .getResult();
}

/// Max and average pooling over a 2-D window: one ane.pool of `Kind`.
template <typename PoolOpT, ane::PoolKind Kind>
struct WindowPoolLayer : LayerPatternFor<PoolOpT> {
  static constexpr bool kAverage = Kind == ane::PoolKind::avg;

  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    auto pool = cast<PoolOpT>(op);
    const OpLimits *l = nullptr;
    if (std::string why =
            whyNotListed(e, kAverage ? "avg_pool" : "max_pool", l);
        !why.empty())
      return why;
    if constexpr (kAverage)
      if (pool.getCeilMode() && pool.getCountIncludePad())
        return "ceil_mode average pooling that counts padding";
    if (llvm::any_of(pool.getDilations(), [](int64_t d) { return d != 1; }))
      return "dilated pooling";
    return whyNotWindow(*l, pool.getKernelShape(), pool.getStrides(),
                        pool.getDilations());
  }

  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    auto p = cast<PoolOpT>(op);
    bool countPad = false;
    if constexpr (kAverage)
      countPad = p.getCountIncludePad();
    return pool(b, op, Kind, p.getInput(), p.getKernelShape(), p.getStrides(),
                p.getPads(), countPad);
  }
};

/// Global average pooling: one average window the size of the plane.
struct GlobalAveragePoolLayer : LayerPatternFor<aigraph::GlobalAveragePoolOp> {
  std::string whyNot(Operation *op, const EngineDescription &e) const override {
    auto gp = cast<aigraph::GlobalAveragePoolOp>(op);
    if (gp.getInput().getType().getRank() != 4)
      return "pooling that is not 2-D";
    const OpLimits *l = nullptr;
    if (std::string why = whyNotListed(e, "global_avg_pool", l); !why.empty())
      return why;
    ArrayRef<int64_t> in = gp.getInput().getType().getShape();
    return whyNotWindow(*l, {in[2], in[3]}, {1, 1}, {1, 1});
  }
  FailureOr<Value> lower(Operation *op, LayerBuilder &b) const override {
    auto gp = cast<aigraph::GlobalAveragePoolOp>(op);
    ArrayRef<int64_t> in = gp.getInput().getType().getShape();
    return pool(b, op, ane::PoolKind::avg, gp.getInput(), {in[2], in[3]},
                {1, 1}, {0, 0, 0, 0}, false);
  }
};

} // namespace

void populatePoolingLayerPatterns(LayerPatternSet &set) {
  set.add<WindowPoolLayer<aigraph::MaxPoolOp, ane::PoolKind::max>,
          WindowPoolLayer<aigraph::AveragePoolOp, ane::PoolKind::avg>,
          GlobalAveragePoolLayer>();
}

} // namespace coreai::anelower

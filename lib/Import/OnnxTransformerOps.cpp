//===- OnnxTransformerOps.cpp - RotaryEmbedding and SwiGLU ----------------===//
//
// Both follow their ONNX function bodies: RotaryEmbedding works on
// [batch, seq, heads, head_size], gathers cos/sin rows at the position ids
// and rotates the first rotary_embedding_dim channels (as two halves or as
// interleaved pairs); SwiGLU is Swish(a, alpha) * b.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// A slice of the last dim: [start, end) with `step`.
Value sliceLast(GraphImporter &g, Emitter &e, Value v, int64_t start,
                int64_t end, int64_t step = 1) {
  auto t = typeOf(v);
  int64_t rank = t.getRank();
  SmallVector<int64_t> s(rank, 0), en(t.getShape()), st(rank, 1);
  s[rank - 1] = start, en[rank - 1] = end, st[rank - 1] = step;
  return e.make<aigraph::SliceOp>(v, g.builder.getDenseI64ArrayAttr(s),
                                  g.builder.getDenseI64ArrayAttr(en),
                                  g.builder.getDenseI64ArrayAttr(st));
}

} // namespace

static LogicalResult importRotaryEmbeddingOp(GraphImporter &g) {
  Value x = g.input(0), cosCache = g.input(1), sinCache = g.input(2);
  auto xt = typeOf(x);
  Type et = xt.getElementType();
  if (!isa<FloatType>(et) || !xt.hasStaticShape())
    return g.error() << "expects a static floating-point input, got " << xt;
  if (typeOf(cosCache).getElementType() != et ||
      typeOf(sinCache).getElementType() != et)
    return g.error() << "cos_cache and sin_cache must have the input's type";
  int64_t numHeads = g.intAttr("num_heads", 0);
  bool interleaved = g.intAttr("interleaved", 0) != 0;
  ArrayRef<int64_t> shape = xt.getShape();
  int64_t batch, seq, heads, headSize;
  Emitter e{g};
  // To [batch, seq, heads, head_size].
  if (xt.getRank() == 4) {
    batch = shape[0], heads = shape[1], seq = shape[2], headSize = shape[3];
    x = e.transpose(x, {0, 2, 1, 3});
  } else if (xt.getRank() == 3) {
    if (numHeads <= 0 || shape[2] % numHeads)
      return g.error() << "a 3-D input needs num_heads dividing its hidden "
                          "size";
    batch = shape[0], seq = shape[1], heads = numHeads,
    headSize = shape[2] / numHeads;
    x = e.reshape(x, {batch, seq, heads, headSize});
  } else {
    return g.error() << "expects a 3-D or 4-D input, got " << xt;
  }
  int64_t rotDim = g.intAttr("rotary_embedding_dim", 0);
  if (rotDim == 0)
    rotDim = headSize;
  if (rotDim < 0 || rotDim > headSize || rotDim % 2)
    return g.error() << "rotary_embedding_dim " << rotDim
                     << " must be even and at most the head size " << headSize;
  int64_t half = rotDim / 2;

  Value cosv = cosCache, sinv = sinCache;
  if (Value pos = g.input(3)) {
    auto pt = typeOf(pos);
    if (!pt.getElementType().isInteger(64) &&
        !pt.getElementType().isInteger(32))
      return g.error() << "position_ids must be int64";
    if (typeOf(cosCache).getRank() != 2 || typeOf(sinCache).getRank() != 2)
      return g.error() << "with position_ids, the caches must be 2-D";
    cosv = e.make<aigraph::GatherOp>(cosCache, pos,
                                     g.builder.getI64IntegerAttr(0));
    sinv = e.make<aigraph::GatherOp>(sinCache, pos,
                                     g.builder.getI64IntegerAttr(0));
  } else if (typeOf(cosCache).getRank() != 3 ||
             typeOf(sinCache).getRank() != 3) {
    return g.error() << "without position_ids, the caches must be 3-D";
  }
  if (!e.ok)
    return failure();
  for (Value c : {cosv, sinv}) {
    auto ct = typeOf(c);
    if (ct.getRank() != 3 || ct.getShape()[0] != batch ||
        ct.getShape()[1] != seq || ct.getShape()[2] < half)
      return g.error() << "cos/sin values " << ct << " do not cover [" << batch
                       << ", " << seq << ", " << half << "]";
  }
  // [batch, seq, 1, half], broadcast over the heads.
  cosv = e.reshape(sliceLast(g, e, cosv, 0, half), {batch, seq, 1, half});
  sinv = e.reshape(sliceLast(g, e, sinv, 0, half), {batch, seq, 1, half});

  Value x1, x2;
  if (interleaved) {
    x1 = sliceLast(g, e, x, 0, rotDim, 2);
    x2 = sliceLast(g, e, x, 1, rotDim, 2);
  } else {
    x1 = sliceLast(g, e, x, 0, half);
    x2 = sliceLast(g, e, x, half, rotDim);
  }
  Value real = e.make<aigraph::SubOp>(e.make<aigraph::MulOp>(cosv, x1),
                                      e.make<aigraph::MulOp>(sinv, x2));
  Value imag = e.make<aigraph::AddOp>(e.make<aigraph::MulOp>(sinv, x1),
                                      e.make<aigraph::MulOp>(cosv, x2));
  Value rotated;
  if (interleaved) {
    SmallVector<int64_t> pairs{batch, seq, heads, half, 1};
    rotated = e.make<aigraph::ConcatOp>(
        ValueRange{e.reshape(real, pairs), e.reshape(imag, pairs)},
        g.builder.getI64IntegerAttr(4));
    rotated = e.reshape(rotated, {batch, seq, heads, rotDim});
  } else {
    rotated = e.make<aigraph::ConcatOp>(ValueRange{real, imag},
                                        g.builder.getI64IntegerAttr(3));
  }
  Value y = rotated;
  if (rotDim < headSize)
    y = e.make<aigraph::ConcatOp>(
        ValueRange{rotated, sliceLast(g, e, x, rotDim, headSize)},
        g.builder.getI64IntegerAttr(3));
  if (xt.getRank() == 4)
    y = e.transpose(y, {0, 2, 1, 3});
  else
    y = e.reshape(y, shape);
  return e.bind(0, y);
}

/// SwiGLU: a * sigmoid(alpha * a) * b.
static LogicalResult importSwiGLUOp(GraphImporter &g) {
  Value a = g.input(0), b = g.input(1);
  Type et = typeOf(a).getElementType();
  if (!isa<FloatType>(et) || typeOf(b).getElementType() != et)
    return g.error() << "expects floating-point inputs of one type";
  if (failed(
          aigraph::broadcastShapes(typeOf(a).getShape(), typeOf(b).getShape())))
    return g.error() << "input shapes " << typeOf(a) << " and " << typeOf(b)
                     << " are not broadcastable";
  Emitter e{g};
  Value gate = e.make<aigraph::SigmoidOp>(
      e.make<aigraph::MulOp>(a, e.scalar(et, g.floatAttr("alpha", 1.0f))));
  Value y = e.make<aigraph::MulOp>(e.make<aigraph::MulOp>(a, gate), b);
  return e.bind(0, y);
}

void coreai::onnx_import::populateTransformerOpsImporters(
    OpImporterTable &table) {
  table["RotaryEmbedding"] = {importRotaryEmbeddingOp, 3};
  table["SwiGLU"] = {importSwiGLUOp, 2};
}

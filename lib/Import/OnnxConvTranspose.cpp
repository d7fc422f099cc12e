//===- OnnxConvTranspose.cpp - ConvTranspose as a convolution -------------===//
//
// A transposed convolution is a stride-1 convolution of the input with
// (stride - 1) zeros inserted between its elements, padded by
// (kernel - 1) * dilation - pad on each side (plus output_padding at the
// end), with the kernel flipped spatially and its in/out channels swapped
// within each group.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

namespace {

/// Inserts `stride - 1` zeros between the elements along `axis`.
Value dilate(GraphImporter &g, Emitter &e, Value v, int64_t axis,
             int64_t stride) {
  if (stride == 1 || !e.ok)
    return v;
  SmallVector<int64_t> shape(typeOf(v).getShape());
  int64_t n = shape[axis];
  SmallVector<int64_t> split(shape);
  split.insert(split.begin() + axis + 1, 1);
  SmallVector<int64_t> zeros(split);
  zeros[axis + 1] = stride - 1;
  Value z = e.make<aigraph::ExpandOp>(e.zero(typeOf(v).getElementType()),
                                      g.builder.getDenseI64ArrayAttr(zeros));
  Value spread =
      e.make<aigraph::ConcatOp>(ValueRange{e.reshape(v, split), z},
                                g.builder.getI64IntegerAttr(axis + 1));
  shape[axis] = n * stride;
  return e.sliceAxis(e.reshape(spread, shape), axis, 0,
                  (n - 1) * stride + 1);
}

} // namespace

static LogicalResult importConvTransposeOp(GraphImporter &g) {
  Value x = g.input(0), w = g.input(1);
  auto xt = typeOf(x), wt = typeOf(w);
  int64_t rank = xt.getRank(), spatial = rank - 2;
  if (rank < 3 || wt.getRank() != rank || !xt.hasStaticShape() ||
      !wt.hasStaticShape())
    return g.error() << "expects static N x C x spatial... input and "
                        "matching weight, got "
                     << xt << " and " << wt;
  if (!isa<FloatType>(xt.getElementType()) ||
      wt.getElementType() != xt.getElementType())
    return g.error() << "expects floating-point input and weight of one type";
  int64_t group = g.intAttr("group", 1);
  int64_t c = xt.getDimSize(1);
  if (group < 1 || c % group || wt.getDimSize(0) != c)
    return g.error() << "weight " << wt << " does not match " << c
                     << " input channels in " << group << " groups";
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
  SmallVector<int64_t> ks = g.intsAttr("kernel_shape");
  if (!ks.empty() && ArrayRef<int64_t>(ks) != ArrayRef<int64_t>(kernel))
    return g.error() << "kernel_shape does not match the weight's shape";
  Emitter e{g};
  auto intsOr = [&](StringRef name, int64_t def) {
    SmallVector<int64_t> v = g.intsAttr(name);
    if (v.empty())
      v.assign(spatial, def);
    return v;
  };
  SmallVector<int64_t> strides = intsOr("strides", 1),
                       dilations = intsOr("dilations", 1),
                       outPad = intsOr("output_padding", 0),
                       pads = g.intsAttr("pads"),
                       outShape = g.intsAttr("output_shape");
  if ((int64_t)strides.size() != spatial ||
      (int64_t)dilations.size() != spatial || (int64_t)outPad.size() != spatial)
    return g.error() << "strides, dilations and output_padding need " << spatial
                     << " entries";
  for (int64_t i = 0; i < spatial; ++i)
    if (strides[i] < 1 || dilations[i] < 1 || outPad[i] < 0)
      return g.error() << "strides and dilations must be >= 1, "
                          "output_padding >= 0";
  std::string autoPad = g.stringAttr("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return g.error() << "unknown auto_pad '" << autoPad << "'";
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    outShape.clear();
    for (int64_t i = 0; i < spatial; ++i)
      outShape.push_back(xt.getDimSize(2 + i) * strides[i]);
  }
  if (!outShape.empty()) {
    if ((int64_t)outShape.size() == rank)
      outShape.erase(outShape.begin(), outShape.begin() + 2);
    if ((int64_t)outShape.size() != spatial)
      return g.error() << "output_shape needs " << spatial << " entries";
    pads.assign(2 * spatial, 0);
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t total = strides[i] * (xt.getDimSize(2 + i) - 1) + outPad[i] +
                      (kernel[i] - 1) * dilations[i] + 1 - outShape[i];
      // Floor division: a negative total pads (extends) the end.
      int64_t half = llvm::divideFloorSigned(total, 2);
      bool upper = autoPad == "SAME_UPPER";
      pads[i] = upper ? half : total - half;
      pads[spatial + i] = upper ? total - half : half;
    }
  } else if (autoPad == "VALID" || pads.empty()) {
    pads.assign(2 * spatial, 0);
  }
  if ((int64_t)pads.size() != 2 * spatial)
    return g.error() << "pads need " << 2 * spatial << " entries";

  // The input, spread by the strides and cut where the padding is negative.
  SmallVector<int64_t> convPads(2 * spatial);
  for (int64_t i = 0; i < spatial && e.ok; ++i) {
    int64_t axis = 2 + i, span = (kernel[i] - 1) * dilations[i];
    x = dilate(g, e, x, axis, strides[i]);
    int64_t before = span - pads[i],
            after = span - pads[spatial + i] + outPad[i];
    if (!e.ok)
      return failure();
    int64_t n = typeOf(x).getDimSize(axis);
    if (before < 0 || after < 0) {
      int64_t start = std::max<int64_t>(0, -before);
      int64_t end = n + std::min<int64_t>(0, after);
      if (start >= end)
        return g.error() << "pads leave no output along spatial dim " << i;
      x = e.sliceAxis(x, axis, start, end);
    }
    convPads[i] = std::max<int64_t>(0, before);
    convPads[spatial + i] = std::max<int64_t>(0, after);
  }

  // [C, M/g, k...] -> [M, C/g, k...] with the kernel flipped.
  int64_t cg = c / group, mg = wt.getDimSize(1);
  SmallVector<int64_t> grouped{group, cg, mg}, perm{0, 2, 1};
  grouped.append(kernel);
  for (int64_t i = 0; i < spatial; ++i)
    perm.push_back(3 + i);
  SmallVector<int64_t> swapped{group * mg, cg};
  swapped.append(kernel);
  Value wf = e.reshape(e.transpose(e.reshape(w, grouped), perm), swapped);
  for (int64_t i = 0; i < spatial; ++i)
    if (kernel[i] > 1)
      wf = e.sliceAxis(wf, 2 + i, kernel[i] - 1, -1, -1);
  if (!e.ok)
    return failure();

  auto b = g.builder;
  Value y = e.make<aigraph::ConvOp>(
      x, wf, g.input(2),
      b.getDenseI64ArrayAttr(SmallVector<int64_t>(spatial, 1)),
      b.getDenseI64ArrayAttr(convPads), b.getDenseI64ArrayAttr(dilations),
      b.getI64IntegerAttr(group));
  return e.bind(0, y);
}

void coreai::onnx_import::populateConvTransposeImporters(
    OpImporterTable &table) {
  table["ConvTranspose"] = {importConvTransposeOp, 2};
}

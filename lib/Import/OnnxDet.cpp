//===- OnnxDet.cpp - Det of small matrices by cofactor expansion ----------===//
//
// Det of [..., n, n] for n <= 3, written out as products of the entries
// (each a slice reshaped to the batch shape); larger matrices are refused.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"

using namespace mlir;
using namespace coreai;
using namespace coreai::onnx_import;

static LogicalResult importDetOp(GraphImporter &g) {
  Value x = g.input(0);
  auto t = typeOf(x);
  int64_t rank = t.getRank();
  if (!isa<FloatType>(t.getElementType()) || !t.hasStaticShape() || rank < 2 ||
      t.getDimSize(rank - 1) != t.getDimSize(rank - 2))
    return g.error() << "expects static float [..., n, n] matrices, got " << t;
  int64_t n = t.getDimSize(rank - 1);
  if (n < 1 || n > 3)
    return g.error() << "Det of " << n << "x" << n
                     << " matrices is not supported (n <= 3)";
  SmallVector<int64_t> batch(t.getShape().drop_back(2));
  Emitter e{g};
  auto at = [&](int64_t i, int64_t j) {
    SmallVector<int64_t> s(rank, 0), en(t.getShape()), st(rank, 1);
    s[rank - 2] = i, en[rank - 2] = i + 1;
    s[rank - 1] = j, en[rank - 1] = j + 1;
    Value v = e.make<aigraph::SliceOp>(x, g.builder.getDenseI64ArrayAttr(s),
                                       g.builder.getDenseI64ArrayAttr(en),
                                       g.builder.getDenseI64ArrayAttr(st));
    return e.reshape(v, batch);
  };
  auto mul = [&](Value a, Value b) { return e.make<aigraph::MulOp>(a, b); };
  auto sub = [&](Value a, Value b) { return e.make<aigraph::SubOp>(a, b); };
  // The 2x2 minor of rows r0, r1 and columns c0, c1.
  auto minor = [&](int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    return sub(mul(at(r0, c0), at(r1, c1)), mul(at(r0, c1), at(r1, c0)));
  };
  Value y;
  if (n == 1) {
    y = at(0, 0);
  } else if (n == 2) {
    y = minor(0, 1, 0, 1);
  } else {
    Value t0 = mul(at(0, 0), minor(1, 2, 1, 2));
    Value t1 = mul(at(0, 1), minor(1, 2, 0, 2));
    Value t2 = mul(at(0, 2), minor(1, 2, 0, 1));
    y = e.make<aigraph::AddOp>(sub(t0, t1), t2);
  }
  return e.bind(0, y);
}

void coreai::onnx_import::populateDetImporters(OpImporterTable &table) {
  table["Det"] = {importDetOp, 1};
}

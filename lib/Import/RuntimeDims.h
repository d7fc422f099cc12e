//===- RuntimeDims.h - Shape arithmetic for run-time shapes (internal) ---===//
//
// The importers of ops whose output shape a run-time value decides compute
// that shape in the graph, as small int64 vectors (a dim per element), with
// the importer's own ops; the result becomes the extents of an output of
// run-time shape (GraphImporter::setRuntimeShapedOutput).
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_IMPORT_RUNTIMEDIMS_H
#define COREAI_LIB_IMPORT_RUNTIMEDIMS_H

#include "lib/Import/OnnxImporter.h"

namespace coreai::onnx_import {

struct RuntimeDims {
  GraphImporter &g;
  Emitter e{g};
  mlir::Type i64 = g.builder.getI64Type();

  mlir::Value vector(llvm::ArrayRef<int64_t> values,
                     llvm::ArrayRef<int64_t> shape) {
    return g.constant(mlir::DenseElementsAttr::get(
        mlir::RankedTensorType::get(shape, i64), values));
  }
  mlir::Value iota(int64_t n, llvm::ArrayRef<int64_t> shape) {
    llvm::SmallVector<int64_t> v;
    for (int64_t i = 0; i < n; ++i)
      v.push_back(i);
    return vector(v, shape);
  }
  mlir::Value scalar(int64_t v) { return e.intScalar(i64, v); }
  /// `axes` (integers) as int64, those below 0 counted from the end of
  /// `rank` dims.
  mlir::Value normalized(mlir::Value axes, int64_t rank) {
    mlir::Value a =
        e.make<coreai::aigraph::CastOp>(axes, mlir::TypeAttr::get(i64));
    return e.make<coreai::aigraph::WhereOp>(
        e.make<coreai::aigraph::LessOp>(a, scalar(0)),
        e.make<coreai::aigraph::AddOp>(a, scalar(rank)), a);
  }
  /// `axes` (k integers, negative counting from the end of `rank` dims)
  /// as a mask over the dims: i1 [rank]. Axes out of range name none.
  mlir::Value named(mlir::Value axes, int64_t rank) {
    int64_t k = typeOf(axes).getNumElements();
    mlir::Value a = normalized(axes, rank);
    mlir::Value hit = e.make<coreai::aigraph::EqualOp>(e.reshape(a, {k, 1}),
                                                       iota(rank, {1, rank}));
    mlir::Value count = e.make<coreai::aigraph::ReduceSumOp>(
        e.make<coreai::aigraph::CastOp>(hit, mlir::TypeAttr::get(i64)),
        g.builder.getDenseI64ArrayAttr({0}), g.builder.getBoolAttr(false));
    return e.make<coreai::aigraph::GreaterOp>(count, scalar(0));
  }
  /// The dims of `shape` (int64 [n]) where `kept` (i1 [n]) holds, in order,
  /// as `count` dims: out[j] = shape[d] for the j-th kept d.
  mlir::Value compress(mlir::Value shape, mlir::Value kept, int64_t n,
                       int64_t count) {
    // rank[d] = how many dims up to d are kept, less one.
    llvm::SmallVector<bool> upTo;
    for (int64_t d = 0; d < n; ++d)
      for (int64_t q = 0; q < n; ++q)
        upTo.push_back(q <= d);
    mlir::Value tri = g.constant(mlir::DenseElementsAttr::get(
        mlir::RankedTensorType::get({n, n}, g.builder.getI1Type()),
        llvm::ArrayRef<bool>(upTo)));
    mlir::Value ones =
        e.make<coreai::aigraph::WhereOp>(kept, scalar(1), scalar(0));
    mlir::Value rank = e.make<coreai::aigraph::SubOp>(
        e.make<coreai::aigraph::ReduceSumOp>(
            e.make<coreai::aigraph::WhereOp>(tri, e.reshape(ones, {1, n}),
                                             scalar(0)),
            g.builder.getDenseI64ArrayAttr({1}), g.builder.getBoolAttr(false)),
        scalar(1));
    // pick[j, d]: dim d is kept and the j-th kept one.
    mlir::Value pick = e.make<coreai::aigraph::EqualOp>(
        e.reshape(rank, {1, n}), iota(count, {count, 1}));
    mlir::Value keptRow = e.reshape(kept, {1, n});
    pick =
        e.make<coreai::aigraph::WhereOp>(keptRow, pick, keptRow); // else false
    return e.make<coreai::aigraph::ReduceSumOp>(
        e.make<coreai::aigraph::WhereOp>(pick, e.reshape(shape, {1, n}),
                                         scalar(0)),
        g.builder.getDenseI64ArrayAttr({1}), g.builder.getBoolAttr(false));
  }
  /// The extents `shape` with `extent` (int64 []) along `axis`.
  mlir::Value withExtentAlong(llvm::ArrayRef<int64_t> shape, int64_t axis,
                              mlir::Value extent) {
    llvm::SmallVector<bool> isAxis(shape.size(), false);
    isAxis[axis] = true;
    mlir::Value along = g.constant(mlir::DenseElementsAttr::get(
        mlir::RankedTensorType::get({(int64_t)shape.size()},
                                    g.builder.getI1Type()),
        llvm::ArrayRef<bool>(isAxis)));
    return e.make<coreai::aigraph::WhereOp>(
        along, extent, vector(shape, {(int64_t)shape.size()}));
  }
  /// Binds output 0 to `x` reshaped at run time to `extents` (int64
  /// [rank]): its elements in order, held as [n, 1, ..., 1].
  mlir::LogicalResult bind(mlir::Value x, mlir::Value extents, int64_t rank) {
    if (!e.ok)
      return mlir::failure();
    llvm::SmallVector<int64_t> bound(rank, 1);
    bound[0] = typeOf(x).getNumElements();
    mlir::Value held = e.reshape(x, bound);
    if (!e.ok)
      return mlir::failure();
    g.setRuntimeShapedOutput(0, held, extents, /*reshaped=*/true);
    return mlir::success();
  }
};

} // namespace coreai::onnx_import

#endif // COREAI_LIB_IMPORT_RUNTIMEDIMS_H

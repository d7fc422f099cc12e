//===- OnnxImporter.h - ONNX graph -> aigraph (internal) ------------------===//
#ifndef COREAI_LIB_IMPORT_ONNXIMPORTER_H
#define COREAI_LIB_IMPORT_ONNXIMPORTER_H

#include "lib/Import/Import.h"

#include "dialects/AIGraph/AIGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"

namespace coreai::onnx_import {

/// One ONNX graph being imported into one func.func. Each node gets a
/// location `"<node name>"("<OpType>, opset N"("<file>":0:0))` so every
/// diagnostic and every lowered op maps back to the user's model.
class GraphImporter {
public:
  /// `modelDir` is the folder external data locations are relative to; ""
  /// when the model has none (read from memory).
  GraphImporter(mlir::MLIRContext *ctx, llvm::StringRef filename, int64_t opset,
                const ImportOptions &options, llvm::StringRef modelDir)
      : ctx(ctx), builder(ctx), opset(opset), filename(filename.str()),
        options(options), modelDir(modelDir.str()) {}

  mlir::LogicalResult importGraph(const onnx::GraphProto &graph,
                                  mlir::ModuleOp module);

  // --- Used by the per-op importers (the Onnx*.cpp families) ----------------
  mlir::MLIRContext *ctx;
  mlir::OpBuilder builder;
  int64_t opset;
  mlir::Location loc = mlir::UnknownLoc::get(ctx);
  const onnx::NodeProto *node = nullptr;

  /// Operand `i` of the current node; null when absent or named "".
  mlir::Value input(int i) const;
  bool hasInput(int i) const;
  /// The known constant value of operand `i` (initializer, Constant node or
  /// folded shape computation), or null.
  mlir::DenseElementsAttr constantInput(int i) const;
  /// Binds output `i` of the current node.
  void setOutput(int i, mlir::Value v);
  /// Binds output `i` of the current node to a value whose shape is decided
  /// at run time: `bound` holds it in the box given by `extents` (int64
  /// [rank of bound], kRuntimeShapeAttr), or with `reshaped`, as all its
  /// elements in order at the extents' shape (kRuntimeReshapeAttr). Only
  /// graph outputs (and elementwise ops of them) may be such values: a node
  /// that reads one otherwise is refused.
  void setRuntimeShapedOutput(int i, mlir::Value bound, mlir::Value extents,
                              bool reshaped = false);
  /// Emits `value` as an aigraph.constant and records it as known.
  mlir::Value constant(mlir::DenseElementsAttr value);

  // Attributes of the current node.
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t def) const;
  float floatAttr(llvm::StringRef name, float def) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef def) const;
  llvm::SmallVector<int64_t> intsAttr(llvm::StringRef name) const;
  /// The value of tensor attribute `name` (see tensorToAttr), or `def`.
  mlir::FailureOr<mlir::DenseElementsAttr>
  tensorAttr(llvm::StringRef name, mlir::DenseElementsAttr def = {});

  /// Creates an aigraph op at the current node with its result type
  /// inferred, and binds it to output `output`. Unlike the generated
  /// inferring builders (which abort the process), a failed inference is
  /// reported as an error at the node.
  template <typename OpT, typename... Args>
  mlir::LogicalResult emit(int output, Args &&...args) {
    auto value = tryCreate<OpT>(std::forward<Args>(args)...);
    if (mlir::failed(value))
      return mlir::failure();
    setOutput(output, *value);
    return mlir::success();
  }
  template <typename OpT, typename... Args>
  mlir::FailureOr<mlir::Value> tryCreate(Args &&...args) {
    auto op = OpT::create(builder, loc, builder.getNoneType(),
                          std::forward<Args>(args)...);
    llvm::SmallVector<mlir::Type> types;
    if (mlir::failed(OpT::inferReturnTypes(
            ctx, loc, op->getOperands(), op->getAttrDictionary(),
            op->getPropertiesStorage(), op->getRegions(), types))) {
      op->erase();
      return mlir::failure();
    }
    op->getResult(0).setType(types.front());
    return op->getResult(0);
  }

  /// Reports an error at the current node and returns failure.
  mlir::InFlightDiagnostic error() const { return mlir::emitError(loc); }
  /// Fails, at the current node, when a tensor of `shape` and `elementType`
  /// (dynamic dims count as 1) would take more than
  /// ImportOptions::maxTensorBytes, or has a negative dim; `what` names it.
  mlir::LogicalResult checkTensorSize(llvm::ArrayRef<int64_t> shape,
                                      mlir::Type elementType,
                                      llvm::StringRef what) const;
  /// Reports that operand `i` (`what`) must be a compile-time constant
  /// because it decides a shape. When the operand is a graph input, the
  /// message says how to specialize the model: --constant NAME=FILE.pb.
  mlir::LogicalResult notConstant(int i, llvm::StringRef what,
                                  llvm::StringRef why) const;

  /// The value of `t`, from its typed fields, raw_data or external data
  /// (relative to the model's folder).
  mlir::FailureOr<mlir::DenseElementsAttr>
  tensorToAttr(const onnx::TensorProto &t);

  /// Imports the nodes of `body` (an If branch, or one unrolled iteration of
  /// a Loop or Scan body) at the current position, with its inputs bound to
  /// `inputs`; outer values are visible by name. Sets `outputs` to the
  /// body's outputs. Diagnostics point at the body's nodes.
  mlir::LogicalResult importSubgraph(const onnx::GraphProto &body,
                                     mlir::ValueRange inputs,
                                     llvm::SmallVectorImpl<mlir::Value> &outputs);
  /// The graph attribute `name` of the current node, or null.
  const onnx::GraphProto *graphAttr(llvm::StringRef name) const;
  mlir::FailureOr<mlir::Type> elementType(int32_t onnxType);

private:
  /// tensorToAttr with external data locations relative to `dataDir`.
  mlir::FailureOr<mlir::DenseElementsAttr>
  tensorToAttrIn(const onnx::TensorProto &t, llvm::StringRef dataDir);
  /// The value of `t` from little-endian bytes (raw_data or external data).
  mlir::FailureOr<mlir::DenseElementsAttr>
  rawTensorToAttr(const onnx::TensorProto &t, mlir::RankedTensorType type,
                  llvm::StringRef raw);
  mlir::FailureOr<mlir::DenseElementsAttr>
  narrowTensorToAttr(const onnx::TensorProto &t, mlir::RankedTensorType type,
                     llvm::StringRef bytes);
  /// The bytes `t` keeps in an external file, checked to stay within
  /// `dataDir` and within the file.
  mlir::FailureOr<llvm::StringRef> readExternalData(const onnx::TensorProto &t,
                                                    llvm::StringRef dataDir);
  /// The location of node `index` of its graph: its name, op type and opset.
  mlir::Location nodeLocation(const onnx::NodeProto &node, size_t index);
  /// The exporter's source location of a node, from its metadata_props.
  std::optional<mlir::Location> sourceLocation(const onnx::NodeProto &node);
  /// Scales the floating-point outputs of `node` by 1.01 (a test-only fault,
  /// ImportOptions::perturbNode); fails when it has none.
  mlir::LogicalResult perturbOutputs(const onnx::NodeProto &node);
  /// Adds MAIN.debug: `main` that also returns the outputs of the nodes
  /// ImportOptions::debugTensors names (--debug-tensors).
  mlir::LogicalResult addDebugFunction(const onnx::GraphProto &graph,
                                       mlir::func::FuncOp main);
  /// Reports every node of `graph` and its subgraphs that no importer
  /// handles, so that one run lists all the work a model needs.
  mlir::LogicalResult checkSupported(const onnx::GraphProto &graph);
  mlir::LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  mlir::LogicalResult importNodeOutputs(const onnx::NodeProto &node);
  void recordShapeInputDeps(const onnx::NodeProto &node);
  /// The extents that `node`'s outputs take from an operand of run-time
  /// shape (an elementwise op of it), null when none has one; fails at the
  /// node when it reads such an operand in any other way.
  mlir::FailureOr<mlir::Value>
  extentsThroughElementwise(const onnx::NodeProto &node);
  /// `diag` (about `value`, of run-time shape), ended with how to compile
  /// the model without it: the graph input to bind with --constant.
  mlir::InFlightDiagnostic bindHint(mlir::InFlightDiagnostic diag,
                                    llvm::StringRef value) const;
  mlir::FailureOr<mlir::RankedTensorType>
  inputType(const onnx::ValueInfoProto &info);
  /// The values bound to the outputs of `graph` (the model's or a
  /// subgraph's, named `what` in the error at `at` when a node is missing).
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  graphOutputs(const onnx::GraphProto &graph, mlir::Location at,
               llvm::StringRef what);

  std::string filename;
  const ImportOptions &options;
  std::string modelDir;
  /// External data files read so far, mapped once per import and keyed by
  /// resolved path: the tensors of a model usually share one file.
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> externalFiles;
  llvm::StringMap<mlir::Value> values;
  llvm::StringMap<mlir::DenseElementsAttr> known;
  /// The extents of values whose shape is decided at run time, by name
  /// (setRuntimeShapedOutput).
  llvm::StringMap<mlir::Value> runtimeExtents;
  /// Those of them reshaped rather than boxed.
  llvm::StringSet<> runtimeReshapes;
  /// Names of the graph inputs that stay function arguments.
  llvm::StringSet<> graphInputs;
  /// For each non-constant value, the small integer graph inputs (shape
  /// parameters, axes, sizes) whose values it depends on: binding those
  /// with --constant may make it a compile-time constant.
  llvm::StringMap<llvm::SmallVector<std::string, 1>> shapeInputDeps;
};

/// The importer of an op type, and how many leading operands a node needs
/// for it: a node with fewer is reported ("expects at least N inputs")
/// before `import` runs, so importers use those operands without checking.
struct OpImporter {
  mlir::LogicalResult (*import)(GraphImporter &) = nullptr;
  int minInputs = 0;
};

/// Op type (default domain) -> its importer. Each Onnx*.cpp file registers
/// the ops of its family in a populate...Importers function, as torch-mlir's
/// conversions register their patterns; lookupOpImporter reads the table
/// they fill, once.
using OpImporterTable = llvm::StringMap<OpImporter>;

/// The importer for an op type of the default domain, or null.
const OpImporter *lookupOpImporter(llvm::StringRef opType);

// One per family, each in the file of its name (OnnxElementwise.cpp, ...).
void populateAttentionImporters(OpImporterTable &table);
void populateCausalConvImporters(OpImporterTable &table);
void populateControlFlowImporters(OpImporterTable &table);
void populateConvTransposeImporters(OpImporterTable &table);
void populateCoreImporters(OpImporterTable &table); // OnnxOps.cpp
void populateCumulativeImporters(OpImporterTable &table);
void populateDecompositionsImporters(OpImporterTable &table);
void populateDetImporters(OpImporterTable &table);
void populateDynamicQuantizeImporters(OpImporterTable &table);
void populateEinsumImporters(OpImporterTable &table);
void populateElementwiseImporters(OpImporterTable &table);
void populateGridSampleImporters(OpImporterTable &table);
void populateLinearAttentionImporters(OpImporterTable &table);
void populateLossesImporters(OpImporterTable &table);
void populateNormalizationsImporters(OpImporterTable &table);
void populatePoolingImporters(OpImporterTable &table);
void populateQLinearImporters(OpImporterTable &table);
void populateRecurrentImporters(OpImporterTable &table);
void populateReductionsImporters(OpImporterTable &table);
void populateResizeImporters(OpImporterTable &table);
void populateScatterImporters(OpImporterTable &table);
void populateShapeOpsImporters(OpImporterTable &table);
void populateSignalImporters(OpImporterTable &table);
void populateTensorOpsImporters(OpImporterTable &table);
void populateTransformerOpsImporters(OpImporterTable &table);
void populateWindowsImporters(OpImporterTable &table);

// Defined in OnnxCausalConv.cpp and OnnxLinearAttention.cpp.
mlir::LogicalResult importCausalConvWithStateOp(GraphImporter &g);
mlir::LogicalResult importLinearAttentionOp(GraphImporter &g);
// Cases other importers hand over: LayerNormalization with its statistics
// outputs (OnnxDecompositions.cpp) and integer CumSum (OnnxCumulative.cpp).
mlir::LogicalResult importLayerNormStatsOp(GraphImporter &g);
mlir::LogicalResult importIntegerCumSumOp(GraphImporter &g);

// Helpers shared by the per-op importers.
mlir::RankedTensorType typeOf(mlir::Value v);
mlir::LogicalResult requireInputs(GraphImporter &g, int count);
/// Fails with "expects a floating-point input, got <type>" unless `v` has a
/// floating-point element type.
mlir::LogicalResult requireFloat(GraphImporter &g, mlir::Value v);
/// The operands present among the node's inputs, in order (variadic ops
/// such as Concat and Sum skip the empty names); fails when there are none.
mlir::FailureOr<llvm::SmallVector<mlir::Value>> presentInputs(GraphImporter &g);
mlir::FailureOr<int64_t> normalizeAxis(GraphImporter &g, int64_t axis,
                                       int64_t rank, bool allowRank = false);
/// The `axis` attribute (default `def`) normalized for the rank of input 0,
/// the tensor it indexes in most ops.
mlir::FailureOr<int64_t> axisAttr(GraphImporter &g, int64_t def,
                                  bool allowRank = false);
/// normalizeAxis for each of `axes`.
mlir::FailureOr<llvm::SmallVector<int64_t>>
normalizeAxes(GraphImporter &g, llvm::ArrayRef<int64_t> axes, int64_t rank);
/// first, first + 1, ..., rank - 1: the trailing axes a normalization or
/// reduction covers (all axes when `first` is 0).
llvm::SmallVector<int64_t> axesFrom(int64_t first, int64_t rank);
/// The permutation of `rank` dims that moves `axis` last, keeping the order
/// of the others.
llvm::SmallVector<int64_t> moveAxisLast(int64_t axis, int64_t rank);
/// The permutation that undoes `perm`.
llvm::SmallVector<int64_t> invertPermutation(llvm::ArrayRef<int64_t> perm);
/// ONNX Slice bounds for one axis of size `dim`: negative indices count
/// from the end, then `start` clamps to [0, dim] and `end` to [0, dim] (to
/// [0, dim - 1] and [-1, dim - 1] for a negative `step`).
std::pair<int64_t, int64_t> clampSliceBounds(int64_t start, int64_t end,
                                             int64_t step, int64_t dim);
/// The saturation bounds of integer type `it`, as doubles.
std::pair<double, double> integerRange(mlir::IntegerType it);
/// Constant 0, 1, ..., n-1 along `axis` of a tensor of `rank` dims (size 1
/// elsewhere), of element type `et`: positions to compare indices with.
mlir::Value iotaAlong(GraphImporter &g, int64_t n, int64_t axis, int64_t rank,
                      mlir::Type et);
/// Constant int64 [rows, cols] matrix of j - i: the diagonal each entry is
/// on, for triangular and causal masks.
mlir::Value diagonalIndices(GraphImporter &g, int64_t rows, int64_t cols);
mlir::FailureOr<llvm::SmallVector<int64_t>>
constInts(GraphImporter &g, int i, llvm::StringRef what);
/// For an op whose axis is operand `i`, a one-element integer tensor: when
/// it is a compile-time constant, build(axis) for that axis (normalized
/// among `rank` dims); when it is known only at run time (the result's
/// shape must not depend on it), the result for every axis, each selected
/// where the operand names it (negative axes count from the end; one out of
/// range selects the last dim, as kernels cannot report errors).
mlir::FailureOr<mlir::Value> alongConstantOrRuntimeAxis(
    GraphImporter &g, int i, int64_t rank,
    llvm::function_ref<mlir::FailureOr<mlir::Value>(int64_t)> build);
/// An integer list that ONNX moved from attribute `name` to input `input` at
/// opset `inputSince` (Squeeze axes, Split sizes, reduction axes, Pad pads,
/// Slice bounds): the attribute before, else the input, which must then be
/// a compile-time constant. Empty when absent.
mlir::FailureOr<llvm::SmallVector<int64_t>>
intsAttrOrInput(GraphImporter &g, llvm::StringRef name, int64_t inputSince,
                int input);

/// Resolves auto_pad and defaults for convolution and pooling windows.
mlir::LogicalResult windowAttrs(GraphImporter &g, llvm::ArrayRef<int64_t> inShape,
                                llvm::ArrayRef<int64_t> kernel,
                                llvm::SmallVector<int64_t> &strides,
                                llvm::SmallVector<int64_t> &pads,
                                llvm::SmallVector<int64_t> &dilations);

/// Tries to evaluate the current node at compile time when all its inputs
/// are known constants (shape computations: Shape, Gather, Concat, Slice,
/// Unsqueeze, Squeeze, Cast, integer arithmetic). Returns true when it bound
/// the outputs.
bool tryFoldNode(GraphImporter &g);
/// Whether tryFoldNode evaluates `opType`, which has no importer, whenever
/// it can be compiled at all.
bool foldsWithoutImporter(llvm::StringRef opType);

/// A float-only unary op on input 0 (registered with minInputs 1).
template <typename OpT>
mlir::LogicalResult floatUnary(GraphImporter &g) {
  if (mlir::failed(requireFloat(g, g.input(0))))
    return mlir::failure();
  return g.emit<OpT>(0, g.input(0));
}

/// A broadcasting binary op whose operands share an element type (registered
/// with minInputs 2).
template <typename OpT> mlir::LogicalResult sameTypeBinary(GraphImporter &g) {
  mlir::Value l = g.input(0), r = g.input(1);
  if (typeOf(l).getElementType() != typeOf(r).getElementType())
    return g.error() << "operand element types differ: "
                     << typeOf(l).getElementType() << " vs "
                     << typeOf(r).getElementType();
  if (mlir::failed(coreai::aigraph::broadcastShapes(typeOf(l).getShape(),
                                                    typeOf(r).getShape())))
    return g.error() << "operand shapes " << typeOf(l) << " and " << typeOf(r)
                     << " are not broadcastable";
  return g.emit<OpT>(0, l, r);
}

/// Small builder over the importer that stops at the first failure.
struct Emitter {
  GraphImporter &g;
  bool ok = true;

  template <typename OpT, typename... Args> mlir::Value make(Args &&...args) {
    if (!ok)
      return nullptr;
    auto v = g.tryCreate<OpT>(std::forward<Args>(args)...);
    if (mlir::failed(v)) {
      ok = false;
      return nullptr;
    }
    return *v;
  }
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape) {
    if (!ok || typeOf(v).getShape() == shape)
      return v;
    return make<coreai::aigraph::ReshapeOp>(v, g.builder.getDenseI64ArrayAttr(shape));
  }
  mlir::Value transpose(mlir::Value v, llvm::ArrayRef<int64_t> perm) {
    return make<coreai::aigraph::TransposeOp>(v, g.builder.getDenseI64ArrayAttr(perm));
  }
  /// Binds `v` to `output` unless an earlier step failed.
  mlir::LogicalResult bind(int output, mlir::Value v) {
    if (!ok)
      return mlir::failure();
    g.setOutput(output, v);
    return mlir::success();
  }
  /// Binds `values` to outputs 0, 1, ... unless an earlier step failed.
  mlir::LogicalResult bindAll(llvm::ArrayRef<mlir::Value> values) {
    if (!ok)
      return mlir::failure();
    for (auto [i, v] : llvm::enumerate(values))
      g.setOutput(i, v);
    return mlir::success();
  }
  /// Elements [start, end) of `v` along `axis`, every `step`-th.
  mlir::Value sliceAxis(mlir::Value v, int64_t axis, int64_t start,
                        int64_t end, int64_t step = 1) {
    if (!ok)
      return nullptr;
    auto t = typeOf(v);
    llvm::SmallVector<int64_t> s(t.getRank(), 0), en(t.getShape()),
        st(t.getRank(), 1);
    s[axis] = start, en[axis] = end, st[axis] = step;
    return make<coreai::aigraph::SliceOp>(v, g.builder.getDenseI64ArrayAttr(s),
                                          g.builder.getDenseI64ArrayAttr(en),
                                          g.builder.getDenseI64ArrayAttr(st));
  }
  /// Mean of `v` over `axes`, keeping them as size-1 dims.
  mlir::Value reduceMeanKeep(mlir::Value v, llvm::ArrayRef<int64_t> axes) {
    return make<coreai::aigraph::ReduceMeanOp>(
        v, g.builder.getDenseI64ArrayAttr(axes), g.builder.getBoolAttr(true));
  }
  /// A per-axis (1-D, several element) operand reshaped to broadcast along
  /// `axis` of a rank-`rank` tensor; one-element operands become scalars.
  /// Null stays null (an absent optional input). Fails when `v` has a
  /// dynamic shape, or several elements and `axis` is not a dim of `rank`.
  mlir::Value alongAxis(mlir::Value v, int64_t axis, int64_t rank) {
    if (!ok || !v)
      return v;
    auto t = typeOf(v);
    if (!t.hasStaticShape()) {
      g.error() << "a per-axis operand needs a static shape, got " << t;
      ok = false;
      return nullptr;
    }
    if (t.getRank() == 0 || t.getNumElements() == 1)
      return reshape(v, {});
    if (axis < 0 || axis >= rank) {
      g.error() << "a per-axis operand " << t << " needs axis " << axis
                << ", but the tensor it applies to has rank " << rank;
      ok = false;
      return nullptr;
    }
    llvm::SmallVector<int64_t> shape(rank, 1);
    shape[axis] = t.getNumElements();
    return reshape(v, shape);
  }
  mlir::Value zero(mlir::Type et) {
    return g.constant(mlir::DenseElementsAttr::get(
        mlir::RankedTensorType::get({}, et), g.builder.getZeroAttr(et)));
  }
  mlir::Value scalar(mlir::Type et, double v) {
    auto t = mlir::RankedTensorType::get({}, et);
    return g.constant(
        mlir::DenseElementsAttr::get(t, llvm::ArrayRef<mlir::Attribute>{mlir::FloatAttr::get(et, v)}));
  }
  /// A rank-0 constant `v` of integer type `et`.
  mlir::Value intScalar(mlir::Type et, int64_t v) {
    auto t = mlir::RankedTensorType::get({}, et);
    return g.constant(mlir::DenseElementsAttr::get(
        t, llvm::ArrayRef<mlir::Attribute>{mlir::IntegerAttr::get(et, v)}));
  }
};

} // namespace coreai::onnx_import

#endif

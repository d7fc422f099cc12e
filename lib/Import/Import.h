//===- Import.h - Model front ends: ONNX and aigraph MLIR -----------------===//
#ifndef COREAI_LIB_IMPORT_IMPORT_H
#define COREAI_LIB_IMPORT_IMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <string>
#include <vector>

namespace coreai {

struct ImportOptions {
  /// Input name -> full static shape (from --shape NAME=D0xD1x...).
  std::map<std::string, std::vector<int64_t>> shapes;
  /// Enumerated shapes (--shape given several times for an input): the
  /// shapes of variants 1, 2, ..., each complete like `shapes` (variant 0).
  /// The import makes function `main` for variant 0 and `main.shapeK` for
  /// variant K, all marked kShapeGroupAttr = "main": one bundle function the
  /// runtime runs at any of those shapes, sharing equal constants.
  std::vector<std::map<std::string, std::vector<int64_t>>> moreShapeVariants;
  /// Input name -> TensorProto file whose value replaces that input (from
  /// --constant NAME=FILE.pb): the input becomes a compile-time constant.
  /// The file's external data, if any, is relative to the file's folder.
  std::map<std::string, std::string> constants;
  /// When set, receives every file besides the model that the import read:
  /// the external data files of its tensors (each once, in first-use order)
  /// and the --constant TensorProto files. coreai-build writes them into a
  /// depfile, so that a build reruns it when one of them changes.
  std::vector<std::string> *dependencies = nullptr;
  /// Node names whose outputs stay observable, or {"all"} (--debug-tensors):
  /// the import adds a function `main` + kDebugFunctionSuffix that returns
  /// main's results and then each of those outputs, named
  /// "NODE (OpType): VALUE", in graph order.
  std::vector<std::string> debugTensors;
  /// The largest tensor the model may make, in bytes (--max-tensor-bytes):
  /// a graph input, initializer or node output past it fails at its node
  /// before anything that size is computed, so that a small crafted file
  /// cannot make the compiler allocate without bound.
  uint64_t maxTensorBytes = uint64_t(4) << 30;
  /// Test-only: the floating-point outputs of this node are scaled by 1.01,
  /// a known wrong result for tests of coreai-debug compare.
  std::string perturbNode;
};

/// The suffix of the function that exposes intermediate tensors.
inline constexpr llvm::StringLiteral kDebugFunctionSuffix = ".debug";

/// The suffix of shape variant K's function: main.shapeK.
inline constexpr llvm::StringLiteral kShapeVariantSuffix = ".shape";

/// Reads `path` by its extension: .onnx (ONNX protobuf), .mlir (aigraph MLIR
/// text) or .mlirbc (MLIR bytecode). Errors are emitted as diagnostics at
/// the location of the offending node (see OnnxImporter) and yield null.
mlir::OwningOpRef<mlir::ModuleOp>
importModelFile(const std::string &path, mlir::MLIRContext *ctx,
                const ImportOptions &options);

/// Imports an ONNX model held in memory; `filename` is used in locations.
/// `modelDir` is the folder the model's external data locations are relative
/// to (ONNX keeps large tensors in files beside the model); it confines
/// them: a location may not leave it. Without one, tensors with external
/// data are refused.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxModel(llvm::StringRef bytes, llvm::StringRef filename,
                mlir::MLIRContext *ctx, const ImportOptions &options,
                llvm::StringRef modelDir = {});

} // namespace coreai

#endif // COREAI_LIB_IMPORT_IMPORT_H

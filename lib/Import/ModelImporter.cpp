//===- ModelImporter.cpp - Picks the front end by file type ---------------===//
#include "lib/Import/Import.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

OwningOpRef<ModuleOp> coreai::importModelFile(const std::string &path,
                                              MLIRContext *ctx,
                                              const ImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(ctx, path, 0, 0);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(fileLoc) << "cannot open the model: "
                       << buffer.getError().message();
    return nullptr;
  }
  StringRef ext = llvm::sys::path::extension(path);
  if (ext == ".mlir" || ext == ".mlirbc") {
    if (!options.shapes.empty()) {
      emitError(fileLoc) << "--shape applies to ONNX models; an MLIR input "
                            "carries its own static types";
      return nullptr;
    }
    if (!options.debugTensors.empty()) {
      emitError(fileLoc) << "--debug-tensors names ONNX nodes; it applies "
                            "to ONNX models";
      return nullptr;
    }
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), SMLoc());
    return parseSourceFile<ModuleOp>(sourceMgr, ctx);
  }
  if (ext != ".onnx")
    emitWarning(fileLoc) << "unknown extension '" << ext
                         << "': reading it as an ONNX model";
  // External data locations are relative to the folder of the path given,
  // not of its target when it is a symlink: that is where ONNX looks too.
  StringRef modelDir = llvm::sys::path::parent_path(path);
  return importOnnxModel((*buffer)->getBuffer(), path, ctx, options,
                         modelDir.empty() ? "." : modelDir);
}

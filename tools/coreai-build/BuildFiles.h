//===- BuildFiles.h - What coreai-build reads and writes for build systems ===//
//
// The depfile (--depfile) that tells Make and Ninja what a bundle was built
// from, the model read from stdin ('-'), the bundle written to stdout
// ('-o -').
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_COREAI_BUILD_BUILDFILES_H
#define COREAI_TOOLS_COREAI_BUILD_BUILDFILES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace coreai {
struct ImportOptions;

/// The hex XXH3 of bytes: source hashes and the values of --constant files
/// as bundles record them.
std::string contentHash(llvm::StringRef bytes);
/// contentHash of a file's bytes; "" when it cannot be read.
std::string fileHash(const std::string &path);

/// Writes `target: dep dep ...` in Makefile syntax (spaces, '#' and '$'
/// escaped as Make and Ninja read them) to `path`, atomically. Returns an
/// error message, empty on success.
std::string writeDepFile(const std::string &path, const std::string &target,
                         const std::vector<std::string> &deps);

/// Reads a model from stdin: MLIR bytecode or text by their first bytes,
/// ONNX otherwise. `label` names it in diagnostics. External data cannot be
/// resolved without a folder and is refused.
mlir::OwningOpRef<mlir::ModuleOp>
importModelFromStdin(mlir::MLIRContext *ctx, const ImportOptions &options,
                     const std::string &label, std::string &sourceHash);

/// Writes all of `bytes` to stdout; returns an error message or "".
std::string writeToStdout(const std::vector<uint8_t> &bytes);

} // namespace coreai

#endif

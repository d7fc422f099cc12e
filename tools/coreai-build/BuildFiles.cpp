//===- BuildFiles.cpp - Depfiles, stdin models, stdout bundles ------------===//
#include "BuildFiles.h"

#include "lib/Import/Import.h"
#include "lib/Runtime/FileIO.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

using namespace mlir;

namespace {
/// A path as a Makefile rule names it (what GCC's -MD writes: a backslash
/// stays literal unless a space or '#' follows it).
std::string makeEscape(const std::string &path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#')
      out += '\\';
    if (c == '$')
      out += '$';
    out += c;
  }
  return out;
}
} // namespace

std::string coreai::contentHash(llvm::StringRef bytes) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                (unsigned long long)llvm::xxh3_64bits(
                    llvm::arrayRefFromStringRef(bytes)));
  return hex;
}

std::string coreai::fileHash(const std::string &path) {
  auto data = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  return data ? contentHash((*data)->getBuffer()) : "";
}

std::string coreai::writeDepFile(const std::string &path,
                                 const std::string &target,
                                 const std::vector<std::string> &deps) {
  for (const std::string &file : deps)
    if (file.find('\n') != std::string::npos)
      return "cannot write the depfile: '" + file +
             "' has a newline in its name, which Make cannot read";
  std::string text = makeEscape(target) + ":";
  for (const std::string &dep : deps)
    text += " \\\n  " + makeEscape(dep);
  text += "\n";
  // Beside the destination, then renamed: never a half-written depfile.
  llvm::SmallString<256> temp;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp%%%%%%", fd, temp))
    return "cannot write the depfile: " + ec.message();
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << text;
    os.close();
    if (os.has_error()) {
      llvm::sys::fs::remove(temp);
      return "cannot write the depfile: " + os.error().message();
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    return "cannot write the depfile: " + ec.message();
  }
  return "";
}

OwningOpRef<ModuleOp> coreai::importModelFromStdin(MLIRContext *ctx,
                                                   const ImportOptions &options,
                                                   const std::string &label,
                                                   std::string &sourceHash) {
  Location loc = FileLineColLoc::get(ctx, label, 0, 0);
  auto buffer = llvm::MemoryBuffer::getSTDIN();
  if (!buffer) {
    emitError(loc) << "cannot read the model from stdin: "
                   << buffer.getError().message();
    return nullptr;
  }
  StringRef bytes = (*buffer)->getBuffer();
  sourceHash = contentHash(bytes);
  // MLIR bytecode starts with "ML\xefR"; MLIR text with an op, an attribute
  // alias or a comment. A serialized ModelProto starts with a field tag.
  StringRef text = bytes.ltrim();
  bool mlir = bytes.starts_with("ML\xef\x52") || text.starts_with("module") ||
              text.starts_with("func.") || text.starts_with("//") ||
              text.starts_with("#") || text.starts_with("!") ||
              text.starts_with("\"");
  if (mlir) {
    if (!options.shapes.empty() || !options.debugTensors.empty()) {
      emitError(loc) << (options.shapes.empty() ? "--debug-tensors" : "--shape")
                     << " applies to ONNX models, not to MLIR";
      return nullptr;
    }
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(bytes, label), SMLoc());
    return parseSourceFile<ModuleOp>(sourceMgr, ctx);
  }
  return importOnnxModel(bytes, label, ctx, options);
}

std::string coreai::writeToStdout(const std::vector<uint8_t> &bytes) {
  if (!runtime::writeAll(STDOUT_FILENO, bytes.data(), bytes.size()))
    return std::string("cannot write the bundle to stdout: ") +
           std::strerror(errno);
  return "";
}

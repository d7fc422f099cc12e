//===- FuzzOnnxImport.cpp - libFuzzer: the ONNX importer ------------------===//
//
// Any bytes as an ONNX model: imported to aigraph (protobuf parsing, every
// op importer, shape inference, constant folding), the result verified. A
// tensor limit of 64 MiB keeps the harness's memory small; an error is one
// diagnostic, never a crash, hang or sanitizer report.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/Import.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext ctx(mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(
      &ctx, [](mlir::Diagnostic &) { return mlir::success(); });
  coreai::ImportOptions options;
  options.maxTensorBytes = uint64_t(64) << 20;
  mlir::OwningOpRef<mlir::ModuleOp> module = coreai::importOnnxModel(
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", &ctx, options);
  if (module)
    (void)mlir::verify(*module);
  return 0;
}

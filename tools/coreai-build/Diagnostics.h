//===- Diagnostics.h - One-line diagnostics, as text or JSON --------------===//
//
// Every message coreai-build prints goes through one Diagnostics object, so
// --diagnostics-format=json covers all of them: MLIR diagnostics from the
// importer and the passes, and the tool's own errors (usage, files).
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_COREAI_BUILD_DIAGNOSTICS_H
#define COREAI_TOOLS_COREAI_BUILD_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"

#include <functional>
#include <string>

namespace coreai {

/// The fields of a diagnostic, as --diagnostics-format=json prints them (one
/// object per line): severity, message, file, line, node, op_type, opset,
/// unit, source (the exporter's source location, e.g. "model.py:42");
/// absent fields are null.
struct DiagnosticRecord {
  std::string severity = "error";
  std::string message;
  std::string file;
  int line = 0, column = 0;
  std::string node, opType, unit, source;
  int64_t opset = -1;
};
DiagnosticRecord describeDiagnostic(mlir::Diagnostic &diag);
/// One line in compiler style:
///   model.onnx: node 'conv1' (Conv, opset 17): error: <message>
///   model.mlir:12:5: error: <message>
std::string formatDiagnosticText(const DiagnosticRecord &record);
std::string formatDiagnosticJson(const DiagnosticRecord &record);

class Diagnostics {
public:
  enum class Format { Text, Json };
  Diagnostics(Format format, std::function<void()> beforePrint = nullptr)
      : format_(format), beforePrint_(std::move(beforePrint)) {}

  /// Prints an MLIR diagnostic (notes are folded into nothing: one line each).
  void print(mlir::Diagnostic &diag);
  /// Prints the tool's own error about `file` ("" when none).
  void error(const std::string &file, const std::string &message);
  /// The unit the compiler is working for ("cpu", "gpu", "ane", "" when the
  /// work is not for one unit): the "unit" of diagnostics emitted meanwhile.
  void setUnit(std::string unit) { unit_ = std::move(unit); }
  void setBeforePrint(std::function<void()> f) { beforePrint_ = std::move(f); }
  unsigned errorCount() const { return errors_; }

private:
  void emit(const DiagnosticRecord &record);
  Format format_;
  std::function<void()> beforePrint_;
  std::string unit_;
  unsigned errors_ = 0;
};

} // namespace coreai

#endif

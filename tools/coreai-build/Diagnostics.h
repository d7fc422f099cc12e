//===- Diagnostics.h - Compiler-style one-line diagnostics ----------------===//
#ifndef COREAI_TOOLS_COREAI_BUILD_DIAGNOSTICS_H
#define COREAI_TOOLS_COREAI_BUILD_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"

#include <string>

namespace coreai {

/// Formats a diagnostic as one line in compiler style:
///   model.onnx: node 'conv1' (Conv, opset 17): error: <message>
///   model.mlir:12:5: error: <message>
std::string formatDiagnostic(mlir::Diagnostic &diag);

} // namespace coreai

#endif

//===- Diagnostics.cpp - Compiler-style one-line diagnostics --------------===//
#include "Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
const char *severityName(DiagnosticSeverity s) {
  switch (s) {
  case DiagnosticSeverity::Error: return "error";
  case DiagnosticSeverity::Warning: return "warning";
  case DiagnosticSeverity::Note: return "note";
  case DiagnosticSeverity::Remark: return "remark";
  }
  return "error";
}

/// "file: node 'name' (what)" or "file:line:col" or "" from a location.
std::string where(Location loc) {
  if (auto fused = dyn_cast<FusedLoc>(loc))
    return fused.getLocations().empty() ? "" : where(fused.getLocations()[0]);
  if (auto name = dyn_cast<NameLoc>(loc)) {
    std::string node = name.getName().str();
    Location child = name.getChildLoc();
    std::string what;
    if (auto inner = dyn_cast<NameLoc>(child)) {
      what = inner.getName().str();
      child = inner.getChildLoc();
    }
    std::string file = where(child);
    std::string s = file.empty() ? "" : file + ": ";
    s += "node '" + node + "'";
    if (!what.empty())
      s += " (" + what + ")";
    return s;
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    std::string s = file.getFilename().str();
    if (file.getLine() > 0)
      s += ":" + std::to_string(file.getLine()) + ":" +
           std::to_string(file.getColumn());
    return s;
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return where(call.getCallee());
  return "";
}
} // namespace

std::string coreai::formatDiagnostic(Diagnostic &diag) {
  std::string place = where(diag.getLocation());
  std::string msg = diag.str();
  // One line: fold any newline an upstream message carries.
  for (char &c : msg)
    if (c == '\n')
      c = ' ';
  return (place.empty() ? "coreai-build" : place) + ": " +
         severityName(diag.getSeverity()) + ": " + msg;
}

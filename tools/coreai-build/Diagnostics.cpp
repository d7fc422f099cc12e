//===- Diagnostics.cpp - One-line diagnostics, as text or JSON ------------===//
#include "Diagnostics.h"

#include "dialects/AIGraph/SourceNames.h"

#include "coreai/ComputeUnit.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <iostream>

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

/// Fills file/line/node/op type/opset from a location. The ONNX importer
/// names each node as NameLoc(node, NameLoc("OpType, opset N" or
/// "domain::OpType", FileLineColLoc(model))).
void locate(Location loc, coreai::DiagnosticRecord &r) {
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    if (fused.getLocations().empty())
      return;
    locate(fused.getLocations()[0], r);
    // The importer fuses the exporter's source location after the model's.
    if (r.source.empty())
      r.source = coreai::aigraph::exporterLocationOf(fused);
    return;
  }
  if (auto name = dyn_cast<NameLoc>(loc)) {
    r.node = name.getName().str();
    Location child = name.getChildLoc();
    if (auto inner = dyn_cast<NameLoc>(child)) {
      StringRef what = inner.getName().getValue();
      auto [op, opset] = what.split(", opset ");
      r.opType = op.str();
      if (!opset.empty())
        opset.getAsInteger(10, r.opset);
      child = inner.getChildLoc();
    }
    locate(child, r);
    return;
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    r.file = file.getFilename().str();
    r.line = file.getLine();
    r.column = file.getColumn();
    return;
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    locate(call.getCallee(), r);
}

/// "file: node 'name' (Op, opset N)" or "file:line:col" or "".
std::string where(const coreai::DiagnosticRecord &r) {
  std::string file = r.file;
  if (r.line > 0)
    file += ":" + std::to_string(r.line) + ":" + std::to_string(r.column);
  if (r.node.empty())
    return file;
  std::string s = (file.empty() ? "" : file + ": ") + "node '" + r.node + "'";
  if (!r.opType.empty())
    s += " (" + r.opType +
         (r.opset >= 0 ? ", opset " + std::to_string(r.opset) : "") + ")";
  return s;
}

std::string oneLine(std::string msg) {
  // One line: fold any newline an upstream message carries.
  for (char &c : msg)
    if (c == '\n')
      c = ' ';
  return msg;
}
} // namespace

std::string coreai::formatDiagnosticText(const DiagnosticRecord &r) {
  std::string place = where(r);
  return (place.empty() ? "coreai-build" : place) + ": " + r.severity + ": " +
         r.message;
}

coreai::DiagnosticRecord coreai::describeDiagnostic(Diagnostic &diag) {
  DiagnosticRecord r;
  r.severity = severityName(diag.getSeverity());
  r.message = oneLine(diag.str());
  locate(diag.getLocation(), r);
  return r;
}

std::string coreai::formatDiagnosticJson(const DiagnosticRecord &r) {
  auto orNull = [](const std::string &s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
  };
  nlohmann::ordered_json j;
  j["severity"] = r.severity;
  j["message"] = r.message;
  j["file"] = orNull(r.file);
  j["line"] = r.line > 0 ? nlohmann::json(r.line) : nlohmann::json();
  j["node"] = orNull(r.node);
  j["op_type"] = orNull(r.opType);
  j["opset"] = r.opset >= 0 ? nlohmann::json(r.opset) : nlohmann::json();
  j["unit"] = orNull(r.unit);
  j["source"] = orNull(r.source);
  // Messages quote model text, which need not be UTF-8: replace, never throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void coreai::Diagnostics::emit(const DiagnosticRecord &record) {
  if (record.severity == "error")
    ++errors_;
  if (beforePrint_)
    beforePrint_();
  if (format_ == Format::Json)
    std::cerr << formatDiagnosticJson(record) << "\n";
  else
    std::cerr << formatDiagnosticText(record) << "\n";
}

void coreai::Diagnostics::print(Diagnostic &diag) {
  if (diag.getSeverity() == DiagnosticSeverity::Note)
    return;
  DiagnosticRecord record = describeDiagnostic(diag);
  record.unit = unit_;
  // An explained placement names its unit: "runs on the CPU: why".
  StringRef msg = record.message;
  if (msg.consume_front("runs on ")) {
    msg.consume_front("the ");
    for (const runtime::ComputeUnitNames &names : runtime::kComputeUnitNames)
      if (msg.starts_with(names.title))
        record.unit = names.name;
  }
  emit(record);
}

void coreai::Diagnostics::error(const std::string &file,
                                const std::string &message) {
  DiagnosticRecord record;
  record.message = message;
  record.file = file;
  record.unit = unit_;
  emit(record);
}

//===- coreai-build.cpp - The compiler CLI --------------------------------===//
//
//   coreai-build compile MODEL -o OUT.aimodel [--target cpu] [--shape N=AxB]
//   coreai-build import  MODEL -o OUT.mlir    [--shape N=AxB]
//
// Exit codes: 0 success, 1 bad input or unsupported model, 2 usage error.
//
//===----------------------------------------------------------------------===//
#include "Diagnostics.h"
#include "Inspect.h"
#include "Report.h"

#include "lib/Import/Import.h"
#include "lib/Pipeline/Pipeline.h"
#include "lib/Transforms/ImageInputSpec.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/xxhash.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>

using namespace mlir;

namespace {

constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;

/// Parses NAME=D0xD1x... into the options; returns an error message.
std::string parseShape(const std::string &spec, coreai::ImportOptions &opts) {
  size_t eq = spec.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    return "--shape expects NAME=D0xD1x..., got '" + spec + "'";
  std::vector<int64_t> dims;
  std::string text = spec.substr(eq + 1);
  size_t pos = 0;
  while (true) {
    size_t x = text.find('x', pos);
    std::string part = text.substr(pos, x == std::string::npos ? x : x - pos);
    bool digits = !part.empty() && part.size() <= 12 &&
                  part.find_first_not_of("0123456789") == std::string::npos;
    if (!digits)
      return "--shape " + spec + ": '" + part +
             "' is not a dimension (expected a non-negative integer below "
             "10^12)";
    dims.push_back(std::stoll(part));
    if (x == std::string::npos)
      break;
    pos = x + 1;
  }
  if (opts.shapes.count(spec.substr(0, eq)))
    return "--shape names '" + spec.substr(0, eq) + "' twice";
  opts.shapes[spec.substr(0, eq)] = dims;
  return "";
}

std::vector<std::string> splitTargets(const std::string &list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  std::string t;
  while (std::getline(ss, t, ','))
    if (!t.empty())
      out.push_back(t);
  return out;
}

/// Collects the first error (and prints every diagnostic as one line).
struct DiagnosticPrinter {
  explicit DiagnosticPrinter(MLIRContext &ctx)
      : handler(&ctx, [](Diagnostic &diag) {
          if (diag.getSeverity() == DiagnosticSeverity::Note)
            return success();
          std::cerr << coreai::formatDiagnostic(diag) << "\n";
          return success();
        }) {}
  ScopedDiagnosticHandler handler;
};

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"coreai-build: ahead-of-time compiler for neural-network "
               "models (ONNX or aigraph MLIR -> .aimodel bundle)"};
  app.set_version_flag("--version", "coreai-build 0.1");
  app.require_subcommand(1);

  std::string model, output, targets = "cpu";
  std::vector<std::string> shapes;
  auto *compile =
      app.add_subcommand("compile", "Compile a model into an .aimodel bundle");
  compile->add_option("model", model, "Model: .onnx, .mlir or .mlirbc")
      ->required();
  compile->add_option("-o,--output", output, "Output bundle")->required();
  compile->add_option("--target", targets,
                      "Comma-separated compute units to compile for: cpu, "
                      "gpu, ane (default cpu)");
  std::string aneArch = "ane-16c-4mb";
  compile->add_option("--ane-arch", aneArch,
                      "The neural engine for --target ane: ane-16c-4mb "
                      "(default), ane-8c-2mb, or a description .json");
  compile->add_option("--shape", shapes,
                      "Bind an input's shape: NAME=D0xD1x... (repeatable)");
  std::string cpuArchs = "x86-64,x86-64-v3,x86-64-v4";
  compile->add_option("--cpu-arch", cpuArchs,
                      "Comma-separated CPU code variants to put in the "
                      "bundle (the runtime runs the best its host supports): "
                      "x86-64, x86-64-v2, x86-64-v3 (AVX2+FMA), x86-64-v4 "
                      "(AVX-512), aarch64 (NEON); default "
                      "x86-64,x86-64-v3,x86-64-v4");
  bool explainPlacement = false;
  compile->add_flag("--explain-placement", explainPlacement,
                    "Say, for every op that will not run on the first unit "
                    "of --target, why");
  std::string placement = "cost";
  compile
      ->add_option("--placement", placement,
                   "How ops are placed on the units of --target: cost "
                   "(default: the least estimated time, with the cost of "
                   "moving data between units) or preference (every op "
                   "on the first unit that can run it, e.g. to test one "
                   "unit's kernels)")
      ->check(CLI::IsMember({"cost", "preference"}));
  std::vector<std::string> imageInputs;
  compile
      ->add_option("--image-input", imageInputs,
                   "Feed a float32 [N,C,H,W] input with uint8 pixel "
                   "buffers [N,H,W,bytes per pixel], converted in the "
                   "function: NAME=FORMAT[,mean=A:B:C][,std=A:B:C]"
                   "[,scale=K] with FORMAT rgb8, bgr8, rgba8, bgra8 or "
                   "gray8; value = (pixel * scale - mean) / std, scale "
                   "1/255 by default (repeatable)")
      ->allow_extra_args(false);
  std::string reportPath;
  compile->add_option("--report", reportPath,
                      "Write where every op went and why as JSON: each op "
                      "with its source nodes, unit, the other units' "
                      "refusals and estimated times; partitions; memory");
  std::vector<std::string> constants;
  compile->add_option("--constant", constants,
                      "Freeze an input to the value in a TensorProto file: "
                      "NAME=FILE.pb (repeatable); it is no longer an input");

  std::string importModel, importOut;
  std::vector<std::string> importShapes;
  bool bytecode = false;
  auto *import = app.add_subcommand(
      "import", "Import a model to aigraph MLIR (for inspection and tests)");
  import->add_option("model", importModel, "Model: .onnx")->required();
  import->add_option("-o,--output", importOut, "Output .mlir ('-': stdout)")
      ->required();
  import->add_option("--shape", importShapes,
                     "Bind an input's shape: NAME=D0xD1x... (repeatable)");
  std::vector<std::string> importConstants;
  import->add_option("--constant", importConstants,
                     "Freeze an input to the value in a TensorProto file: "
                     "NAME=FILE.pb (repeatable)");
  import->add_flag("--emit-bytecode", bytecode, "Write MLIR bytecode");

  std::string inspectPath;
  bool inspectJson = false;
  auto *inspect = app.add_subcommand(
      "inspect", "Describe a bundle: model, functions with their inputs and "
                 "outputs, executables (units, CPU variants, sizes), "
                 "schedules by unit, compile options");
  inspect->add_option("bundle", inspectPath, "The .aimodel bundle")->required();
  inspect->add_flag("--json", inspectJson, "As one JSON object");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    app.exit(e);
    return kExitUsage;
  }
  if (inspect->parsed())
    return coreai::inspectBundle(inspectPath, inspectJson);

  for (const std::string &spec : imageInputs) {
    coreai::ImageInputSpec parsed;
    std::string err;
    if (!coreai::parseImageInputSpec(spec, parsed, err)) {
      std::cerr << "coreai-build: error: --image-input: " << err << "\n";
      return kExitUsage;
    }
  }

  coreai::ImportOptions importOptions;
  for (const std::string &s : compile->parsed() ? shapes : importShapes) {
    std::string err = parseShape(s, importOptions);
    if (!err.empty()) {
      std::cerr << "coreai-build: error: " << err << "\n";
      return kExitUsage;
    }
  }

  {
    for (const std::string &c :
         compile->parsed() ? constants : importConstants) {
      size_t eq = c.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == c.size()) {
        std::cerr
            << "coreai-build: error: --constant expects NAME=FILE.pb, got '"
            << c << "'\n";
        return kExitUsage;
      }
      importOptions.constants[c.substr(0, eq)] = c.substr(eq + 1);
    }
  }

  DialectRegistry registry;
  coreai::registerDialects(registry);
  coreai::registerPasses();
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  // Compilation is deterministic and single-threaded in the pass manager;
  // threads would not change results but cost more than they save on
  // small graphs.
  ctx.disableMultithreading();
  DiagnosticPrinter printer(ctx);

  const std::string &inputPath = compile->parsed() ? model : importModel;
  OwningOpRef<ModuleOp> module =
      coreai::importModelFile(inputPath, &ctx, importOptions);
  if (!module)
    return kExitBadInput;

  if (import->parsed()) {
    std::string err;
    auto out = openOutputFile(importOut, &err);
    if (!out) {
      std::cerr << importOut << ": error: " << err << "\n";
      return kExitBadInput;
    }
    if (bytecode) {
      if (failed(writeBytecodeToFile(*module, out->os())))
        return kExitBadInput;
    } else {
      module->print(out->os());
    }
    out->keep();
    return 0;
  }

  coreai::CompileOptions options;
  options.targets = splitTargets(targets);
  options.cpuArchs = splitTargets(cpuArchs);
  {
    std::set<std::string> seen;
    for (const std::string &arch : options.cpuArchs)
      if (!coreai::cpu::findCPUVariant(arch) || !seen.insert(arch).second) {
        std::cerr << "coreai-build: error: --cpu-arch: "
                  << (seen.count(arch)
                          ? "'" + arch + "' is listed twice"
                          : "unknown architecture '" + arch +
                                "' (known: " + coreai::knownCPUArchs() + ")")
                  << "\n";
        return kExitUsage;
      }
    if (options.cpuArchs.empty()) {
      std::cerr << "coreai-build: error: --cpu-arch: no architecture given\n";
      return kExitUsage;
    }
  }
  options.imageInputs = imageInputs;
  options.explainPlacement = explainPlacement;
  options.placement = placement;
  coreai::PlacementReport report;
  if (!reportPath.empty())
    options.report = &report;
  options.modelName = llvm::sys::path::stem(model).str();
  if (auto buf = llvm::MemoryBuffer::getFile(model)) {
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016llx",
                  (unsigned long long)llvm::xxh3_64bits(
                      llvm::arrayRefFromStringRef((*buf)->getBuffer())));
    options.sourceHash = hex;
  }
  // Only flags that shape the output, never paths, so bundles built in
  // different folders are byte-identical.
  options.commandLine = "--target " + targets + " --cpu-arch " + cpuArchs;
  if (placement != "cost")
    options.commandLine += " --placement " + placement;
  for (const std::string &spec : imageInputs)
    options.commandLine += " --image-input " + spec;
  options.aneArch = aneArch;
  if (llvm::is_contained(options.targets, "ane"))
    options.commandLine +=
        " --ane-arch " + llvm::sys::path::filename(aneArch).str();
  for (const auto &[name, file] : importOptions.constants) {
    // The value, not the path, shapes the output (it is hashed in).
    auto data = llvm::MemoryBuffer::getFile(file);
    options.commandLine += " --constant " + name + "=";
    if (data) {
      char hex[17];
      std::snprintf(hex, sizeof(hex), "%016llx",
                    (unsigned long long)llvm::xxh3_64bits(
                        llvm::arrayRefFromStringRef((*data)->getBuffer())));
      options.commandLine += hex;
    }
  }
  for (const auto &[name, dims] : importOptions.shapes) {
    options.commandLine += " --shape " + name + "=";
    for (size_t i = 0; i < dims.size(); ++i)
      options.commandLine += (i ? "x" : "") + std::to_string(dims[i]);
  }

  coreai::bundle::BundleContents contents;
  if (failed(coreai::compileModule(*module, options, contents)))
    return kExitBadInput;
  // The report first: a failed command leaves neither file behind.
  if (!reportPath.empty()) {
    std::string err = coreai::writePlacementReport(report, reportPath);
    if (!err.empty()) {
      std::cerr << reportPath << ": error: " << err << "\n";
      return kExitBadInput;
    }
  }
  std::string err = coreai::bundle::writeBundle(contents, output);
  if (!err.empty()) {
    if (!reportPath.empty())
      llvm::sys::fs::remove(reportPath);
    std::cerr << output << ": error: " << err << "\n";
    return kExitBadInput;
  }
  return 0;
}

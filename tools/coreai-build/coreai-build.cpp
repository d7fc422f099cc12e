//===- coreai-build.cpp - The compiler CLI --------------------------------===//
//
//   coreai-build compile MODEL -o OUT.aimodel [--target cpu] [--shape N=AxB]
//   coreai-build import  MODEL -o OUT.mlir    [--shape N=AxB]
//   coreai-build inspect BUNDLE [--json]
//
// Exit codes: 0 success, 1 bad input or unsupported model, 2 usage error.
// A failed compile leaves no file at -o (nor --report, --depfile): a stale
// bundle from an earlier run is removed, so a build never mistakes it for
// the result of this one.
//
//===----------------------------------------------------------------------===//
#include "BuildFiles.h"
#include "Diagnostics.h"
#include "Inspect.h"
#include "Progress.h"
#include "Report.h"
#include "Signing.h"
#include "tools/ToolVersion.h"

#include "lib/Import/Import.h"
#include "lib/Pipeline/Pipeline.h"
#include "lib/Transforms/ImageInputSpec.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/xxhash.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <new>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace mlir;

namespace {

constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;

/// Each input's shapes in the order given (--shape NAME=D0xD1x..., several
/// for an input with enumerated shapes).
using ShapeLists = std::map<std::string, std::vector<std::vector<int64_t>>>;

/// Parses NAME=D0xD1x... into `lists`; returns an error message.
std::string parseShape(const std::string &spec, ShapeLists &lists) {
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
  std::vector<std::vector<int64_t>> &list = lists[spec.substr(0, eq)];
  if (llvm::is_contained(list, dims))
    return "--shape " + spec + " is given twice";
  list.push_back(std::move(dims));
  return "";
}

/// The shape variants of enumerated shapes: variant K binds the K-th shape
/// of every input given several, and the one shape of the others. Returns
/// an error message.
std::string setShapeVariants(const ShapeLists &lists,
                             coreai::ImportOptions &opts) {
  size_t count = 1;
  std::string first; // an input with several shapes
  for (const auto &[name, list] : lists) {
    if (list.size() == 1)
      continue;
    if (count != 1 && list.size() != count)
      return "--shape gives " + std::to_string(count) + " shapes for '" +
             first + "' and " + std::to_string(list.size()) + " for '" + name +
             "': inputs with enumerated shapes list the same number, the "
             "K-th of each making variant K";
    count = list.size();
    first = name;
  }
  for (size_t k = 0; k < count; ++k) {
    std::map<std::string, std::vector<int64_t>> variant;
    for (const auto &[name, list] : lists)
      variant[name] = list[list.size() == 1 ? 0 : k];
    if (k == 0)
      opts.shapes = std::move(variant);
    else
      opts.moreShapeVariants.push_back(std::move(variant));
  }
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

/// --diagnostics-format, read before parsing so that usage errors follow it.
coreai::Diagnostics::Format diagnosticsFormat(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--diagnostics-format=json" ||
        (arg == "--diagnostics-format" && i + 1 < argc &&
         std::string(argv[i + 1]) == "json"))
      return coreai::Diagnostics::Format::Json;
  }
  return coreai::Diagnostics::Format::Text;
}

} // namespace

/// Out of memory (a model too large for this machine, or a limit such as
/// `ulimit -v`): one line and exit status 1, not an abort. Nothing is left
/// half-written: outputs are renamed into place only when complete.
[[noreturn]] void outOfMemory() {
  static const char message[] =
      "coreai-build: error: out of memory (see --max-tensor-bytes)\n";
  (void)!::write(2, message, sizeof(message) - 1);
  std::_Exit(1);
}

int main(int argc, char **argv) {
  std::set_new_handler(outOfMemory);
  llvm::install_bad_alloc_error_handler(
      [](void *, const char *, bool) { outOfMemory(); });
  coreai::Diagnostics diagnostics(diagnosticsFormat(argc, argv));
  CLI::App app{"coreai-build: ahead-of-time compiler for neural-network "
               "models (ONNX or aigraph MLIR -> .aimodel bundle)"};
  app.set_version_flag("--version", coreai::toolVersion("coreai-build"));
  app.require_subcommand(1);
  // The options below apply to every subcommand and may follow it.
  app.fallthrough();
  std::string diagnosticsFormatName = "text";
  app.add_option("--diagnostics-format", diagnosticsFormatName,
                 "text (default): 'file: node 'n' (Op, opset N): error: "
                 "message'; json: one JSON object per diagnostic and line "
                 "(severity, message, file, line, node, op_type, opset, "
                 "unit)")
      ->check(CLI::IsMember({"text", "json"}));
  bool quiet = false, verbose = false;
  app.add_flag("-q,--quiet", quiet,
               "No progress line (it is shown only when stderr is a "
               "terminal)");
  app.add_flag("-v,--verbose", verbose, "Print the time of each phase");

  std::string model, output, targets = "cpu";
  std::vector<std::string> shapes;
  auto *compile =
      app.add_subcommand("compile", "Compile a model into an .aimodel bundle");
  compile
      ->add_option("model", model,
                   "Model: .onnx, .mlir or .mlirbc ('-': read stdin)")
      ->required();
  compile->add_option("-o,--output", output, "Output bundle ('-': stdout)")
      ->required();
  compile->add_option("--target", targets,
                      "Comma-separated compute units to compile for: cpu, "
                      "gpu, ane (default cpu)");
  std::string aneArch = "ane-16c-4mb";
  compile->add_option("--ane-arch", aneArch,
                      "The neural engine for --target ane: ane-16c-4mb "
                      "(default), ane-8c-2mb, or a description .json");
  compile->add_option("--shape", shapes,
                      "Bind an input's shape: NAME=D0xD1x... (repeatable; "
                      "several for one input: enumerated shapes)");
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
  std::vector<std::string> states;
  compile
      ->add_option("--state", states,
                   "Keep a value between calls: INPUT=OUTPUT names an "
                   "input and the output of the same dtype and shape that "
                   "becomes its next value (a key/value cache, a recurrent "
                   "state); the runtime holds it in an InferenceState "
                   "instead of the caller passing it (repeatable)")
      ->allow_extra_args(false);
  std::vector<std::string> reportPaths;
  compile
      ->add_option("--report", reportPaths,
                   "Write where every op went and why: FILE.html, a "
                   "page with the graph coloured by unit, each op's "
                   "estimated cost, the placement reasons and the "
                   "scratch arena over the schedule; any other name, "
                   "JSON (each op with its source nodes, unit, the other "
                   "units' refusals and estimated times; partitions; "
                   "memory). Repeatable")
      ->allow_extra_args(false);
  bool stripDebug = false;
  compile->add_flag("--strip-debug", stripDebug,
                    "Leave the debug table out of the bundle: the graph, "
                    "the exporter's source locations, placement reasons and "
                    "estimates (steps keep their node names for traces and "
                    "profiles; coreai-run --profile-html needs the table)");
  std::vector<std::string> constants;
  compile->add_option("--constant", constants,
                      "Freeze an input to the value in a TensorProto file: "
                      "NAME=FILE.pb (repeatable); it is no longer an input");
  std::string debugTensors;
  compile->add_option("--debug-tensors", debugTensors,
                      "Keep the outputs of these nodes observable: all, or "
                      "comma-separated node names; adds MAIN.debug, a copy "
                      "of each function that also returns them (MAIN keeps "
                      "its fusions), for coreai-run --dump-tensors");
  std::string perturbNode;
  // Test-only, so not in --help: a known fault for coreai-debug's tests.
  compile->add_option("--test-perturb-node", perturbNode)->group("");
  std::string signKeyPath;
  compile->add_option("--sign", signKeyPath,
                      "Sign the bundle with the secret key in this file "
                      "(coreai-build keygen); runtimes that trust its public "
                      "key run it under --require-signature");
  std::string depfilePath;
  compile->add_option("--depfile", depfilePath,
                      "Write what the bundle was built from (the model, its "
                      "external data files, --constant files, the compiler) "
                      "as a Makefile rule, for Make and Ninja");

  // A limit on what a model may make, so a small crafted file cannot make
  // the compiler allocate without bound (both subcommands read models).
  uint64_t maxTensorBytes = coreai::ImportOptions().maxTensorBytes;
  for (CLI::App *command : {compile})
    command
        ->add_option("--max-tensor-bytes", maxTensorBytes,
                     "Refuse a model with a tensor (input, initializer, node "
                     "output) larger than this many bytes, at its node")
        ->capture_default_str();

  std::string importModel, importOut;
  std::vector<std::string> importShapes;
  bool bytecode = false;
  auto *import = app.add_subcommand(
      "import", "Import a model to aigraph MLIR (for inspection and tests)");
  import->add_option("model", importModel, "Model: .onnx ('-': read stdin)")
      ->required();
  import->add_option("-o,--output", importOut, "Output .mlir ('-': stdout)")
      ->required();
  import->add_option("--shape", importShapes,
                     "Bind an input's shape: NAME=D0xD1x... (repeatable)");
  std::vector<std::string> importConstants;
  import->add_option("--constant", importConstants,
                     "Freeze an input to the value in a TensorProto file: "
                     "NAME=FILE.pb (repeatable)");
  import->add_flag("--emit-bytecode", bytecode, "Write MLIR bytecode");
  import
      ->add_option("--max-tensor-bytes", maxTensorBytes,
                   "Refuse a model with a tensor larger than this many bytes")
      ->capture_default_str();

  std::string inspectPath;
  bool inspectJson = false;
  auto *inspect = app.add_subcommand(
      "inspect", "Describe a bundle: model, functions with their inputs and "
                 "outputs, executables (units, CPU variants, sizes), "
                 "schedules by unit, compile options");
  inspect->add_option("bundle", inspectPath, "The .aimodel bundle")->required();
  inspect->add_flag("--json", inspectJson, "As one JSON object");

  std::string keygenOut;
  bool keygenForce = false;
  auto *keygen = app.add_subcommand(
      "keygen", "Make an ed25519 key pair for signing bundles: KEY (secret, "
                "mode 0600) and KEY.pub (public, for the apps that trust "
                "you)");
  keygen->add_option("-o,--output", keygenOut, "The secret key file, KEY")
      ->required();
  keygen->add_flag("--force", keygenForce, "Replace existing key files");

  std::string signBundle, signKey, signOut;
  auto *sign = app.add_subcommand(
      "sign", "Sign a bundle after it was built (replacing a signature it "
              "has): CI jobs that keep the key apart from the build");
  sign->add_option("bundle", signBundle, "The .aimodel bundle")->required();
  sign->add_option("--key", signKey, "The secret key file")->required();
  sign->add_option("-o,--output", signOut,
                   "Where to write the signed bundle (default: in place)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    if (diagnosticsFormat(argc, argv) == coreai::Diagnostics::Format::Text)
      return app.exit(e), kExitUsage;
    diagnostics.error("", e.what());
    return kExitUsage;
  }
  if (inspect->parsed())
    return coreai::inspectBundle(inspectPath, inspectJson);
  if (keygen->parsed() || sign->parsed()) {
    coreai::SigningError e =
        keygen->parsed() ? coreai::generateKeyFiles(keygenOut, keygenForce)
                         : coreai::signBundleFile(signBundle, signKey, signOut);
    if (e.message.empty())
      return 0;
    diagnostics.error(e.file, e.message);
    return kExitBadInput;
  }

  // A failed compile leaves nothing at the output paths: not this run's
  // partial files (the writers rename complete files into place) and not an
  // earlier run's bundle, which a build could take for this one's.
  auto removeStaleOutputs = [&] {
    if (!compile->parsed())
      return;
    std::vector<std::string> paths = reportPaths;
    paths.push_back(output);
    paths.push_back(depfilePath);
    for (const std::string &path : paths)
      if (!path.empty() && path != "-" && !llvm::sys::fs::is_directory(path))
        llvm::sys::fs::remove(path);
  };

  auto usage = [&](const std::string &message) {
    diagnostics.error("", message);
    removeStaleOutputs();
    return kExitUsage;
  };
  for (const std::string &spec : imageInputs) {
    coreai::ImageInputSpec parsed;
    std::string err;
    if (!coreai::parseImageInputSpec(spec, parsed, err))
      return usage("--image-input: " + err);
  }
  for (const std::string &spec : states) {
    size_t eq = spec.find('=');
    if (eq == 0 || eq == std::string::npos || eq + 1 == spec.size() ||
        spec.find('=', eq + 1) != std::string::npos)
      return usage("--state: expected INPUT=OUTPUT, got '" + spec + "'");
  }
  if (compile->parsed() && output == "-" && !depfilePath.empty())
    return usage("--depfile needs a bundle file: -o - writes to stdout");
  // The key is read before compiling: a bad one fails at once.
  coreai::bundle::SecretKey signingKey;
  if (!signKeyPath.empty())
    if (coreai::SigningError e =
            coreai::readSecretKeyFile(signKeyPath, signingKey);
        !e.message.empty()) {
      diagnostics.error(e.file, e.message);
      removeStaleOutputs();
      return kExitBadInput;
    }

  coreai::ImportOptions importOptions;
  std::vector<std::string> dependencies;
  importOptions.dependencies = &dependencies;
  importOptions.maxTensorBytes = maxTensorBytes;
  ShapeLists shapeLists;
  for (const std::string &s : compile->parsed() ? shapes : importShapes) {
    std::string err = parseShape(s, shapeLists);
    if (!err.empty())
      return usage(err);
  }
  if (std::string err = setShapeVariants(shapeLists, importOptions);
      !err.empty())
    return usage(err);
  for (const std::string &c : compile->parsed() ? constants : importConstants) {
    size_t eq = c.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == c.size())
      return usage("--constant expects NAME=FILE.pb, got '" + c + "'");
    importOptions.constants[c.substr(0, eq)] = c.substr(eq + 1);
  }

  if (compile->parsed()) {
    importOptions.debugTensors = splitTargets(debugTensors);
    importOptions.perturbNode = perturbNode;
  }

  coreai::CompileOptions options;
  if (compile->parsed()) {
    options.targets = splitTargets(targets);
    options.cpuArchs = splitTargets(cpuArchs);
    std::set<std::string> seen;
    for (const std::string &arch : options.cpuArchs)
      if (!coreai::cpu::findCPUVariant(arch) || !seen.insert(arch).second)
        return usage("--cpu-arch: " +
                     (seen.count(arch)
                          ? "'" + arch + "' is listed twice"
                          : "unknown architecture '" + arch +
                                "' (known: " + coreai::knownCPUArchs() + ")"));
    if (options.cpuArchs.empty())
      return usage("--cpu-arch: no architecture given");
  }

  // Progress on a terminal; timings with -v; neither in JSON mode.
  bool json = diagnosticsFormatName == "json";
  coreai::Progress progress(!quiet && !json && isatty(STDERR_FILENO) &&
                                compile->parsed(),
                            verbose && !json, diagnostics);
  diagnostics.setBeforePrint([&] { progress.clearLine(); });

  DialectRegistry registry;
  coreai::registerDialects(registry);
  coreai::registerPasses();
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  // Compilation is deterministic and single-threaded in the pass manager;
  // threads would not change results but cost more than they save on
  // small graphs.
  ctx.disableMultithreading();
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    diagnostics.print(diag);
    return success();
  });

  const std::string &inputPath = compile->parsed() ? model : importModel;
  progress.beginPhase("import", "", 0);
  std::string sourceHash;
  OwningOpRef<ModuleOp> module;
  if (inputPath == "-") {
    module = coreai::importModelFromStdin(&ctx, importOptions, "<stdin>",
                                          sourceHash);
  } else {
    module = coreai::importModelFile(inputPath, &ctx, importOptions);
    sourceHash = coreai::fileHash(inputPath);
  }
  if (!module) {
    progress.finish();
    removeStaleOutputs();
    return kExitBadInput;
  }

  if (import->parsed()) {
    progress.finish();
    std::string err;
    auto out = openOutputFile(importOut, &err);
    if (!out) {
      diagnostics.error(importOut, err);
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

  options.imageInputs = imageInputs;
  options.states = states;
  options.explainPlacement = explainPlacement;
  options.placement = placement;
  coreai::PlacementReport report;
  options.report = &report;
  options.stripDebug = stripDebug;
  options.observer = &progress;
  options.modelName =
      inputPath == "-" ? "model" : llvm::sys::path::stem(model).str();
  options.sourceHash = sourceHash;
  // Only flags that shape the output, never paths, so bundles built in
  // different folders are byte-identical.
  options.commandLine = "--target " + targets + " --cpu-arch " + cpuArchs;
  if (placement != "cost")
    options.commandLine += " --placement " + placement;
  for (const std::string &spec : imageInputs)
    options.commandLine += " --image-input " + spec;
  for (const std::string &spec : states)
    options.commandLine += " --state " + spec;
  options.aneArch = aneArch;
  if (llvm::is_contained(options.targets, "ane"))
    options.commandLine +=
        " --ane-arch " + llvm::sys::path::filename(aneArch).str();
  // The value, not the path, shapes the output (it is hashed in).
  for (const auto &[name, file] : importOptions.constants)
    options.commandLine += " --constant " + name + "=" + coreai::fileHash(file);
  if (!debugTensors.empty())
    options.commandLine += " --debug-tensors " + debugTensors;
  if (!perturbNode.empty())
    options.commandLine += " --test-perturb-node " + perturbNode;
  for (const auto &[name, list] : shapeLists)
    for (const std::vector<int64_t> &dims : list) {
      options.commandLine += " --shape " + name + "=";
      for (size_t i = 0; i < dims.size(); ++i)
        options.commandLine += (i ? "x" : "") + std::to_string(dims[i]);
    }

  coreai::bundle::BundleContents contents;
  if (failed(coreai::compileModule(*module, options, contents))) {
    progress.finish();
    removeStaleOutputs();
    return kExitBadInput;
  }
  progress.beginPhase("write bundle", "", 0);
  auto fail = [&](const std::string &file, const std::string &message) {
    progress.finish();
    diagnostics.error(file, message);
    removeStaleOutputs();
    return kExitBadInput;
  };
  // The report first: a failed command leaves neither file behind.
  for (const std::string &reportPath : reportPaths) {
    std::string err =
        coreai::isHtmlReportPath(reportPath)
            ? coreai::writeCompileHtmlReport(report, contents, reportPath)
            : coreai::writePlacementReport(report, reportPath);
    if (!err.empty())
      return fail(reportPath, err);
  }
  if (!signKeyPath.empty()) {
    // Signed: assembled in memory, signed, then written as one piece.
    if (std::string err = coreai::bundle::checkBundleContents(contents);
        !err.empty())
      return fail(output == "-" ? "" : output, err);
    std::vector<uint8_t> bytes = coreai::bundle::serializeBundle(contents);
    if (std::string err = coreai::bundle::signBundleBytes(bytes, signingKey);
        !err.empty())
      return fail(signKeyPath, err);
    std::string err = output == "-"
                          ? coreai::writeToStdout(bytes)
                          : coreai::bundle::writeBundleBytes(bytes, output);
    if (!err.empty())
      return fail(output == "-" ? "" : output, err);
  } else if (output == "-") {
    std::string err =
        coreai::writeToStdout(coreai::bundle::serializeBundle(contents));
    if (!err.empty())
      return fail("", err);
  } else {
    std::string err = coreai::bundle::writeBundle(contents, output);
    if (!err.empty())
      return fail(output, err);
  }
  if (!depfilePath.empty()) {
    // What a build must watch: the model, what it pulled in, the engine
    // description when it is a file, and this compiler itself.
    std::vector<std::string> deps;
    if (inputPath != "-")
      deps.push_back(inputPath);
    deps.insert(deps.end(), dependencies.begin(), dependencies.end());
    for (const auto &[name, file] : importOptions.constants)
      if (!llvm::is_contained(deps, file))
        deps.push_back(file);
    if (llvm::is_contained(options.targets, "ane") &&
        llvm::StringRef(aneArch).ends_with(".json"))
      deps.push_back(aneArch);
    std::string self = llvm::sys::fs::getMainExecutable(
        argv[0], reinterpret_cast<void *>(&diagnosticsFormat));
    if (!self.empty())
      deps.push_back(self);
    std::string err = coreai::writeDepFile(depfilePath, output, deps);
    if (!err.empty())
      return fail(depfilePath, err);
  }
  progress.finish();
  return 0;
}

//===- coreai-debug.cpp - Where a bundle's numbers go wrong ---------------===//
//
//   coreai-debug compare BUNDLE --reference REF --input FILE... [--compute U]
//   coreai-debug compare BUNDLE --reference ort --model MODEL.onnx --input ...
//
// Runs BUNDLE's debug function (coreai-build compile --debug-tensors) and a
// reference, and reports, in graph order, the first node whose output
// differs beyond the tolerance, with the unit it ran on:
//   first divergence: /2/Conv (Conv) output '...' on gpu: 3 of 10 elements ...
// REF is ONNX Runtime (`ort`: the model's every node output, through
// scripts/onnx-reference.js), another bundle compiled with --debug-tensors
// (e.g. for the CPU alone, run with --reference-compute) or a folder written
// by coreai-run --dump-tensors.
//
// Exit codes: 0 nothing diverges, 1 something does (or bad input), 2 usage.
//
//===----------------------------------------------------------------------===//
#include "coreai/Executors.h"
#include "coreai/ModelAsset.h"
#include "coreai/TensorIO.h"
#include "tools/ToolVersion.h"
#include "tools/coreai-debug/OrtReference.h"
#include "tools/coreai-run/Compare.h"
#include "tools/coreai-run/TensorDump.h"
#include "tools/coreai-run/ToolOptions.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

using namespace coreai;
using namespace coreai::runtime;

namespace {

constexpr int kExitDiverged = 1;
constexpr int kExitUsage = 2;

struct Failure {
  std::string file, message;
};

std::vector<run::IntermediateTensor>
runBundle(const std::string &path, const std::string &compute,
          const std::string &function, const std::vector<NDArray> &inputs) {
  try {
    ModelAsset asset = ModelAsset::open(path);
    Model model = asset.specialize(run::specializationFor(compute));
    return run::runDebugFunction(asset, model, function, inputs);
  } catch (const AssetError &e) {
    throw Failure{path, e.message()};
  }
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"coreai-debug: finds where a bundle's numbers go wrong"};
  app.set_version_flag("--version", toolVersion("coreai-debug"));
  app.require_subcommand(1);
  std::string bundle, reference, compute = "all", referenceCompute = "cpu",
                                 function = "main";
  std::vector<std::string> inputFiles;
  run::Tolerance tolerance{-1, -1};
  bool all = false;
  auto *compare = app.add_subcommand(
      "compare", "Report the first node whose output differs from a "
                 "reference, in graph order");
  compare
      ->add_option("bundle", bundle, "A bundle compiled with --debug-tensors")
      ->required();
  compare
      ->add_option("--reference", reference,
                   "ort (ONNX Runtime, with --model), another bundle "
                   "compiled with --debug-tensors, or a folder written by "
                   "coreai-run --dump-tensors")
      ->required();
  debug::OrtOptions ort;
  compare->add_option("--model", ort.model,
                      "The ONNX model, for --reference ort");
  const char *ortDir = std::getenv("COREAI_ORT_DIR");
  ort.ortDir = ortDir ? ortDir : COREAI_DEFAULT_ORT_DIR;
  compare->add_option("--ort-dir", ort.ortDir,
                      "A folder with node_modules/onnxruntime-node (default "
                      "$COREAI_ORT_DIR, else where scripts/bench installs "
                      "it)");
  ort.script = COREAI_ORT_SCRIPT;
  compare->add_option("--ort-script", ort.script, "scripts/onnx-reference.js");
  std::string keep;
  compare->add_option("--keep-reference", keep,
                      "Keep ONNX Runtime's values in this folder (default: "
                      "a temporary one, removed)");
  compare->add_option("--input", inputFiles, "Input tensors (.npy or .pb)")
      ->allow_extra_args(false);
  compare
      ->add_option("--compute", compute,
                   "Units for BUNDLE: cpu, gpu, ane or all (default)")
      ->check(CLI::IsMember({"cpu", "gpu", "ane", "all"}));
  compare
      ->add_option("--reference-compute", referenceCompute,
                   "Units for a reference bundle (default cpu)")
      ->check(CLI::IsMember({"cpu", "gpu", "ane", "all"}));
  compare->add_option("--function", function, "Function (default main)");
  compare->add_option("--atol", tolerance.atol,
                      "Absolute tolerance (default 1e-4; 1e-2 with "
                      "--compute ane, the engine computes in fp16)");
  compare->add_option("--rtol", tolerance.rtol,
                      "Relative tolerance (default 1e-3; 1e-2 with "
                      "--compute ane)");
  compare->add_flag("--all", all, "Print the error of every node");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  bool fp16 = compute == "ane";
  if (tolerance.atol < 0)
    tolerance.atol = fp16 ? 1e-2 : 1e-4;
  if (tolerance.rtol < 0)
    tolerance.rtol = fp16 ? 1e-2 : 1e-3;

  try {
    registerCpuExecutor();
    registerGpuExecutor();
    registerAneExecutor();
    std::vector<NDArray> inputs;
    for (const std::string &file : inputFiles) {
      try {
        inputs.push_back(readTensorFile(file));
      } catch (const TensorFileError &e) {
        throw Failure{file, e.what()};
      }
    }
    std::vector<run::IntermediateTensor> got =
        runBundle(bundle, compute, function, inputs);
    std::vector<run::IntermediateTensor> want;
    if (reference == "ort") {
      if (ort.model.empty())
        throw Failure{"", "--reference ort needs --model MODEL.onnx"};
      ort.inputs = inputFiles;
      std::string dir = keep;
      if (dir.empty()) {
        char pattern[] = "/tmp/coreai-debug-XXXXXX";
        if (!mkdtemp(pattern))
          throw Failure{"", "cannot create a temporary folder"};
        dir = pattern;
      }
      std::string err = debug::runOrtReference(ort, dir);
      if (err.empty())
        want = run::readIntermediateTensors(dir);
      if (keep.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
      }
      if (!err.empty())
        throw Failure{"", err};
    } else if (std::filesystem::is_directory(reference)) {
      try {
        want = run::readIntermediateTensors(reference);
      } catch (const std::runtime_error &e) {
        throw Failure{"", e.what()};
      }
    } else {
      want = runBundle(reference, referenceCompute, function, inputs);
    }
    std::map<std::string, const run::IntermediateTensor *> byValue;
    for (const run::IntermediateTensor &t : want)
      byValue.emplace(t.value, &t);

    size_t compared = 0, missing = 0;
    const run::IntermediateTensor *first = nullptr;
    run::Comparison firstComparison;
    for (const run::IntermediateTensor &t : got) {
      auto it = byValue.find(t.value);
      if (it == byValue.end()) {
        ++missing;
        if (all)
          std::cout << t.node << " (" << t.opType << "): not in the "
                    << "reference\n";
        continue;
      }
      ++compared;
      run::Comparison c = run::compare(t.array, it->second->array, tolerance);
      if (all)
        std::cout << t.node << " (" << t.opType << ") on "
                  << (t.unit.empty() ? "?" : t.unit)
                  << ": max_abs_err=" << fmt(c.maxAbsErr)
                  << (c.ok ? " ok" : " DIVERGES: " + c.detail) << "\n";
      if (!c.ok && !first) {
        first = &t;
        firstComparison = c;
      }
    }
    std::string tol =
        "atol " + fmt(tolerance.atol) + ", rtol " + fmt(tolerance.rtol);
    if (first) {
      std::cout << "first divergence: " << first->node << " (" << first->opType
                << ") output '" << first->value << "' on "
                << (first->unit.empty() ? "an unknown unit" : first->unit)
                << ": " << firstComparison.detail
                << " (max_abs_err=" << fmt(firstComparison.maxAbsErr) << ", "
                << tol << ")"
                << (first->location.empty() ? ""
                                            : "; source " + first->location)
                << "\n";
      // On an fp16 unit, how the error compares with rounding at the
      // tensor's scale: a few units in the last place are fp16 storage
      // accumulating through the layers, far more is a wrong result.
      if (compute == "ane" && firstComparison.maxAbsWant > 0)
        std::cout << "  fp16 scale: the error is "
                  << fmt(firstComparison.maxAbsErr /
                         run::fp16Ulp(firstComparison.maxAbsWant))
                  << " fp16 ulps at the tensor's largest magnitude "
                  << fmt(firstComparison.maxAbsWant) << "\n";
      return kExitDiverged;
    }
    if (compared == 0)
      throw Failure{reference, "has none of the bundle's " +
                                   std::to_string(got.size()) +
                                   " intermediate tensors"};
    std::cout << "no divergence: " << compared << " tensors within " << tol;
    if (missing)
      std::cout << " (" << missing << " not in the reference)";
    std::cout << "\n";
    return 0;
  } catch (const Failure &f) {
    std::cerr << "coreai-debug: " << (f.file.empty() ? "" : f.file + ": ")
              << "error: " << f.message << "\n";
    return kExitDiverged;
  } catch (const std::exception &e) {
    std::cerr << "coreai-debug: error: " << e.what() << "\n";
    return kExitDiverged;
  }
}

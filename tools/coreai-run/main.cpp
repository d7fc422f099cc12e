//===- coreai-run - Runs a compiled .aimodel bundle -----------------------===//
//
//   coreai-run BUNDLE [--compute cpu] [--function main]
//              --input FILE [--input FILE]... [--output-dir DIR]
//              [--expect FILE]... [--atol A] [--rtol R]
//              [--benchmark N [--threads T]] [--print]
//              [--cache-dir DIR | --no-cache]
//   coreai-run cache list|clear|remove BUNDLE [--cache-dir DIR]
//
// Inputs and references are .npy or ONNX TensorProto .pb files, in the order
// of the function's inputs/outputs; outputs are written as DIR/output_K.npy.
// Exit status: 0 success, 1 failure (bad file, unsupported, mismatch),
// 2 usage error. Every failure is one line on stderr naming the file.
//
//===----------------------------------------------------------------------===//
#include "coreai/ModelAsset.h"
#include "coreai/ModelCache.h"
#include "coreai/TensorIO.h"
#include "lib/Bundle/BundleReader.h"
#include "lib/Bundle/Shape.h"
#include "lib/Bundle/SourceNodes.h"
#include "lib/Report/ModelReport.h"
#include "lib/Runtime/ANE/AneExecutor.h"
#include "lib/Runtime/CPU/CpuExecutor.h"
#include "lib/Runtime/GPU/GpuExecutor.h"
#include "lib/Runtime/Timing.h"
#include "tools/ToolVersion.h"
#include "tools/coreai-run/CacheCommand.h"
#include "tools/coreai-run/Compare.h"
#include "tools/coreai-run/Profile.h"
#include "tools/coreai-run/TensorDump.h"
#include "tools/coreai-run/ToolOptions.h"
#include "tools/coreai-run/Values.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sys/resource.h>

using namespace coreai;
using namespace coreai::runtime;

namespace {

struct Options {
  std::string bundle;
  std::string compute;
  int gpuDevice = -1;
  std::string cacheDir = ModelCache::defaultDirectory();
  bool noCache = false;
  uint64_t cacheMaxBytes = ModelCache::kDefaultMaxBytes;
  std::string trace;
  std::string dumpDir;
  std::string dumpTensorsDir;
  int profile = 0;
  std::string profileHtml;
  std::string function = "main";
  std::vector<std::string> inputs;
  std::string outputDir;
  std::vector<std::string> expects;
  run::Tolerance tolerance;
  int benchmark = 0;
  int threads = 0; // 0: one per core
  std::string cpuVariant;
  bool print = false;
  std::string trustPolicy = "allow-unsigned";
  std::vector<std::string> trustedKeys;
};

/// A failure to report: `file` is what it is about (empty for none).
struct Failure {
  std::string file;
  std::string message;
};

std::string quoted(const std::string &s) { return "'" + s + "'"; }

std::string formatNumber(double v, const char *fmt = "%.3g") {
  char buf[32];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

/// Reads one tensor file; failures name the file.
NDArray readTensor(const std::string &path) {
  try {
    return readTensorFile(path);
  } catch (const TensorFileError &e) {
    throw Failure{path, e.what()};
  }
}

void printValues(size_t index, const TensorDescriptor &desc,
                 const NDArray &array) {
  constexpr uint64_t kShown = 16;
  std::string line = "output " + std::to_string(index) + " " +
                     quoted(desc.name) + " " +
                     bundle::formatType(array.dtype(), array.shape()) + ":";
  uint64_t n = array.elementCount();
  for (uint64_t i = 0; i < std::min(n, kShown); ++i)
    line += " " + formatNumber(run::doubleAt(array, i), "%.6g");
  if (n > kShown)
    line += " ... (" + std::to_string(n - kShown) + " more)";
  std::cout << line << "\n";
}

/// Compares outputs with --expect references; prints one line per output.
/// Returns the number of mismatching outputs.
size_t checkExpectations(const Options &opts, const FunctionDescriptor &desc,
                         const std::vector<NDArray> &outputs) {
  if (opts.expects.size() > outputs.size())
    throw Failure{opts.bundle, std::to_string(opts.expects.size()) +
                                   " --expect files given, but function " +
                                   quoted(desc.name) + " has " +
                                   std::to_string(outputs.size()) + " outputs"};
  size_t failed = 0;
  for (size_t k = 0; k < opts.expects.size(); ++k) {
    NDArray want = readTensor(opts.expects[k]);
    run::Comparison c = run::compare(outputs[k], want, opts.tolerance);
    std::cout << "output " << k << " " << quoted(desc.outputs[k].name)
              << ": max_abs_err=" << formatNumber(c.maxAbsErr)
              << (c.ok ? " ok" : " MISMATCH (" + c.detail + ")") << "\n";
    failed += !c.ok;
  }
  return failed;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

nlohmann::ordered_json benchmark(const Options &opts, unsigned threads,
                                 const std::string &cpuVariant,
                                 const InferenceFunction &fn,
                                 const std::vector<NDArray> &inputs,
                                 std::vector<NDArray> &outputs) {
  std::vector<double> times;
  times.reserve(opts.benchmark);
  for (int i = 0; i < opts.benchmark; ++i) {
    Stopwatch watch;
    fn.run(inputs, outputs);
    times.push_back(watch.millis());
  }
  double sum = 0;
  for (double t : times)
    sum += t;
  double mean = sum / times.size();
  double var = 0;
  for (double t : times)
    var += (t - mean) * (t - mean);
  nlohmann::ordered_json j;
  j["function"] = opts.function;
  j["compute"] = computeUnitName(fn.unit());
  j["iterations"] = opts.benchmark;
  j["threads"] = threads;
  j["cpu_variant"] = cpuVariant;
  j["median_ms"] = median(times);
  j["min_ms"] = *std::min_element(times.begin(), times.end());
  j["max_ms"] = *std::max_element(times.begin(), times.end());
  j["mean_ms"] = mean;
  j["stddev_ms"] = std::sqrt(var / times.size());
  return j;
}

/// The debug table of `function` (empty when stripped or absent).
const std::vector<bundle::DebugEntry> &debugTable(const ModelAsset &asset,
                                                  const std::string &function) {
  static const std::vector<bundle::DebugEntry> none;
  for (const bundle::FunctionInfo &f : asset.bundle().functions())
    if (f.name == function)
      return f.debug;
  return none;
}

/// Chrome trace-event JSON (Perfetto, chrome://tracing): one complete event
/// per dispatch, times relative to the first.
void writeTrace(const std::string &path, const std::vector<TraceEvent> &events,
                unsigned cpuWorkers,
                const std::map<std::string, std::string> &locations) {
  double origin = events.empty() ? 0 : events.front().startUs;
  for (const TraceEvent &e : events)
    origin = std::min(origin, e.startUs);
  nlohmann::ordered_json list = nlohmann::json::array();
  for (const TraceEvent &e : events) {
    nlohmann::ordered_json j;
    // Named after the source op type ("conv1 (Conv, opset 17)" -> "Conv"),
    // else the kernel.
    std::vector<bundle::SourceNode> nodes = bundle::parseSourceNodes(e.source);
    j["name"] =
        nodes.empty() || nodes[0].opType.empty() ? e.name : nodes[0].opType;
    j["cat"] = e.unit;
    j["ph"] = "X";
    j["ts"] = e.startUs - origin;
    j["dur"] = e.durationUs;
    j["pid"] = 1;
    // Tracks: one per CPU worker (tid 1 + worker), then the GPU and the
    // engine.
    std::optional<ComputeUnit> unit = parseComputeUnit(e.unit);
    j["tid"] = unit == ComputeUnit::CPU   ? 1 + e.worker
               : unit == ComputeUnit::GPU ? 1 + cpuWorkers
                                          : 2 + cpuWorkers;
    j["args"] = {{"unit", e.unit},
                 {"source", e.source},
                 {"kernel", e.name},
                 {"step", e.step}};
    // Where its nodes came from in the exporter's program, when known.
    std::string where;
    for (const bundle::SourceNode &n : nodes) {
      auto it = locations.find(n.node);
      if (it != locations.end() && where.find(it->second) == std::string::npos)
        where += (where.empty() ? "" : "; ") + it->second;
    }
    if (!where.empty())
      j["args"]["location"] = where;
    list.push_back(std::move(j));
  }
  // Track names (metadata events).
  auto name = [&](unsigned tid, const std::string &title) {
    nlohmann::ordered_json j;
    j["name"] = "thread_name";
    j["ph"] = "M";
    j["pid"] = 1;
    j["tid"] = tid;
    j["args"] = {{"name", title}};
    list.push_back(std::move(j));
  };
  for (unsigned w = 0; w < cpuWorkers; ++w)
    name(1 + w, w == 0 ? "cpu worker 0 (calling thread)"
                       : "cpu worker " + std::to_string(w));
  name(1 + cpuWorkers, "gpu");
  name(2 + cpuWorkers, "ane (simulated)");
  nlohmann::ordered_json root;
  root["traceEvents"] = std::move(list);
  root["displayTimeUnit"] = "ms";
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    // Node names come from the model and need not be UTF-8.
    out << root.dump(1, ' ', false, nlohmann::json::error_handler_t::replace)
        << "\n";
    if (!out)
      throw Failure{path, "cannot write the trace"};
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    throw Failure{path, "cannot write the trace: " + ec.message()};
}

/// Writes every executable of the bundle to DIR/executable_<i>.<ext>, for
/// inspection and validation (spirv-val, readelf), one line each on stdout.
int dumpExecutables(const ModelAsset &asset, const std::string &dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw Failure{dir, "cannot create directory: " + ec.message()};
  const bundle::BundleFile &file = asset.bundle();
  for (size_t i = 0; i < file.executables().size(); ++i) {
    const bundle::ExecutableInfo &exe = file.executables()[i];
    const bundle::SegmentInfo &seg = file.segments()[exe.segment];
    std::string ext = exe.format == "spirv"                ? "spv"
                      : exe.format == "elf-shared-object"  ? "so"
                      : exe.format == "ane-command-stream" ? "anecs"
                                                           : "bin";
    std::string path = (std::filesystem::path(dir) /
                        ("executable_" + std::to_string(i) + "." + ext))
                           .string();
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char *>(seg.data), seg.size);
    if (!out)
      throw Failure{path, "cannot write the executable"};
    std::string needs;
    for (const std::string &n : exe.needs)
      needs += (needs.empty() ? " needs " : ",") + n;
    std::cout << path << ": " << exe.unit << " " << exe.arch << " "
              << exe.format << ", " << seg.size << " bytes" << needs << "\n";
  }
  return 0;
}

int runBundle(const Options &opts) {
  registerCpuExecutor();
  registerGpuExecutor();
  registerAneExecutor();

  ModelAsset asset = [&] {
    try {
      return ModelAsset::open(opts.bundle);
    } catch (const AssetError &e) {
      throw Failure{opts.bundle, e.message()};
    }
  }();

  if (!opts.dumpDir.empty())
    return dumpExecutables(asset, opts.dumpDir);

  SpecializationOptions spec = run::specializationFor(opts.compute);
  spec.gpuDevice = opts.gpuDevice;
  if (!opts.noCache && !opts.cacheDir.empty())
    spec.cache =
        std::make_shared<ModelCache>(opts.cacheDir, opts.cacheMaxBytes);
  spec.threads = (unsigned)opts.threads;
  spec.cpuVariant = opts.cpuVariant;
  spec.trust = opts.trustPolicy == "require-signature"
                   ? TrustPolicy::RequireSignature
               : opts.trustPolicy == "no-unsigned-native-code"
                   ? TrustPolicy::NoUnsignedNativeCode
                   : TrustPolicy::AllowUnsigned;
  try {
    spec.trustedKeys = defaultTrustedKeys();
    for (const std::string &path : opts.trustedKeys)
      spec.trustedKeys.push_back(readTrustedKey(path));
  } catch (const AssetError &e) {
    throw Failure{"", e.message()};
  }
  // Looking the function up before specializing reports a typo as such, not
  // as a failure to load some other function's executable.
  Model model = [&] {
    try {
      asset.functionDescriptor(opts.function);
      return asset.specialize(spec);
    } catch (const AssetError &e) {
      throw Failure{opts.bundle, e.message()};
    }
  }();
  InferenceFunction fn = model.function(opts.function);
  const FunctionDescriptor &desc = fn.descriptor();

  if (opts.inputs.size() != desc.inputs.size()) {
    std::string names;
    for (const TensorDescriptor &t : desc.inputs)
      names += (names.empty() ? "" : ", ") + quoted(t.name);
    throw Failure{opts.bundle,
                  "function " + quoted(desc.name) + " takes " +
                      std::to_string(desc.inputs.size()) +
                      (desc.inputs.size() == 1 ? " input (" : " inputs (") +
                      names + "), but " + std::to_string(opts.inputs.size()) +
                      " --input files were given"};
  }
  std::vector<NDArray> inputs;
  for (size_t i = 0; i < opts.inputs.size(); ++i) {
    inputs.push_back(readTensor(opts.inputs[i]));
    if (std::string err = fn.checkInput(i, inputs.back()); !err.empty())
      throw Failure{opts.inputs[i], err};
  }

  // The first run produces the outputs and warms up for --benchmark.
  std::vector<NDArray> outputs;
  std::vector<TraceEvent> trace;
  try {
    fn.run(inputs, outputs);
    // Traced on a second run: the first includes one-time work (e.g. a
    // driver compiling shaders on first use).
    if (!opts.trace.empty())
      fn.run(inputs, outputs, &trace);
  } catch (const AssetError &e) {
    throw Failure{opts.bundle, e.message()};
  }
  if (!opts.trace.empty())
    writeTrace(opts.trace, trace, model.threads(),
               bundle::sourceLocations(debugTable(asset, opts.function)));
  if (opts.profile > 0 || !opts.profileHtml.empty()) {
    const std::vector<bundle::DebugEntry> &debug =
        debugTable(asset, opts.function);
    report::Profile profile;
    try {
      profile = run::measureProfile(fn, inputs, outputs,
                                    opts.profile > 0 ? opts.profile : 10);
    } catch (const AssetError &e) {
      throw Failure{opts.bundle, e.message()};
    }
    if (opts.profile > 0)
      run::printProfile(std::cout, opts.function, profile, debug, /*top=*/15);
    if (!opts.profileHtml.empty()) {
      if (debug.empty())
        throw Failure{opts.bundle,
                      "has no debug table for function " +
                          quoted(opts.function) +
                          " (compiled with --strip-debug?): the report "
                          "needs its ops"};
      report::Page page;
      page.title = asset.bundle().metadata().name;
      page.producer = asset.bundle().metadata().producer;
      page.options = asset.bundle().metadata().compileOptions;
      page.context = "profile: " + fn.placement();
      report::FunctionView view;
      view.name = opts.function;
      view.debug = &debug;
      view.scheduleIndex = fn.scheduleIndex();
      for (const bundle::FunctionInfo &f : asset.bundle().functions())
        if (f.name == opts.function && view.scheduleIndex >= 0 &&
            size_t(view.scheduleIndex) < f.schedule.size())
          view.schedule = &f.schedule[view.scheduleIndex];
      view.profile = &profile;
      page.functions.push_back(view);
      if (std::string err = report::writeHtml(page, opts.profileHtml);
          !err.empty())
        throw Failure{opts.profileHtml, err};
      std::cout << "wrote the profile report to " << opts.profileHtml << "\n";
    }
  }
  if (!opts.dumpTensorsDir.empty()) {
    try {
      std::vector<run::IntermediateTensor> tensors =
          run::runDebugFunction(asset, model, opts.function, inputs);
      run::writeIntermediateTensors(tensors, opts.dumpTensorsDir);
      std::cout << "wrote " << tensors.size() << " intermediate tensors to "
                << opts.dumpTensorsDir << "\n";
    } catch (const AssetError &e) {
      throw Failure{opts.bundle, e.message()};
    } catch (const std::runtime_error &e) {
      throw Failure{"", e.what()};
    }
  }

  if (!opts.outputDir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(opts.outputDir, ec);
    if (ec)
      throw Failure{opts.outputDir, "cannot create directory: " + ec.message()};
    for (size_t k = 0; k < outputs.size(); ++k) {
      std::string path = (std::filesystem::path(opts.outputDir) /
                          ("output_" + std::to_string(k) + ".npy"))
                             .string();
      try {
        writeNpy(path, outputs[k]);
      } catch (const TensorFileError &e) {
        throw Failure{path, e.what()};
      }
    }
  }
  if (opts.print)
    for (size_t k = 0; k < outputs.size(); ++k)
      printValues(k, desc.outputs[k], outputs[k]);

  if (size_t failed = checkExpectations(opts, desc, outputs)) {
    std::cout.flush();
    throw Failure{opts.bundle, std::to_string(failed) + " of " +
                                   std::to_string(opts.expects.size()) +
                                   " outputs mismatch the expected values"};
  }

  if (opts.benchmark > 0) {
    nlohmann::ordered_json j = benchmark(
        opts, model.threads(), model.cpuVariant(), fn, inputs, outputs);
    j["open_ms"] = asset.openMillis();
    j["specialize_ms"] = model.specializationMillis();
    j["cache"] = model.cacheUse();
    // A second specialization of the same bundle while the first is alive,
    // as an app that reloads a model: it reuses what the first prepared
    // (e.g. GPU pipelines).
    try {
      j["specialize_warm_ms"] = asset.specialize(spec).specializationMillis();
    } catch (const AssetError &e) {
      throw Failure{opts.bundle, e.message()};
    }
    j["placement"] = fn.placement();
    j["arena_bytes"] = fn.arenaBytes();
    // Peak resident memory of the whole process (bundle mapping, runtime,
    // arena, inputs and outputs), as the OS counts it.
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    j["peak_rss_bytes"] = (uint64_t)usage.ru_maxrss * 1024;
    // The neural engine is simulated: its latency is the cycle model's.
    // Rounded to the nanosecond, below any clock's cycle.
    if (double ms = fn.simulatedEngineMillis(); ms >= 0)
      j["ane_estimated_ms"] = std::round(ms * 1e6) / 1e6;
    std::cout << j.dump() << std::endl;
  }
  return 0;
}

/// A CLI11 validator for integers >= 1.
std::string positiveInteger(const std::string &s) {
  try {
    size_t used = 0;
    long v = std::stol(s, &used);
    if (used == s.size() && v >= 1 && v <= INT32_MAX)
      return "";
  } catch (const std::exception &) {
  }
  return "must be a positive integer, got '" + s + "'";
}

std::string nonNegativeNumber(const std::string &s) {
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used == s.size() && v >= 0)
      return "";
  } catch (const std::exception &) {
  }
  return "must be a non-negative number, got '" + s + "'";
}

} // namespace

int main(int argc, char **argv) {
  if (argc > 1 && std::string(argv[1]) == "cache")
    return run::cacheCommand(argc - 1, argv + 1);
  Options opts;
  CLI::App app{"Runs a compiled .aimodel bundle on .npy / TensorProto .pb "
               "inputs.",
               "coreai-run"};
  app.set_version_flag("--version", coreai::toolVersion("coreai-run"));
  app.add_option("bundle", opts.bundle, "The .aimodel bundle")->required();
  app.add_option("--compute", opts.compute,
                 "cpu: the CPU only; gpu: the GPU (and the CPU for what the "
                 "GPU cannot run), failing if there is no usable GPU; ane: "
                 "the simulated neural engine (and the CPU for the rest), "
                 "failing if the bundle has no engine code; all "
                 "(default): every available unit the bundle has code for")
      ->check(CLI::IsMember({"cpu", "gpu", "ane", "all"}));
  app.add_option("--gpu-device", opts.gpuDevice,
                 "Vulkan device index (default: the first with compute)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--cache-dir", opts.cacheDir,
                 "Keep specialized artifacts (CPU code, GPU pipeline caches) "
                 "in this folder between runs (default: "
                 "$XDG_CACHE_HOME/coreai, else ~/.cache/coreai; see "
                 "coreai-run cache --help)");
  app.add_flag("--no-cache", opts.noCache, "Keep nothing between runs");
  app.add_option("--cache-max-bytes", opts.cacheMaxBytes,
                 "Evict the least recently used cache entries beyond this "
                 "size")
      ->capture_default_str();
  app.add_option("--dump-executables", opts.dumpDir,
                 "Write the bundle's executables (CPU shared objects, SPIR-V "
                 "modules) to DIR and exit");
  app.add_option("--trace", opts.trace,
                 "Write every dispatch of the first run as Chrome "
                 "trace-event JSON (Perfetto, chrome://tracing)");
  app.add_option("--trust-policy", opts.trustPolicy,
                 "Whose bundles run: allow-unsigned (default, for "
                 "development), require-signature (only bundles signed by "
                 "a trusted key), no-unsigned-native-code (others run no "
                 "CPU code); docs/security.md")
      ->check(CLI::IsMember(
          {"allow-unsigned", "require-signature", "no-unsigned-native-code"}));
  app.add_flag_callback(
      "--require-signature", [&] { opts.trustPolicy = "require-signature"; },
      "Same as --trust-policy require-signature");
  app.add_option("--trusted-key", opts.trustedKeys,
                 "Trust the public key in FILE (KEY.pub from coreai-build "
                 "keygen), besides those in $COREAI_TRUSTED_KEYS_PATH or "
                 "~/.config/coreai/trusted-keys and /etc/coreai/trusted-keys "
                 "(repeatable)")
      ->allow_extra_args(false);
  app.add_option("--function", opts.function, "Function to run")
      ->capture_default_str();
  app.add_option("--input", opts.inputs,
                 "Input tensor (.npy or .pb), once per function input, in "
                 "order")
      ->allow_extra_args(false);
  app.add_option("--profile", opts.profile,
                 "Run N traced iterations and print where the time goes: "
                 "per source node and op type, with each unit's share of "
                 "the latency (the engine's simulated time apart)")
      ->check(positiveInteger);
  app.add_option("--profile-html", opts.profileHtml,
                 "Write the report page (graph coloured by unit, each op's "
                 "estimated and measured cost, placement reasons, scratch "
                 "arena) with the times of --profile N runs (10 without it) "
                 "to FILE.html");
  app.add_option("--dump-tensors", opts.dumpTensorsDir,
                 "Write the intermediate tensors the bundle keeps "
                 "(coreai-build compile --debug-tensors) to DIR/<node>.npy "
                 "with DIR/index.json");
  app.add_option("--output-dir", opts.outputDir,
                 "Write the outputs to DIR/output_K.npy (created if missing)");
  app.add_option("--expect", opts.expects,
                 "Reference for the K-th output (.npy or .pb), repeatable")
      ->allow_extra_args(false);
  app.add_option("--atol", opts.tolerance.atol, "Absolute tolerance")
      ->check(nonNegativeNumber)
      ->capture_default_str();
  app.add_option("--rtol", opts.tolerance.rtol, "Relative tolerance")
      ->check(nonNegativeNumber)
      ->capture_default_str();
  app.add_option("--benchmark", opts.benchmark,
                 "Run N timed iterations after one warm-up; prints a JSON "
                 "summary as the last line")
      ->check(positiveInteger);
  app.add_option("--threads", opts.threads,
                 "Threads that run CPU dispatches, the calling one included "
                 "(default: one per core)")
      ->check(positiveInteger);
  app.add_option("--cpu-variant", opts.cpuVariant,
                 "Run this CPU code variant of the bundle (e.g. x86-64-v3) "
                 "instead of the best one the host supports");
  app.add_flag("--print", opts.print, "Print the outputs' first values");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) { // --help
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::string message = e.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::cerr << "coreai-run: error: " << message
              << " (see coreai-run --help)\n";
    return 2;
  }

  try {
    return runBundle(opts);
  } catch (const Failure &f) {
    std::cerr << "coreai-run: " << (f.file.empty() ? "" : f.file + ": ")
              << "error: " << f.message << "\n";
  } catch (const AssetError &e) {
    std::cerr << "coreai-run: " << opts.bundle << ": error: " << e.message()
              << "\n";
  } catch (const std::exception &e) {
    std::cerr << "coreai-run: error: " << e.what() << "\n";
  }
  return 1;
}

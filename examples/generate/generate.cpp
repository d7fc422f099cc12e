//===- generate.cpp - Greedy text generation with a kept key/value cache --===//
//
//   coreai-generate decoder.aimodel --prompt 17,4,99,... --tokens 64
//                   [--threads N] [--logits FILE.npy] [--benchmark]
//
// Runs a decoder compiled with its key/value cache as state (coreai-build
// --state past_key.0=present_key.0 ...) and its sequence length enumerated
// (--shape input_ids=1x32 --shape input_ids=1x1): the prompt goes through
// in the longest chunks the bundle has code for (prefill), then one token
// per call (decode), each the argmax of the last logits. The cache never
// leaves the model's memory: each call passes only the token ids and the
// position of the first one.
//
// Prints `tokens: t0 t1 ...`; --logits writes the [tokens, vocab] logits each
// token was chosen from; --benchmark runs the generation once to warm up,
// then again timed, and prints
// `benchmark: {"prefill_ms": .., "decode_ms": .., ...}`.
//
//===----------------------------------------------------------------------===//
#include "coreai/Executors.h"
#include "coreai/ModelAsset.h"
#include "coreai/TensorIO.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

using namespace coreai::runtime;

namespace {

struct Options {
  std::string bundle;
  std::vector<int64_t> prompt;
  int tokens = 64;
  unsigned threads = 0;
  std::string logitsPath;
  bool benchmark = false;
};

[[noreturn]] void usage(const std::string &message) {
  std::fprintf(stderr,
               "coreai-generate: error: %s\nusage: coreai-generate BUNDLE "
               "--prompt ID,ID,... --tokens N [--threads N] "
               "[--logits FILE.npy] [--benchmark]\n",
               message.c_str());
  std::exit(2);
}

int64_t parseInt(const std::string &text, const char *what) {
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end || errno)
    usage(std::string(what) + ": not an integer: '" + text + "'");
  return value;
}

Options parseOptions(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--prompt") {
      std::string list = value();
      for (size_t start = 0; start <= list.size();) {
        size_t comma = std::min(list.find(',', start), list.size());
        o.prompt.push_back(
            parseInt(list.substr(start, comma - start), "--prompt"));
        start = comma + 1;
      }
    } else if (arg == "--tokens") {
      o.tokens = static_cast<int>(parseInt(value(), "--tokens"));
    } else if (arg == "--threads") {
      o.threads = static_cast<unsigned>(parseInt(value(), "--threads"));
    } else if (arg == "--logits") {
      o.logitsPath = value();
    } else if (arg == "--benchmark") {
      o.benchmark = true;
    } else if (!arg.empty() && arg[0] != '-' && o.bundle.empty()) {
      o.bundle = arg;
    } else {
      usage("unexpected argument '" + arg + "'");
    }
  }
  if (o.bundle.empty())
    usage("no bundle given");
  if (o.prompt.empty())
    usage("--prompt is required");
  if (o.tokens < 1)
    usage("--tokens must be at least 1");
  return o;
}

/// The index of the tensor called `name` in `list`; throws if absent.
size_t indexOf(const std::vector<TensorDescriptor> &list,
               const std::string &name, const char *kind) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].name == name)
      return i;
  throw std::runtime_error(std::string("the model has no ") + kind + " '" +
                           name + "'");
}

/// The decoder as this example drives it: which inputs it feeds, the
/// sequence lengths it has code for, and the kept cache's length.
class Decoder {
public:
  explicit Decoder(const InferenceFunction &function) : function_(function) {
    const FunctionDescriptor &d = function.descriptor();
    if (d.states.empty())
      throw std::runtime_error(
          "the model keeps no state: compile it with --state "
          "past_key.N=present_key.N for each cache tensor");
    size_t ids = indexOf(d.inputs, "input_ids", "input");
    size_t position = indexOf(d.inputs, "position", "input");
    logits_ = indexOf(d.outputs, "logits", "output");
    // run() with a state takes the inputs that are not state, in order.
    std::vector<size_t> fed;
    for (size_t i = 0; i < d.inputs.size(); ++i)
      if (std::none_of(d.states.begin(), d.states.end(),
                       [&](const StateDescriptor &s) { return s.input == i; }))
        fed.push_back(i);
    if (fed.size() != 2)
      throw std::runtime_error("expected the inputs besides the state to be "
                               "input_ids and position");
    idsFirst_ = fed[0] == ids;
    // ... and returns the outputs that are not state, in order.
    for (size_t o = 0; o < logits_; ++o)
      if (std::none_of(d.states.begin(), d.states.end(),
                       [&](const StateDescriptor &s) { return s.output == o; }))
        ++logitsIndex_;
    // Sequence lengths: every shape variant's input_ids [1, S].
    if (d.shapeVariants.empty())
      lengths_.push_back(d.inputs[ids].shape.at(1));
    for (const ShapeVariant &v : d.shapeVariants)
      lengths_.push_back(v.inputs[ids].at(1));
    std::sort(lengths_.rbegin(), lengths_.rend());
    if (lengths_.back() != 1)
      throw std::runtime_error("the model has no code for one token at a "
                               "time (compile it with --shape "
                               "input_ids=1x1 among its shapes)");
    // The generator's cache is [1, heads, positions, head dim].
    const std::vector<int64_t> &cache = d.states[0].shape;
    maxPositions_ = cache.size() >= 2 ? cache[cache.size() - 2] : 0;
  }

  int64_t maxPositions() const { return maxPositions_; }

  /// Runs `ids` at sequence positions [position, position + ids.size()),
  /// which must be one of the lengths the model has code for, and returns
  /// the last position's logits.
  std::vector<float> step(const std::vector<int64_t> &ids, int64_t position,
                          InferenceState &state) const {
    NDArray idsArray(coreai::DType::I64, {1, (int64_t)ids.size()});
    std::copy(ids.begin(), ids.end(), idsArray.dataAs<int64_t>());
    NDArray positionArray(coreai::DType::I64, {1});
    positionArray.dataAs<int64_t>()[0] = position;
    std::vector<NDArray> inputs =
        idsFirst_ ? std::vector<NDArray>{idsArray, positionArray}
                  : std::vector<NDArray>{positionArray, idsArray};
    std::vector<NDArray> outputs = function_.run(inputs, state);
    const NDArray &logits = outputs.at(logitsIndex_); // [1, S, vocab]
    int64_t vocab = logits.shape().back();
    const float *last = logits.dataAs<float>() + (ids.size() - 1) * vocab;
    return std::vector<float>(last, last + vocab);
  }

  /// Feeds `prompt` from position 0 in the longest chunks there is code
  /// for; returns the last token's logits.
  std::vector<float> prefill(const std::vector<int64_t> &prompt,
                             InferenceState &state) const {
    std::vector<float> logits;
    for (size_t done = 0; done < prompt.size();) {
      int64_t length = 1;
      for (int64_t l : lengths_)
        if (l <= (int64_t)(prompt.size() - done)) {
          length = l;
          break;
        }
      std::vector<int64_t> chunk(prompt.begin() + done,
                                 prompt.begin() + done + length);
      logits = step(chunk, (int64_t)done, state);
      done += length;
    }
    return logits;
  }

private:
  const InferenceFunction &function_;
  size_t logits_ = 0;      // among all outputs
  size_t logitsIndex_ = 0; // among those run() with a state returns
  bool idsFirst_ = true;
  std::vector<int64_t> lengths_;
  int64_t maxPositions_ = 0;
};

int64_t argmax(const std::vector<float> &v) {
  return std::max_element(v.begin(), v.end()) - v.begin();
}

struct Generation {
  std::vector<int64_t> tokens;
  std::vector<std::vector<float>> logits; // what each token came from
  double prefillMs = 0, decodeMs = 0;
};

Generation generate(const Decoder &decoder, const Options &o,
                    InferenceState &state) {
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  Generation g;
  state.reset();
  auto start = clock::now();
  g.logits.push_back(decoder.prefill(o.prompt, state));
  g.tokens.push_back(argmax(g.logits.back()));
  auto prefilled = clock::now();
  for (int i = 1; i < o.tokens; ++i) {
    int64_t position = (int64_t)o.prompt.size() + i - 1;
    g.logits.push_back(decoder.step({g.tokens.back()}, position, state));
    g.tokens.push_back(argmax(g.logits.back()));
  }
  auto done = clock::now();
  g.prefillMs = ms(prefilled - start);
  g.decodeMs = ms(done - prefilled);
  return g;
}

} // namespace

int main(int argc, char **argv) {
  Options o = parseOptions(argc, argv);
  try {
    registerCpuExecutor();
    ModelAsset asset = ModelAsset::open(o.bundle);
    SpecializationOptions options;
    options.allowedUnits = {ComputeUnit::CPU};
    options.threads = o.threads;
    Model model = asset.specialize(options);
    InferenceFunction function = model.function("main");
    Decoder decoder(function);
    // The last token generated is never fed back, so the cache holds the
    // prompt and all tokens but one.
    int64_t positions = (int64_t)o.prompt.size() + o.tokens - 1;
    if (positions > decoder.maxPositions())
      throw std::runtime_error("the prompt and generated tokens need " +
                               std::to_string(positions) +
                               " cache positions; the model keeps " +
                               std::to_string(decoder.maxPositions()));
    InferenceState state = function.makeState();
    if (o.benchmark)
      generate(decoder, o, state); // warm-up: first-touch of weights, code
    Generation g = generate(decoder, o, state);

    std::printf("tokens:");
    for (int64_t t : g.tokens)
      std::printf(" %lld", (long long)t);
    std::printf("\n");
    if (o.benchmark)
      std::printf("benchmark: {\"prefill_ms\": %.3f, \"decode_ms\": %.3f, "
                  "\"prompt_tokens\": %zu, \"decode_tokens\": %d, "
                  "\"threads\": %u}\n",
                  g.prefillMs, g.decodeMs, o.prompt.size(), o.tokens - 1,
                  model.threads());
    if (!o.logitsPath.empty()) {
      int64_t vocab = (int64_t)g.logits[0].size();
      NDArray logits(coreai::DType::F32, {(int64_t)g.logits.size(), vocab});
      for (size_t i = 0; i < g.logits.size(); ++i)
        std::copy(g.logits[i].begin(), g.logits[i].end(),
                  logits.dataAs<float>() + i * vocab);
      writeNpy(o.logitsPath, logits);
    }
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "coreai-generate: error: %s\n", e.what());
    return 1;
  }
}

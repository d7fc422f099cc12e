//===- MutationTest.cpp - Structural edits of re-sealed bundles -----------===//
//
// What an attacker can do to a bundle without a signature: change any field
// of its metadata or of its engine command stream and recompute every hash.
// Each case here is such an edit of a real bundle (the digits model compiled
// by the test: CPU dispatches, a GPU schedule, an engine schedule), written
// afresh so its hashes are right, then opened, specialized for its units and
// run on inputs its (edited) descriptors describe. Every outcome is allowed
// but one: the process must not crash, hang or (in a sanitizer build) read
// or write out of bounds. The edits are drawn from a fixed seed, so a
// failure replays; COREAI_MUTATIONS sets how many per bundle.
//
//===----------------------------------------------------------------------===//
#include "coreai/Executors.h"
#include "coreai/ModelAsset.h"
#include "coreai/schemas/ane_stream_generated.h"
#include "lib/Bundle/BundleReader.h"
#include "lib/Bundle/BundleWriter.h"
#include "lib/Bundle/Shape.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>

using namespace coreai;
using namespace coreai::runtime;

namespace {

/// The contents of an opened bundle, as the writer takes them.
bundle::BundleContents contentsOf(const bundle::BundleFile &file) {
  bundle::BundleContents c;
  c.modelName = file.metadata().name;
  c.producer = file.metadata().producer;
  c.sourceHash = file.metadata().sourceHash;
  c.compileOptions = file.metadata().compileOptions;
  for (const bundle::FunctionInfo &f : file.functions()) {
    bundle::FunctionData d;
    d.name = f.name;
    d.inputs = f.inputs;
    d.outputs = f.outputs;
    d.executable = f.executable;
    d.entrySymbol = f.entrySymbol;
    d.constants = f.constants;
    d.debug = f.debug;
    d.schedule = f.schedule;
    c.functions.push_back(std::move(d));
  }
  for (size_t i = 0; i < file.constants().size(); ++i) {
    const bundle::ConstantInfo &k = file.constants()[i];
    const bundle::SegmentInfo &s = file.segments()[k.segment];
    c.constants.push_back(
        {k.dtype, k.shape, std::vector<uint8_t>(s.data, s.data + s.size)});
  }
  for (const bundle::ExecutableInfo &e : file.executables()) {
    const bundle::SegmentInfo &s = file.segments()[e.segment];
    c.executables.push_back({e.unit, e.arch, e.format,
                             std::vector<uint8_t>(s.data, s.data + s.size),
                             e.needs});
  }
  return c;
}

class Mutator {
public:
  explicit Mutator(uint32_t seed) : rng_(seed) {}

  size_t below(size_t n) {
    return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rng_) : 0;
  }
  template <typename T> T &pick(std::vector<T> &v) {
    return v[below(v.size())];
  }

  /// A value near `v` or at an edge: what edits of a size or index try.
  int64_t variant(int64_t v) {
    switch (below(10)) {
    case 0:
      return 0;
    case 1:
      return 1;
    case 2:
      return v - 1;
    case 3:
      return v + 1;
    case 4:
      return v * 2;
    case 5:
      return v / 2;
    case 6:
      return -1;
    case 7:
      return int64_t(1) << 20;
    case 8:
      return int64_t(1) << 40;
    default:
      return int64_t(1) << 62;
    }
  }

  /// One edit of `c`; returns what it was, for the log.
  std::string mutate(bundle::BundleContents &c) {
    bundle::FunctionData &f = pick(c.functions);
    for (int attempt = 0; attempt < 50; ++attempt) {
      switch (below(20)) {
      case 0:
      case 1: {
        auto &list = below(2) ? f.inputs : f.outputs;
        if (list.empty())
          continue;
        bundle::TensorDesc &t = pick(list);
        if (t.shape.empty())
          continue;
        int64_t &d = pick(t.shape);
        d = variant(d);
        return "tensor shape of " + t.name;
      }
      case 2: {
        auto &list = below(2) ? f.inputs : f.outputs;
        if (list.empty())
          continue;
        pick(list).dtype = static_cast<DType>(below(28));
        return "tensor dtype";
      }
      case 3:
        if (f.constants.empty())
          continue;
        switch (below(3)) {
        case 0:
          f.constants.pop_back();
          break;
        case 1:
          std::swap(pick(f.constants), pick(f.constants));
          break;
        default:
          pick(f.constants) = uint32_t(below(c.constants.size() + 2));
        }
        return "function constants";
      case 4:
        f.executable = uint32_t(below(c.executables.size() + 1));
        return "function executable";
      case 5:
        f.entrySymbol = pick(c.functions).entrySymbol + (below(2) ? "" : "x");
        return "function entry";
      case 6:
      case 7:
      case 8:
      case 9:
      case 10:
      case 11: {
        if (f.schedule.empty())
          continue;
        bundle::ScheduleData &s = pick(f.schedule);
        if (s.steps.empty() || s.slots.empty())
          continue;
        bundle::StepData &step = pick(s.steps);
        bundle::SlotData &slot = pick(s.slots);
        switch (below(9)) {
        case 0:
          slot.size = uint64_t(variant(int64_t(slot.size)));
          return "slot size";
        case 1:
          slot.kind = static_cast<bundle::SlotKind>(below(5));
          return "slot kind";
        case 2:
          slot.index = uint32_t(variant(slot.index));
          return "slot index";
        case 3:
          if (step.args.size() < 2)
            continue;
          std::swap(pick(step.args), pick(step.args));
          return "step args swapped";
        case 4:
          if (step.args.empty())
            continue;
          pick(step.args) = uint32_t(below(s.slots.size() + 1));
          return "step arg replaced";
        case 5:
          below(2) ? step.args.push_back(uint32_t(below(s.slots.size())))
                   : (step.args.empty() ? void() : step.args.pop_back());
          return "step arg count";
        case 6:
          step.unit = std::vector<std::string>{"cpu", "gpu", "ane", "copy",
                                               "x"}[below(5)];
          return "step unit";
        case 7:
          step.entry = pick(s.steps).entry;
          return "step entry";
        default:
          if (step.groups.empty())
            continue;
          pick(step.groups) = uint32_t(variant(pick(step.groups)));
          return "step groups";
        }
      }
      case 12:
        if (f.schedule.size() < 2)
          continue;
        std::swap(f.schedule.front(), f.schedule.back());
        return "schedules swapped";
      case 13: {
        if (c.constants.empty())
          continue;
        bundle::ConstantData &k = pick(c.constants);
        if (below(2) && !k.shape.empty())
          pick(k.shape) = variant(pick(k.shape));
        else
          k.dtype = static_cast<DType>(below(28));
        return "constant shape or dtype";
      }
      case 14: {
        bundle::ExecutableData &e = pick(c.executables);
        switch (below(3)) {
        case 0:
          e.unit = pick(c.executables).unit;
          break;
        case 1:
          e.format = pick(c.executables).format;
          break;
        default:
          e.arch = pick(c.executables).arch;
        }
        return "executable unit, format or arch";
      }
      default:
        if (std::string what = mutateEngineStream(c); !what.empty())
          return what;
        continue;
      }
    }
    return "nothing";
  }

private:
  /// A scalar of the engine's command stream, in place (FlatBuffers keeps
  /// every field the compiler set, so the edit changes a stored value).
  std::string mutateEngineStream(bundle::BundleContents &c) {
    std::vector<bundle::ExecutableData *> streams;
    for (bundle::ExecutableData &e : c.executables)
      if (e.unit == "ane")
        streams.push_back(&e);
    if (streams.empty())
      return "";
    std::vector<uint8_t> &bytes = pick(streams)->bytes;
    flatbuffers::Verifier v(bytes.data(), bytes.size());
    if (!anefb::VerifyStreamBuffer(v))
      return "";
    auto *stream = anefb::GetMutableStream(bytes.data());
    auto *programs = stream->mutable_programs();
    if (!programs || programs->size() == 0)
      return "";
    auto *p = programs->GetMutableObject(below(programs->size()));
    auto *layers = p->mutable_layers();
    auto *buffers = p->mutable_buffers();
    switch (below(8)) {
    case 0:
      p->mutate_arena_bytes(uint64_t(variant(int64_t(p->arena_bytes()))));
      return "stream arena bytes";
    case 1:
      p->mutate_num_arguments(uint32_t(variant(p->num_arguments())));
      return "stream argument count";
    case 2: {
      if (!buffers || buffers->size() == 0)
        return "";
      auto *b = buffers->GetMutableObject(below(buffers->size()));
      switch (below(3)) {
      case 0:
        b->mutate_bytes(uint64_t(variant(int64_t(b->bytes()))));
        break;
      case 1:
        b->mutate_offset(uint64_t(variant(int64_t(b->offset()))));
        break;
      default:
        b->mutate_index(uint32_t(variant(b->index())));
      }
      return "stream buffer";
    }
    default: {
      if (!layers || layers->size() == 0)
        return "";
      auto *l = layers->GetMutableObject(below(layers->size()));
      auto dims = [&](flatbuffers::Vector<int64_t> *d) -> std::string {
        if (!d || d->size() == 0)
          return "";
        size_t i = below(d->size());
        d->Mutate(i, variant(d->Get(i)));
        return "stream layer dims";
      };
      switch (below(10)) {
      case 0:
        l->mutate_tile_rows(variant(l->tile_rows()));
        return "stream tile rows";
      case 1:
        l->mutate_tile_channels(variant(l->tile_channels()));
        return "stream tile channels";
      case 2:
        l->mutate_tiles(variant(l->tiles()));
        return "stream tiles";
      case 3:
        l->mutate_work_outputs(variant(l->work_outputs()));
        return "stream work";
      case 4:
        l->mutate_groups(variant(l->groups()));
        return "stream groups";
      case 5:
        return dims(l->mutable_output_shape());
      case 6: {
        auto *shapes = l->mutable_input_shapes();
        if (!shapes || shapes->size() == 0)
          return "";
        return dims(
            shapes->GetMutableObject(below(shapes->size()))->mutable_dims());
      }
      case 7:
        return dims(l->mutable_strides());
      case 8:
        return dims(l->mutable_kernel());
      default: {
        auto *in = l->mutable_inputs();
        if (!in || in->size() == 0)
          return "";
        size_t i = below(in->size());
        in->Mutate(i, uint32_t(variant(in->Get(i))));
        return "stream layer input";
      }
      }
    }
    }
  }

  std::mt19937 rng_;
};

/// How far an edited bundle got.
enum class Outcome { RefusedAtOpen, RefusedAtSpecialize, RefusedAtRun, Ran };

/// Opens `bytes`, specializes it for `units` and runs every function once
/// with inputs its descriptors describe (zeros).
Outcome tryBundle(std::vector<uint8_t> bytes,
                  const std::vector<ComputeUnit> &units) {
  std::optional<ModelAsset> asset;
  try {
    asset.emplace(ModelAsset::fromBytes(std::move(bytes)));
  } catch (const AssetError &) {
    return Outcome::RefusedAtOpen;
  }
  SpecializationOptions options;
  options.allowedUnits = units;
  options.threads = 2;
  // The unit besides the CPU is required: an edit it refuses is reported,
  // not hidden by the fallback to the CPU.
  for (ComputeUnit u : units)
    if (u != ComputeUnit::CPU)
      options.preferredUnit = u;
  std::optional<Model> model;
  try {
    model.emplace(asset->specialize(options));
  } catch (const AssetError &) {
    return Outcome::RefusedAtSpecialize;
  }
  Outcome outcome = Outcome::Ran;
  for (const std::string &name : model->functionNames()) {
    InferenceFunction fn = model->function(name);
    std::vector<NDArray> inputs;
    for (const TensorDescriptor &t : fn.descriptor().inputs)
      inputs.emplace_back(t.dtype, t.shape); // zero-filled
    try {
      fn.run(inputs);
    } catch (const AssetError &) {
      outcome = Outcome::RefusedAtRun;
    }
  }
  return outcome;
}

} // namespace

TEST_CASE("structural edits of re-sealed bundles never crash the runtime",
          "[mutation]") {
  registerCpuExecutor();
  registerGpuExecutor();
  registerAneExecutor();
  const char *list = std::getenv("COREAI_MUTATION_BUNDLES");
  REQUIRE(list);
  int perBundle = 1000;
  if (const char *n = std::getenv("COREAI_MUTATIONS"))
    perBundle = std::atoi(n);
  // Comma-separated "path:units" entries, units as letters (c, g, a).
  std::string entries = list;
  uint32_t seed = 1;
  int total = 0;
  for (size_t start = 0; start < entries.size();) {
    size_t end = entries.find(',', start);
    std::string entry = entries.substr(start, end - start);
    start = end == std::string::npos ? entries.size() : end + 1;
    size_t colon = entry.rfind(':');
    std::string path = entry.substr(0, colon);
    std::vector<ComputeUnit> units;
    for (char u : entry.substr(colon + 1))
      units.push_back(u == 'g'   ? ComputeUnit::GPU
                      : u == 'a' ? ComputeUnit::NeuralEngine
                                 : ComputeUnit::CPU);
    bundle::ReadError error;
    auto file = bundle::BundleFile::open(path, error);
    INFO(path << ": " << error.message);
    REQUIRE(file);
    bundle::BundleContents original = contentsOf(*file);
    // The unedited bundle runs: the edits, not the harness, make refusals.
    REQUIRE(tryBundle(bundle::serializeBundle(original), units) ==
            Outcome::Ran);
    int counts[5] = {};
    std::map<std::string, int> kinds;
    for (int i = 0; i < perBundle; ++i, ++seed) {
      Mutator m(seed);
      bundle::BundleContents c = original;
      std::string what = m.mutate(c);
      ++kinds[what];
      // Printed first, so a crash names the edit that caused it.
      if (std::getenv("COREAI_MUTATION_VERBOSE"))
        std::cerr << "seed " << seed << ": " << what << std::endl;
      Outcome o = tryBundle(bundle::serializeBundle(c), units);
      ++counts[int(o)];
      ++total;
    }
    std::cout << path << ": " << perBundle << " edits: " << counts[0]
              << " refused at open, " << counts[1] << " at specialization, "
              << counts[2] << " at run, " << counts[3] << " ran\n";
  }
  CHECK(total > 0);
}

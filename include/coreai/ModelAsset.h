//===- ModelAsset.h - Open, specialize and run .aimodel bundles -----------===//
//
// The runtime API, shaped like Apple Core AI's:
//
//   auto asset = ModelAsset::open("model.aimodel");      // mmap + verify
//   Model model = asset.specialize({{ComputeUnit::CPU}});  // load executables
//   InferenceFunction fn = model.function("main");
//   std::vector<NDArray> outputs = fn.run({input});
//
// Every failure is an AssetError. The handles are cheap to copy and share
// ownership of what they need: a Model keeps its bundle mapped, a function
// keeps its model loaded.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_MODELASSET_H
#define COREAI_MODELASSET_H

#include "coreai/AssetError.h"
#include "coreai/ComputeUnit.h"
#include "coreai/NDArray.h"
#include "coreai/Trust.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace coreai::bundle {
class BundleFile;
} // namespace coreai::bundle

namespace coreai::runtime {

class ModelCache;

/// An input the app feeds with pixel buffers: uint8 [N, height, width,
/// bytes per pixel of `format`], interleaved rows; the function converts
/// each pixel to (pixel * scale - mean[c]) / std[c] in the model's channel
/// order (coreai-build --image-input).
struct ImageDescriptor {
  std::string format; // rgb8, bgr8, rgba8, bgra8, gray8
  int64_t width = 0, height = 0;
  std::vector<double> mean, std; // per model channel
  double scale = 0;
};

struct TensorDescriptor {
  std::string name;
  DType dtype = DType::Undefined;
  std::vector<int64_t> shape;
  std::optional<ImageDescriptor> image; // inputs fed with pixel buffers
  /// The source model's name of each dim that was symbolic and bound at
  /// compile time (--shape), "" for the others; empty when none was.
  std::vector<std::string> dimNames;
  /// For an output: its shape is decided at run time (e.g. a reduction over
  /// axes given as an input), and run() returns the array at its actual
  /// shape. `shape` is then its bound: each actual dim is at most that (and
  /// dims may be dropped), or, for a reshape decided at run time
  /// (`runtimeReshape`), the actual shape holds as many elements.
  bool runtimeShape = false;
  bool runtimeReshape = false;
};

/// The input and output shapes of one variant of a function compiled for
/// enumerated shapes, in the order of the descriptor's tensors.
struct ShapeVariant {
  std::vector<std::vector<int64_t>> inputs;
  std::vector<std::vector<int64_t>> outputs;
};

/// A value a function keeps between calls (coreai-build --state
/// INPUT=OUTPUT): input `input` and output `output` of the descriptor, of
/// one dtype and shape. Runs with an InferenceState take neither.
struct StateDescriptor {
  std::string name; // the input's name, e.g. "past_key.0"
  size_t input = 0, output = 0;
  DType dtype = DType::Undefined;
  std::vector<int64_t> shape;
};

struct FunctionDescriptor {
  std::string name;
  /// The tensors at the function's first (default) shapes.
  std::vector<TensorDescriptor> inputs;
  std::vector<TensorDescriptor> outputs;
  /// Every shape the function takes when it was compiled for enumerated
  /// shapes (coreai-build --shape given several times for an input), its
  /// default shapes first; run() takes the inputs at any of them and picks
  /// the code compiled for it. Empty when the function has one shape.
  std::vector<ShapeVariant> shapeVariants;
  /// The values the function keeps between calls, in the bundle's order;
  /// empty for a stateless function.
  std::vector<StateDescriptor> states;
};

struct SpecializationOptions {
  /// Units the model may use. Every bundle can run on the CPU alone.
  std::vector<ComputeUnit> allowedUnits = {ComputeUnit::CPU, ComputeUnit::GPU,
                                           ComputeUnit::NeuralEngine};
  /// The unit the model must use where it has code for it: with GPU, a
  /// function compiled for the GPU runs its schedule (its CPU parts on the
  /// CPU) or specialization fails saying why (no Vulkan, no GPU code in the
  /// bundle). Without it, schedules run when every unit they use is allowed
  /// and available, and functions fall back to the CPU otherwise.
  std::optional<ComputeUnit> preferredUnit;
  /// The Vulkan device index for the GPU; -1: the first with compute.
  int gpuDevice = -1;
  /// Where specialized artifacts (CPU shared objects, GPU pipeline caches)
  /// are kept between processes (ModelCache.h), e.g.
  /// `std::make_shared<ModelCache>(ModelCache::defaultDirectory())`; null:
  /// nothing is kept beyond this process.
  std::shared_ptr<const ModelCache> cache;
  /// Threads that run CPU dispatches (the calling thread is one of them);
  /// 0: one per core of the host.
  unsigned threads = 0;
  /// The CPU variant to run (an executable arch such as "x86-64-v3"); empty:
  /// the best one in the bundle that this host supports.
  std::string cpuVariant;
  /// Whose bundles run, and what runs unsigned (Trust.h). With a policy
  /// other than AllowUnsigned, CPU code is loaded from the verified bundle
  /// only, never from `cache`.
  TrustPolicy trust = TrustPolicy::AllowUnsigned;
  /// The public keys whose signatures the policy accepts (readTrustedKey,
  /// defaultTrustedKeys).
  std::vector<TrustedKey> trustedKeys;
};

/// One dispatch as a trace event: when it ran (microseconds on the
/// process's steady clock), on which unit, for which source nodes.
struct TraceEvent {
  std::string name;   // kernel entry point or function name
  std::string unit;   // "cpu", "gpu", "ane"
  std::string source; // "conv1 (Conv); relu1 (Relu)"
  double startUs = 0;
  double durationUs = 0;
  uint32_t worker = 0; // the thread-pool worker (0: the calling thread)
  /// The schedule step it ran for: the events of one dispatch's workers share
  /// it, and steps of repeated layers may share a kernel (`name`).
  uint32_t step = 0;
};

/// Microseconds on the steady clock, the time base of TraceEvent.
double traceClockUs();

struct AssetState;
struct ModelState;
struct FunctionState;
struct StateStorage;
class Kernel;
class InferenceFunction;

/// The values a stateful function keeps between calls (Core ML's MLState),
/// made by InferenceFunction::makeState(), zero-filled. Each state lives in
/// two buffers of the model's memory: a run reads one and writes the other,
/// then they trade places, so nothing is copied between calls. A state is
/// used by one run at a time (runs on it wait for each other); copies of
/// the handle share it.
class InferenceState {
public:
  const std::vector<StateDescriptor> &descriptors() const;
  /// The current value of state `name` (a view, valid until the next run
  /// with this state). Throws AssetError (NotFound).
  NDArray value(const std::string &name) const;
  /// Replaces state `name`'s value with `value` (same dtype and shape).
  /// Throws AssetError.
  void write(const std::string &name, const NDArray &value);
  /// Sets every state back to zeros, the value makeState() starts with.
  void reset();

private:
  friend class InferenceFunction;
  friend class ComputeStream;
  explicit InferenceState(std::shared_ptr<StateStorage> storage)
      : storage_(std::move(storage)) {}
  std::shared_ptr<StateStorage> storage_;
};

class InferenceFunction {
public:
  const FunctionDescriptor &descriptor() const;
  /// The unit this function runs on after specialization (for a schedule,
  /// the unit other than the CPU it uses, if any).
  ComputeUnit unit() const;
  /// How the function runs, e.g. "cpu" or "schedule: 41 gpu + 2 cpu steps on
  /// llvmpipe (LLVM 15.0.6, 256 bits)".
  const std::string &placement() const;
  /// Which of the bundle function's schedules runs (its index in the
  /// function's schedules, best first), or -1 when the function runs whole.
  int scheduleIndex() const;
  /// The neural engine's simulated time in the last run, in milliseconds
  /// (the cycle model of the engine the bundle was compiled for); negative
  /// when the function uses no neural engine.
  double simulatedEngineMillis() const;
  /// Bytes of scratch memory this function allocated once, at
  /// specialization, for all its runs (0 when it runs whole, allocating as
  /// it goes).
  uint64_t arenaBytes() const;

  /// Runs the function. Inputs must match the descriptor exactly (count,
  /// dtype, shape; for enumerated shapes, the shapes of one variant, whose
  /// code then runs); outputs are freshly allocated. Throws AssetError.
  std::vector<NDArray> run(const std::vector<NDArray> &inputs) const;
  /// As above, writing into `outputs`: allocated if empty, else checked
  /// against the descriptor and reused (e.g. across benchmark iterations).
  /// A function with outputs of run-time shape (TensorDescriptor::
  /// runtimeShape) replaces them by fresh arrays at each run.
  void run(const std::vector<NDArray> &inputs,
           std::vector<NDArray> &outputs) const;
  /// As above, appending one event per dispatch to `trace`.
  void run(const std::vector<NDArray> &inputs, std::vector<NDArray> &outputs,
           std::vector<TraceEvent> *trace) const;

  /// A fresh state for this function: zeros for every StateDescriptor.
  /// Throws AssetError (InvalidArgument) if the function keeps none.
  InferenceState makeState() const;
  /// Runs a stateful function: `inputs` are the descriptor's inputs that
  /// are not state, in order; returns the outputs that are not state. Each
  /// state input reads `state`'s current value and each state output
  /// becomes its next. Throws AssetError (a state made by another function,
  /// the checks of run()); on failure the state keeps its value.
  std::vector<NDArray> run(const std::vector<NDArray> &inputs,
                           InferenceState &state) const;
  /// As above, writing the outputs that are not state into `outputs`:
  /// allocated if empty, else checked and reused; and appending one event
  /// per dispatch to `trace` when given.
  void run(const std::vector<NDArray> &inputs, InferenceState &state,
           std::vector<NDArray> &outputs,
           std::vector<TraceEvent> *trace = nullptr) const;

  /// Throws the AssetError run() would throw for these arguments (count,
  /// dtype, shape, alignment, overlapping arrays); `outputs` may be empty
  /// (run() then allocates them).
  void checkArguments(const std::vector<NDArray> &inputs,
                      const std::vector<NDArray> &outputs) const;

  /// Empty if `input` fits input `index`, else the message run() would throw,
  /// e.g. "input 0 'image': expected float32 [8,1,8,8], got float32 [1,1,8,8]".
  std::string checkInput(size_t index, const NDArray &input) const;

private:
  friend class Model;
  friend class ComputeStream;
  /// The shape variant whose input shapes `inputs` have (this function's
  /// own state when it has one shape, or when none matches: the argument
  /// check then says what was expected).
  const FunctionState &variantFor(const std::vector<NDArray> &inputs) const;
  /// run() with `state`, on the kernel `kernelFor` gives for the variant
  /// the inputs pick (its own, or a stream's copy of it).
  void runWithState(
      const std::vector<NDArray> &inputs, InferenceState &state,
      std::vector<NDArray> &outputs, std::vector<TraceEvent> *trace,
      const std::function<Kernel &(const FunctionState &)> &kernelFor) const;
  /// run() on `kernel`, `variant`'s kernel or a stream's copy of it.
  void runOn(const FunctionState &variant, Kernel &kernel,
             const std::vector<NDArray> &inputs, std::vector<NDArray> &outputs,
             std::vector<TraceEvent> *trace) const;
  InferenceFunction(std::shared_ptr<const ModelState> model,
                    const FunctionState *function)
      : model_(std::move(model)), function_(function) {}

  std::shared_ptr<const ModelState> model_;
  const FunctionState *function_;
};

/// A bundle specialized for this device: executables loaded, functions ready.
class Model {
public:
  /// Throws AssetError (NotFound) if there is no such function.
  InferenceFunction function(const std::string &name) const;
  std::vector<std::string> functionNames() const;
  /// Wall time specialize() took, in milliseconds.
  double specializationMillis() const;
  /// How specialization used SpecializationOptions::cache: "off" (no
  /// cache, or nothing in the model is cached), "hit" (every artifact came
  /// from it), "miss" (none did; they were stored), "partial".
  const std::string &cacheUse() const;
  /// The CPU code variant in use (e.g. "x86-64-v4"); empty when the model
  /// runs no CPU code.
  const std::string &cpuVariant() const;
  /// Threads that run CPU dispatches (SpecializationOptions::threads, or the
  /// host's cores).
  unsigned threads() const;

private:
  friend class ModelAsset;
  friend class ComputeStream;
  explicit Model(std::shared_ptr<const ModelState> state)
      : state_(std::move(state)) {}
  std::shared_ptr<const ModelState> state_;
};

/// A verified, mapped bundle.
class ModelAsset {
public:
  /// Maps and verifies the bundle at `path`. Throws AssetError.
  static ModelAsset open(const std::string &path);
  /// Verifies a bundle held in memory; `label` stands for the path.
  static ModelAsset fromBytes(std::vector<uint8_t> bytes,
                              const std::string &label = "<memory>");
  /// Verifies a bundle that stays in memory, unowned, for as long as any
  /// handle from this asset lives: typically one linked into the program
  /// (coreai_add_model(... EMBED)). Used in place when 64-byte aligned.
  static ModelAsset openMemory(const void *data, size_t size,
                               const std::string &label = "<memory>");

  const std::string &path() const;
  std::string name() const;
  std::string producer() const;
  std::string sourceHash() const;
  std::string compileOptions() const;
  /// A content identity of the whole bundle (its metadata hash, which covers
  /// every segment's hash): a key for caches.
  uint64_t contentHash() const;
  std::vector<std::string> functionNames() const;
  /// Throws AssetError (NotFound) if there is no such function.
  FunctionDescriptor functionDescriptor(const std::string &name) const;
  /// Wall time open() took (map + verify), in milliseconds.
  double openMillis() const;

  /// Loads the executables of every function on allowed units, with the
  /// registered executors (see Executor.h). Throws AssetError.
  Model specialize(const SpecializationOptions &options = {}) const;

  /// The verified bundle, for tools that want more than the API offers.
  const bundle::BundleFile &bundle() const;

private:
  explicit ModelAsset(std::shared_ptr<const AssetState> state)
      : state_(std::move(state)) {}
  std::shared_ptr<const AssetState> state_;
};

} // namespace coreai::runtime

#endif // COREAI_MODELASSET_H

//===- CoreAI.cpp - The C API (include/coreai/coreai.h) -------------------===//
//
// A thin layer over the C++ runtime: handles own the C++ objects, every
// entry point catches what they throw and turns it into a status and a
// thread-local message, and every tensor the caller passes is checked
// (dtype, rank, dims, byte size) before it becomes an NDArray view.
//
//===----------------------------------------------------------------------===//
#include "coreai/coreai.h"

#include "coreai/ComputeStream.h"
#include "coreai/ModelAsset.h"
#include "coreai/ModelCache.h"
#include "lib/Bundle/Shape.h"
#include "lib/Runtime/ANE/AneExecutor.h"
#include "lib/Runtime/CPU/CpuExecutor.h"
#include "lib/Runtime/GPU/GpuExecutor.h"

#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

using namespace coreai;
using namespace coreai::runtime;

struct coreai_asset {
  ModelAsset asset;
};
struct coreai_trust {
  TrustPolicy policy;
  std::vector<TrustedKey> keys;
};
struct coreai_model {
  Model model;
  std::vector<std::string> names;
};
struct coreai_function {
  InferenceFunction function;
  // The descriptor's dim names as C strings, per input then per output.
  std::vector<std::vector<const char *>> dimNames;
};
struct coreai_stream {
  std::unique_ptr<ComputeStream> stream;
};
struct coreai_state {
  InferenceState state;
};

namespace {

thread_local std::string lastError;

coreai_status statusOf(AssetError::Code code) {
  switch (code) {
  case AssetError::Code::NotFound:
    return COREAI_NOT_FOUND;
  case AssetError::Code::Corrupt:
    return COREAI_CORRUPT;
  case AssetError::Code::Unsupported:
    return COREAI_UNSUPPORTED;
  case AssetError::Code::InvalidArgument:
    return COREAI_INVALID_ARGUMENT;
  case AssetError::Code::Internal:
    return COREAI_INTERNAL;
  case AssetError::Code::Untrusted:
    return COREAI_UNTRUSTED;
  }
  return COREAI_INTERNAL;
}

coreai_status fail(coreai_status status, std::string message) {
  lastError = std::move(message);
  return status;
}

/// The status and message of the exception being handled.
coreai_status failFromException(std::exception_ptr error,
                                std::string *message = nullptr) {
  std::string text;
  coreai_status status = COREAI_INTERNAL;
  try {
    std::rethrow_exception(error);
  } catch (const AssetError &e) {
    status = statusOf(e.code());
    text = e.message();
  } catch (const std::bad_alloc &) {
    text = "out of memory";
  } catch (const std::exception &e) {
    text = e.what();
  } catch (...) {
    text = "unknown failure";
  }
  if (message)
    *message = text;
  return fail(status, std::move(text));
}

/// Runs `body`, turning what it throws into a status; messages start with
/// `file` when given (what the failure is about, as "FILE: message").
template <typename Body>
coreai_status guarded(Body body, const std::string &file = "") {
  try {
    body();
    return COREAI_OK;
  } catch (...) {
    coreai_status status = failFromException(std::current_exception());
    if (!file.empty())
      lastError = file + ": " + lastError;
    return status;
  }
}

void registerUnits() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerCpuExecutor();
    registerGpuExecutor();
    registerAneExecutor();
  });
}

coreai_status nullArgument(const char *what) {
  return fail(COREAI_INVALID_ARGUMENT, std::string(what) + " is NULL");
}

/// A view of the caller's tensor, after checking what can be checked.
NDArray viewOf(const coreai_tensor &t, const char *kind, size_t index) {
  std::string what = std::string(kind) + " " + std::to_string(index);
  auto invalid = [&](const std::string &why) {
    return AssetError(AssetError::Code::InvalidArgument, what + ": " + why);
  };
  DType dtype = static_cast<DType>(t.dtype);
  if (t.dtype <= 0 || t.dtype > 255 || dtypeSize(dtype) == 0 ||
      dtype == DType::String)
    throw invalid("unknown dtype " + std::to_string(t.dtype));
  constexpr size_t kMaxRank = 64;
  if (t.rank > kMaxRank)
    throw invalid("rank " + std::to_string(t.rank) + " is above " +
                  std::to_string(kMaxRank));
  if (t.rank && !t.shape)
    throw invalid("the shape is NULL");
  std::vector<int64_t> shape(t.shape, t.shape + t.rank);
  uint64_t bytes = 0;
  if (!bundle::byteSize(dtype, shape, bytes))
    throw invalid("shape " + bundle::formatShape(shape) +
                  " has a negative dim or is too large");
  if (bytes != t.byte_size)
    throw invalid(bundle::formatType(dtype, shape) + " holds " +
                  std::to_string(bytes) + " bytes, but byte_size is " +
                  std::to_string(t.byte_size));
  if (bytes && !t.data)
    throw invalid("the data is NULL");
  return NDArray::view(dtype, std::move(shape), t.data);
}

std::vector<NDArray> viewsOf(const coreai_tensor *tensors, size_t count,
                             const char *kind) {
  if (count && !tensors)
    throw AssetError(AssetError::Code::InvalidArgument,
                     std::string(kind) + "s are NULL");
  std::vector<NDArray> views;
  for (size_t i = 0; i < count; ++i)
    views.push_back(viewOf(tensors[i], kind, i));
  return views;
}

/// Views of the caller's inputs and outputs for `fn`, checked as run()
/// checks them. Outputs must be the caller's buffers: an empty list would
/// make the runtime allocate arrays the caller never sees.
std::pair<std::vector<NDArray>, std::vector<NDArray>>
argumentsOf(const InferenceFunction &fn, const coreai_tensor *inputs,
            size_t numInputs, const coreai_tensor *outputs, size_t numOutputs) {
  std::vector<NDArray> in = viewsOf(inputs, numInputs, "input");
  for (const TensorDescriptor &t : fn.descriptor().outputs)
    if (t.runtimeShape)
      throw AssetError(AssetError::Code::Unsupported,
                       "function '" + fn.descriptor().name + "' output '" +
                           t.name +
                           "' has a shape decided at run time, which the C "
                           "API does not return yet");
  size_t want = fn.descriptor().outputs.size();
  if (numOutputs != want)
    throw AssetError(AssetError::Code::InvalidArgument,
                     "function '" + fn.descriptor().name + "' has " +
                         std::to_string(want) + " outputs, got " +
                         std::to_string(numOutputs) + " buffers");
  std::vector<NDArray> out = viewsOf(outputs, numOutputs, "output");
  fn.checkArguments(in, out);
  return {std::move(in), std::move(out)};
}

coreai_status describe(const coreai_function *function, size_t index,
                       bool input, coreai_tensor_descriptor *out) {
  if (!function)
    return nullArgument("the function");
  if (!out)
    return nullArgument("the descriptor");
  const FunctionDescriptor &d = function->function.descriptor();
  const std::vector<TensorDescriptor> &list = input ? d.inputs : d.outputs;
  if (index >= list.size())
    return fail(COREAI_NOT_FOUND,
                "function '" + d.name + "' has " + std::to_string(list.size()) +
                    (input ? " inputs" : " outputs") + ", no " +
                    (input ? "input " : "output ") + std::to_string(index));
  const TensorDescriptor &t = list[index];
  out->name = t.name.c_str();
  out->dtype = static_cast<int32_t>(t.dtype);
  out->rank = t.shape.size();
  out->shape = t.shape.data();
  const std::vector<const char *> &names =
      function->dimNames[(input ? 0 : d.inputs.size()) + index];
  out->dim_names = names.empty() ? nullptr : names.data();
  return COREAI_OK;
}

} // namespace

extern "C" {

uint32_t coreai_api_version(void) { return COREAI_C_API_VERSION; }

const char *coreai_last_error(void) { return lastError.c_str(); }

coreai_status coreai_asset_open(const char *path, coreai_asset **asset) {
  if (!path)
    return nullArgument("the path");
  if (!asset)
    return nullArgument("the asset pointer");
  *asset = nullptr;
  return guarded(
      [&] {
        ModelAsset opened = ModelAsset::open(path);
        *asset = new coreai_asset{std::move(opened)};
      },
      path);
}

coreai_status coreai_asset_open_memory(const void *data, size_t size,
                                       coreai_asset **asset) {
  if (!data)
    return nullArgument("the bundle's data");
  if (!asset)
    return nullArgument("the asset pointer");
  *asset = nullptr;
  return guarded(
      [&] {
        ModelAsset opened = ModelAsset::openMemory(data, size);
        *asset = new coreai_asset{std::move(opened)};
      },
      "<memory>");
}

void coreai_asset_free(coreai_asset *asset) { delete asset; }

void coreai_specialization_options_init(
    coreai_specialization_options *options) {
  if (!options)
    return;
  *options = coreai_specialization_options{};
  options->gpu_device = -1;
}

coreai_status
coreai_asset_specialize(const coreai_asset *asset,
                        const coreai_specialization_options *options,
                        coreai_model **model) {
  return coreai_asset_specialize_trusted(asset, options, nullptr, model);
}

coreai_status coreai_trust_create(coreai_trust_policy policy,
                                  coreai_trust **trust) {
  if (!trust)
    return nullArgument("the trust pointer");
  *trust = nullptr;
  TrustPolicy p;
  switch (policy) {
  case COREAI_TRUST_ALLOW_UNSIGNED:
    p = TrustPolicy::AllowUnsigned;
    break;
  case COREAI_TRUST_REQUIRE_SIGNATURE:
    p = TrustPolicy::RequireSignature;
    break;
  case COREAI_TRUST_NO_UNSIGNED_NATIVE_CODE:
    p = TrustPolicy::NoUnsignedNativeCode;
    break;
  default:
    return fail(COREAI_INVALID_ARGUMENT,
                "unknown trust policy " + std::to_string(int(policy)));
  }
  *trust = new coreai_trust{p, {}};
  return COREAI_OK;
}

coreai_status coreai_trust_add_key_file(coreai_trust *trust, const char *path) {
  if (!trust)
    return nullArgument("the trust");
  if (!path)
    return nullArgument("the key path");
  return guarded([&] { trust->keys.push_back(readTrustedKey(path)); });
}

coreai_status coreai_trust_add_default_keys(coreai_trust *trust) {
  if (!trust)
    return nullArgument("the trust");
  return guarded([&] {
    for (TrustedKey &key : defaultTrustedKeys())
      trust->keys.push_back(std::move(key));
  });
}

void coreai_trust_free(coreai_trust *trust) { delete trust; }

coreai_status coreai_asset_specialize_trusted(
    const coreai_asset *asset, const coreai_specialization_options *options,
    const coreai_trust *trust, coreai_model **model) {
  if (!asset)
    return nullArgument("the asset");
  if (!model)
    return nullArgument("the model pointer");
  *model = nullptr;
  coreai_specialization_options o;
  coreai_specialization_options_init(&o);
  if (options)
    o = *options;
  constexpr uint32_t kAllUnits =
      COREAI_UNIT_CPU | COREAI_UNIT_GPU | COREAI_UNIT_NEURAL_ENGINE;
  if (o.allowed_units & ~kAllUnits)
    return fail(COREAI_INVALID_ARGUMENT,
                "allowed_units has unknown bits " +
                    std::to_string(o.allowed_units & ~kAllUnits));
  SpecializationOptions spec;
  uint32_t allowed = o.allowed_units ? o.allowed_units : kAllUnits;
  spec.allowedUnits.clear();
  for (auto [bit, unit] :
       {std::pair{COREAI_UNIT_CPU, ComputeUnit::CPU},
        std::pair{COREAI_UNIT_GPU, ComputeUnit::GPU},
        std::pair{COREAI_UNIT_NEURAL_ENGINE, ComputeUnit::NeuralEngine}}) {
    if (allowed & bit)
      spec.allowedUnits.push_back(unit);
    if (o.preferred_unit == (uint32_t)bit)
      spec.preferredUnit = unit;
  }
  if (o.preferred_unit && !spec.preferredUnit)
    return fail(COREAI_INVALID_ARGUMENT, "preferred_unit " +
                                             std::to_string(o.preferred_unit) +
                                             " is not one coreai_unit");
  spec.gpuDevice = o.gpu_device;
  spec.threads = o.threads;
  if (o.cpu_variant)
    spec.cpuVariant = o.cpu_variant;
  if (o.cache_directory) {
    std::string dir = *o.cache_directory ? std::string(o.cache_directory)
                                         : ModelCache::defaultDirectory();
    if (!dir.empty())
      spec.cache = std::make_shared<ModelCache>(
          dir,
          o.cache_max_bytes ? o.cache_max_bytes : ModelCache::kDefaultMaxBytes);
  }
  if (trust) {
    spec.trust = trust->policy;
    spec.trustedKeys = trust->keys;
  }
  registerUnits();
  return guarded(
      [&] {
        Model specialized = asset->asset.specialize(spec);
        std::vector<std::string> names = specialized.functionNames();
        *model = new coreai_model{std::move(specialized), std::move(names)};
      },
      asset->asset.path());
}

void coreai_model_free(coreai_model *model) { delete model; }

size_t coreai_model_function_count(const coreai_model *model) {
  return model ? model->names.size() : 0;
}

const char *coreai_model_function_name(const coreai_model *model,
                                       size_t index) {
  if (!model || index >= model->names.size())
    return nullptr;
  return model->names[index].c_str();
}

coreai_status coreai_model_function(const coreai_model *model, const char *name,
                                    coreai_function **function) {
  if (!model)
    return nullArgument("the model");
  if (!name)
    return nullArgument("the function name");
  if (!function)
    return nullArgument("the function pointer");
  *function = nullptr;
  return guarded([&] {
    auto *f = new coreai_function{model->model.function(name), {}};
    const FunctionDescriptor &d = f->function.descriptor();
    for (const auto *list : {&d.inputs, &d.outputs})
      for (const TensorDescriptor &t : *list) {
        std::vector<const char *> names;
        for (const std::string &n : t.dimNames)
          names.push_back(n.c_str());
        f->dimNames.push_back(std::move(names));
      }
    *function = f;
  });
}

void coreai_function_free(coreai_function *function) { delete function; }

size_t coreai_function_input_count(const coreai_function *function) {
  return function ? function->function.descriptor().inputs.size() : 0;
}

size_t coreai_function_output_count(const coreai_function *function) {
  return function ? function->function.descriptor().outputs.size() : 0;
}

coreai_status coreai_function_input(const coreai_function *function,
                                    size_t index,
                                    coreai_tensor_descriptor *descriptor) {
  return describe(function, index, true, descriptor);
}

coreai_status coreai_function_output(const coreai_function *function,
                                     size_t index,
                                     coreai_tensor_descriptor *descriptor) {
  return describe(function, index, false, descriptor);
}

coreai_status coreai_function_input_image(const coreai_function *function,
                                          size_t index,
                                          coreai_image_descriptor *image) {
  coreai_tensor_descriptor tensor;
  if (coreai_status s = describe(function, index, true, &tensor))
    return s;
  if (!image)
    return nullArgument("the image descriptor");
  const TensorDescriptor &t = function->function.descriptor().inputs[index];
  if (!t.image)
    return fail(COREAI_NOT_FOUND, "input " + std::to_string(index) + " '" +
                                      t.name +
                                      "' is not fed with pixel buffers");
  image->format = t.image->format.c_str();
  image->width = t.image->width;
  image->height = t.image->height;
  image->channels = t.image->mean.size();
  image->mean = t.image->mean.data();
  image->std = t.image->std.data();
  image->scale = t.image->scale;
  return COREAI_OK;
}

size_t coreai_function_shape_variant_count(const coreai_function *function) {
  return function ? function->function.descriptor().shapeVariants.size() : 0;
}

coreai_status coreai_function_shape_variant(const coreai_function *function,
                                            size_t variant, int input,
                                            size_t index, size_t *rank,
                                            const int64_t **shape) {
  if (!function)
    return nullArgument("the function");
  if (!rank || !shape)
    return nullArgument("the rank or shape pointer");
  const FunctionDescriptor &d = function->function.descriptor();
  if (variant >= d.shapeVariants.size())
    return fail(COREAI_NOT_FOUND, "function '" + d.name + "' has " +
                                      std::to_string(d.shapeVariants.size()) +
                                      " shape variants, no variant " +
                                      std::to_string(variant));
  const std::vector<std::vector<int64_t>> &list =
      input ? d.shapeVariants[variant].inputs
            : d.shapeVariants[variant].outputs;
  if (index >= list.size())
    return fail(COREAI_NOT_FOUND,
                "function '" + d.name + "' has " + std::to_string(list.size()) +
                    (input ? " inputs" : " outputs") + ", no " +
                    (input ? "input " : "output ") + std::to_string(index));
  *rank = list[index].size();
  *shape = list[index].data();
  return COREAI_OK;
}

const char *coreai_function_placement(const coreai_function *function) {
  return function ? function->function.placement().c_str() : "";
}

coreai_status coreai_function_run(const coreai_function *function,
                                  const coreai_tensor *inputs,
                                  size_t num_inputs, coreai_tensor *outputs,
                                  size_t num_outputs) {
  if (!function)
    return nullArgument("the function");
  return guarded([&] {
    auto [in, out] = argumentsOf(function->function, inputs, num_inputs,
                                 outputs, num_outputs);
    function->function.run(in, out);
  });
}

size_t coreai_function_state_count(const coreai_function *function) {
  return function ? function->function.descriptor().states.size() : 0;
}

coreai_status coreai_function_state(const coreai_function *function,
                                    size_t index, const char **name,
                                    size_t *input, size_t *output) {
  if (!function)
    return nullArgument("the function");
  if (!name || !input || !output)
    return nullArgument("an out parameter");
  const FunctionDescriptor &d = function->function.descriptor();
  if (index >= d.states.size())
    return fail(COREAI_NOT_FOUND, "function '" + d.name + "' keeps " +
                                      std::to_string(d.states.size()) +
                                      " states, no state " +
                                      std::to_string(index));
  const StateDescriptor &st = d.states[index];
  *name = st.name.c_str();
  *input = st.input;
  *output = st.output;
  return COREAI_OK;
}

coreai_status coreai_function_make_state(const coreai_function *function,
                                         coreai_state **state) {
  if (!function)
    return nullArgument("the function");
  if (!state)
    return nullArgument("the state out parameter");
  *state = nullptr;
  return guarded(
      [&] { *state = new coreai_state{function->function.makeState()}; });
}

void coreai_state_free(coreai_state *state) { delete state; }

coreai_status coreai_state_reset(coreai_state *state) {
  if (!state)
    return nullArgument("the state");
  return guarded([&] { state->state.reset(); });
}

coreai_status coreai_state_read(const coreai_state *state, const char *name,
                                coreai_tensor *tensor) {
  if (!state || !name || !tensor)
    return nullArgument(!state  ? "the state"
                        : !name ? "the name"
                                : "the tensor");
  return guarded([&] {
    NDArray value = state->state.value(name);
    NDArray into = viewOf(*tensor, "tensor", 0);
    if (into.dtype() != value.dtype() || into.shape() != value.shape())
      throw AssetError(AssetError::Code::InvalidArgument,
                       std::string("state '") + name + "': expected " +
                           bundle::formatType(value.dtype(), value.shape()) +
                           ", got " +
                           bundle::formatType(into.dtype(), into.shape()));
    if (value.byteSize())
      std::memmove(into.data(), value.data(), value.byteSize());
  });
}

coreai_status coreai_state_write(coreai_state *state, const char *name,
                                 const coreai_tensor *tensor) {
  if (!state || !name || !tensor)
    return nullArgument(!state  ? "the state"
                        : !name ? "the name"
                                : "the tensor");
  return guarded(
      [&] { state->state.write(name, viewOf(*tensor, "tensor", 0)); });
}

coreai_status
coreai_function_run_state(const coreai_function *function, coreai_state *state,
                          const coreai_tensor *inputs, size_t num_inputs,
                          coreai_tensor *outputs, size_t num_outputs) {
  if (!function)
    return nullArgument("the function");
  if (!state)
    return nullArgument("the state");
  return guarded([&] {
    std::vector<NDArray> in = viewsOf(inputs, num_inputs, "input");
    // The caller's buffers: an empty list would make the runtime allocate
    // arrays the caller never sees.
    const FunctionDescriptor &d = function->function.descriptor();
    size_t want = d.outputs.size() - d.states.size();
    if (num_outputs != want)
      throw AssetError(AssetError::Code::InvalidArgument,
                       "function '" + d.name + "' has " + std::to_string(want) +
                           " outputs besides its state, got " +
                           std::to_string(num_outputs) + " buffers");
    std::vector<NDArray> out = viewsOf(outputs, num_outputs, "output");
    function->function.run(in, state->state, out);
  });
}

coreai_status coreai_stream_create(const coreai_model *model,
                                   coreai_stream **stream) {
  if (!model)
    return nullArgument("the model");
  if (!stream)
    return nullArgument("the stream pointer");
  *stream = nullptr;
  return guarded([&] {
    *stream = new coreai_stream{std::make_unique<ComputeStream>(model->model)};
  });
}

coreai_status
coreai_stream_enqueue(coreai_stream *stream, const coreai_function *function,
                      const coreai_tensor *inputs, size_t num_inputs,
                      const coreai_tensor *outputs, size_t num_outputs,
                      coreai_completion done, void *user_data) {
  if (!stream)
    return nullArgument("the stream");
  if (!function)
    return nullArgument("the function");
  return guarded([&] {
    // What run() would refuse is refused now, not at completion.
    auto [in, out] = argumentsOf(function->function, inputs, num_inputs,
                                 outputs, num_outputs);
    stream->stream->enqueue(
        function->function, std::move(in), std::move(out),
        [done, user_data](std::vector<NDArray>, std::exception_ptr error) {
          if (!done)
            return;
          if (!error) {
            done(user_data, COREAI_OK, "");
            return;
          }
          std::string message;
          coreai_status status = failFromException(error, &message);
          done(user_data, status, message.c_str());
        });
  });
}

coreai_status coreai_stream_synchronize(coreai_stream *stream) {
  if (!stream)
    return nullArgument("the stream");
  return guarded([&] { stream->stream->synchronize(); });
}

void coreai_stream_free(coreai_stream *stream) { delete stream; }

} // extern "C"

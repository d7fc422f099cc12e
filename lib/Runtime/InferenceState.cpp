//===- InferenceState.cpp - Values kept between calls ---------------------===//
//
// A stateful function (coreai-build --state) is an ordinary function whose
// state inputs and outputs the runtime binds itself: two buffers per state,
// one read and one written by each run, traded afterwards. Kernels never
// read an input after writing an output that shares its memory (the ABI
// forbids the overlap, InferenceFunction checks it), so one buffer per
// state would not be safe; two cost no copy.
//
//===----------------------------------------------------------------------===//
#include "coreai/ModelAsset.h"

#include "lib/Bundle/Shape.h"
#include "lib/Runtime/ModelState.h"

#include <array>
#include <cstring>
#include <mutex>

namespace coreai::runtime {

struct StateStorage {
  // The model stays loaded while a state of one of its functions lives, so
  // `function` identifies the function that made it.
  std::shared_ptr<const ModelState> model;
  const FunctionState *function = nullptr;
  std::vector<StateDescriptor> descriptors;
  // Per state: the current value (read by the next run) and the buffer the
  // next run writes.
  std::vector<std::array<NDArray, 2>> buffers;
  std::mutex mutex; // one run (or write) at a time

  size_t indexOf(const std::string &name) const {
    for (size_t k = 0; k < descriptors.size(); ++k)
      if (descriptors[k].name == name)
        return k;
    std::string known;
    for (const StateDescriptor &d : descriptors)
      known += (known.empty() ? "" : ", ") + d.name;
    throw AssetError(AssetError::Code::NotFound,
                     "no state named '" + name +
                         "' (the function keeps: " + known + ")");
  }
};

const std::vector<StateDescriptor> &InferenceState::descriptors() const {
  return storage_->descriptors;
}

NDArray InferenceState::value(const std::string &name) const {
  std::lock_guard<std::mutex> lock(storage_->mutex);
  NDArray &current = storage_->buffers[storage_->indexOf(name)][0];
  return NDArray::view(current.dtype(), current.shape(), current.data());
}

void InferenceState::write(const std::string &name, const NDArray &value) {
  std::lock_guard<std::mutex> lock(storage_->mutex);
  size_t k = storage_->indexOf(name);
  NDArray &current = storage_->buffers[k][0];
  if (value.dtype() != current.dtype() || value.shape() != current.shape())
    throw AssetError(AssetError::Code::InvalidArgument,
                     "state '" + name + "': expected " +
                         bundle::formatType(current.dtype(), current.shape()) +
                         ", got " +
                         bundle::formatType(value.dtype(), value.shape()));
  if (current.byteSize())
    std::memmove(current.data(), value.data(), current.byteSize());
}

void InferenceState::reset() {
  std::lock_guard<std::mutex> lock(storage_->mutex);
  for (std::array<NDArray, 2> &pair : storage_->buffers)
    if (pair[0].byteSize())
      std::memset(pair[0].data(), 0, pair[0].byteSize());
}

InferenceState InferenceFunction::makeState() const {
  const FunctionDescriptor &d = function_->descriptor;
  if (d.states.empty())
    throw AssetError(AssetError::Code::InvalidArgument,
                     "function '" + d.name +
                         "' keeps no state (coreai-build --state "
                         "INPUT=OUTPUT makes an input and an output one)");
  // Its outputs would be allocated per run at their actual shapes, while a
  // stateful run binds the state's buffers among the kernel's outputs.
  if (!function_->kernelOutputs.empty())
    throw AssetError(AssetError::Code::Unsupported,
                     "function '" + d.name +
                         "' keeps state and has outputs whose shape is "
                         "decided at run time: not supported together yet");
  auto storage = std::make_shared<StateStorage>();
  storage->model = model_;
  storage->function = function_;
  storage->descriptors = d.states;
  for (const StateDescriptor &s : d.states)
    storage->buffers.push_back(
        {NDArray(s.dtype, s.shape), NDArray(s.dtype, s.shape)});
  return InferenceState(std::move(storage));
}

std::vector<NDArray> InferenceFunction::run(const std::vector<NDArray> &inputs,
                                            InferenceState &state) const {
  std::vector<NDArray> outputs;
  run(inputs, state, outputs, nullptr);
  return outputs;
}

void InferenceFunction::run(const std::vector<NDArray> &inputs,
                            InferenceState &state,
                            std::vector<NDArray> &outputs,
                            std::vector<TraceEvent> *trace) const {
  runWithState(
      inputs, state, outputs, trace,
      [](const FunctionState &variant) -> Kernel & { return *variant.kernel; });
}

void InferenceFunction::runWithState(
    const std::vector<NDArray> &inputs, InferenceState &state,
    std::vector<NDArray> &outputs, std::vector<TraceEvent> *trace,
    const std::function<Kernel &(const FunctionState &)> &kernelFor) const {
  const FunctionDescriptor &d = function_->descriptor;
  StateStorage &storage = *state.storage_;
  if (storage.function != function_)
    throw AssetError(AssetError::Code::InvalidArgument,
                     "function '" + d.name +
                         "': the state was made by another function or "
                         "model");
  size_t statelessInputs = d.inputs.size() - d.states.size();
  size_t statelessOutputs = d.outputs.size() - d.states.size();
  if (inputs.size() != statelessInputs)
    throw AssetError(
        AssetError::Code::InvalidArgument,
        "function '" + d.name + "' takes " + std::to_string(statelessInputs) +
            " inputs besides its state, got " + std::to_string(inputs.size()));
  if (!outputs.empty() && outputs.size() != statelessOutputs)
    throw AssetError(
        AssetError::Code::InvalidArgument,
        "function '" + d.name + "' has " + std::to_string(statelessOutputs) +
            " outputs besides its state, got " +
            std::to_string(outputs.size()) + " arrays to write them to");

  std::lock_guard<std::mutex> lock(storage.mutex);
  std::vector<NDArray> allInputs(d.inputs.size()), allOutputs(d.outputs.size());
  std::vector<bool> isStateInput(d.inputs.size()),
      isStateOutput(d.outputs.size());
  for (size_t k = 0; k < d.states.size(); ++k) {
    allInputs[d.states[k].input] = storage.buffers[k][0];
    allOutputs[d.states[k].output] = storage.buffers[k][1];
    isStateInput[d.states[k].input] = true;
    isStateOutput[d.states[k].output] = true;
  }
  for (size_t i = 0, next = 0; i < d.inputs.size(); ++i)
    if (!isStateInput[i])
      allInputs[i] = inputs[next++];
  // The variant the inputs' shapes pick decides the other outputs' shapes.
  const FunctionState &variant = variantFor(allInputs);
  bool allocate = outputs.empty();
  for (size_t o = 0, next = 0; o < d.outputs.size(); ++o) {
    if (isStateOutput[o])
      continue;
    const TensorDescriptor &t = variant.descriptor.outputs[o];
    allOutputs[o] = allocate ? NDArray(t.dtype, t.shape) : outputs[next];
    ++next;
  }
  runOn(variant, kernelFor(variant), allInputs, allOutputs, trace);

  for (std::array<NDArray, 2> &pair : storage.buffers)
    std::swap(pair[0], pair[1]);
  if (allocate)
    for (size_t o = 0; o < d.outputs.size(); ++o)
      if (!isStateOutput[o])
        outputs.push_back(std::move(allOutputs[o]));
}

} // namespace coreai::runtime

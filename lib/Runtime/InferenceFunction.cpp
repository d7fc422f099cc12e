//===- InferenceFunction.cpp - Checked calls into kernels -----------------===//
//
// Kernels trust their arguments completely (they are generated for one static
// signature), so everything about the arrays is checked here first.
//
//===----------------------------------------------------------------------===//
#include "coreai/ModelAsset.h"

#include "lib/Bundle/Shape.h"
#include "lib/Runtime/ModelState.h"

#include <chrono>
#include <cstring>

namespace coreai::runtime {
namespace {

/// Input `index`'s shape in every variant of `d` (empty: one shape).
std::vector<std::vector<int64_t>> shapesOf(const FunctionDescriptor &d,
                                           size_t index) {
  std::vector<std::vector<int64_t>> shapes;
  for (const ShapeVariant &v : d.shapeVariants)
    shapes.push_back(v.inputs[index]);
  return shapes;
}

/// `function`, for an input: its descriptor, whose other shape variants the
/// message names.
std::string mismatch(const char *kind, size_t index,
                     const TensorDescriptor &want, const NDArray &got,
                     const FunctionDescriptor *function = nullptr) {
  // The common case builds no string: run() allocates nothing of its own.
  bool typeOk = got.dtype() == want.dtype && got.shape() == want.shape;
  bool storageOk = got.data() || got.byteSize() == 0;
  bool alignOk = reinterpret_cast<uintptr_t>(got.data()) % 16 == 0;
  if (typeOk && storageOk && alignOk)
    return {};
  std::string what =
      std::string(kind) + " " + std::to_string(index) + " '" + want.name + "'";
  if (!typeOk) {
    std::string expected = bundle::formatType(want.dtype, want.shape);
    std::vector<std::vector<int64_t>> alternatives;
    if (function)
      alternatives = shapesOf(*function, index);
    for (size_t k = 1; k < alternatives.size(); ++k)
      expected += (k + 1 == alternatives.size() ? " or " : ", ") +
                  bundle::formatShape(alternatives[k]);
    return what + ": expected " + expected + ", got " +
           bundle::formatType(got.dtype(), got.shape());
  }
  if (!got.data() && got.byteSize() != 0)
    return what + ": the array has no storage";
  // The kernel ABI promises kernels 16-byte aligned buffers (KernelABI.h).
  if (reinterpret_cast<uintptr_t>(got.data()) % 16 != 0)
    return what + ": the array's data is not 16-byte aligned";
  return "";
}

std::string plural(size_t n, const char *word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

} // namespace

const FunctionDescriptor &InferenceFunction::descriptor() const {
  return function_->descriptor;
}

ComputeUnit InferenceFunction::unit() const { return function_->unit; }

std::string InferenceFunction::checkInput(size_t index,
                                          const NDArray &input) const {
  const FunctionDescriptor &d = function_->descriptor;
  if (index >= d.inputs.size())
    return "function '" + d.name + "' has only " +
           plural(d.inputs.size(), "input");
  // With enumerated shapes: any variant's shape for this input.
  for (const ShapeVariant &v : d.shapeVariants)
    if (input.shape() == v.inputs[index]) {
      TensorDescriptor want = d.inputs[index];
      want.shape = v.inputs[index];
      return mismatch("input", index, want, input);
    }
  return mismatch("input", index, d.inputs[index], input, &d);
}

std::vector<NDArray>
InferenceFunction::run(const std::vector<NDArray> &inputs) const {
  std::vector<NDArray> outputs;
  run(inputs, outputs);
  return outputs;
}

void InferenceFunction::run(const std::vector<NDArray> &inputs,
                            std::vector<NDArray> &outputs) const {
  run(inputs, outputs, nullptr);
}

const std::string &InferenceFunction::placement() const {
  return function_->placement;
}

double InferenceFunction::simulatedEngineMillis() const {
  return function_->unit == ComputeUnit::NeuralEngine
             ? function_->kernel->simulatedEngineMillis()
             : -1;
}

int InferenceFunction::scheduleIndex() const { return function_->schedule; }

uint64_t InferenceFunction::arenaBytes() const {
  return function_->kernel->arenaBytes();
}

double traceClockUs() {
  using namespace std::chrono;
  return duration<double, std::micro>(steady_clock::now().time_since_epoch())
      .count();
}

const FunctionState &
InferenceFunction::variantFor(const std::vector<NDArray> &inputs) const {
  for (const FunctionState *variant : function_->shapeVariants) {
    const std::vector<TensorDescriptor> &want = variant->descriptor.inputs;
    bool match = want.size() == inputs.size();
    for (size_t i = 0; match && i < want.size(); ++i)
      match = inputs[i].shape() == want[i].shape;
    if (match)
      return *variant;
  }
  return *function_;
}

void InferenceFunction::run(const std::vector<NDArray> &inputs,
                            std::vector<NDArray> &outputs,
                            std::vector<TraceEvent> *trace) const {
  const FunctionState &variant = variantFor(inputs);
  runOn(variant, *variant.kernel, inputs, outputs, trace);
}

namespace {
/// The checks of checkArguments() against `variant`, the one the inputs'
/// shapes chose; `d` is the function's descriptor, which lists every
/// variant's shapes for the message when none was chosen.
void checkArgumentsOf(const FunctionState &variant,
                      const FunctionDescriptor &function,
                      const std::vector<NDArray> &inputs,
                      const std::vector<NDArray> &outputs) {
  const FunctionDescriptor &d = variant.descriptor;
  if (inputs.size() != d.inputs.size())
    throw AssetError(AssetError::Code::InvalidArgument,
                     "function '" + function.name + "' takes " +
                         plural(d.inputs.size(), "input") + ", got " +
                         std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i)
    if (std::string err =
            mismatch("input", i, d.inputs[i], inputs[i], &function);
        !err.empty())
      throw AssetError(AssetError::Code::InvalidArgument, err);

  if (!outputs.empty()) {
    if (outputs.size() != d.outputs.size())
      throw AssetError(AssetError::Code::InvalidArgument,
                       "function '" + function.name + "' has " +
                           plural(d.outputs.size(), "output") + ", got " +
                           std::to_string(outputs.size()) +
                           " arrays to write them to");
    for (size_t i = 0; i < outputs.size(); ++i)
      if (std::string err = mismatch("output", i, d.outputs[i], outputs[i]);
          !err.empty())
        throw AssetError(AssetError::Code::InvalidArgument, err);
  }
  // Kernels read inputs while they write outputs, and each output in full:
  // arrays that share bytes would corrupt each other (KernelABI.h).
  auto overlap = [](const NDArray &a, const NDArray &b) {
    auto p = static_cast<const char *>(a.data());
    auto q = static_cast<const char *>(b.data());
    return a.byteSize() && b.byteSize() && p < q + b.byteSize() &&
           q < p + a.byteSize();
  };
  for (size_t o = 0; o < outputs.size(); ++o) {
    for (size_t i = 0; i < inputs.size(); ++i)
      if (overlap(outputs[o], inputs[i]))
        throw AssetError(AssetError::Code::InvalidArgument,
                         "output " + std::to_string(o) + " '" +
                             d.outputs[o].name +
                             "' shares memory with input " +
                             std::to_string(i) + " '" + d.inputs[i].name +
                             "'");
    for (size_t k = 0; k < o; ++k)
      if (overlap(outputs[o], outputs[k]))
        throw AssetError(AssetError::Code::InvalidArgument,
                         "output " + std::to_string(o) + " '" +
                             d.outputs[o].name + "' shares memory with output " +
                             std::to_string(k) + " '" + d.outputs[k].name +
                             "'");
  }
}
} // namespace

void InferenceFunction::checkArguments(
    const std::vector<NDArray> &inputs,
    const std::vector<NDArray> &outputs) const {
  checkArgumentsOf(variantFor(inputs), function_->descriptor, inputs, outputs);
}

namespace {
/// The value of output `name` at its run-time shape: the box of `bound`
/// that `extents` (the kernel's, so checked against the bound) gives, as a
/// compact array; an extent of -1 drops its dim. `reshaped`: all of
/// `bound`'s elements at the extents' shape, whose product must be their
/// count.
NDArray atRuntimeShape(const std::string &name, const NDArray &bound,
                       const NDArray &extents, bool reshaped) {
  size_t rank = bound.rank();
  const int64_t *e = extents.dataAs<int64_t>();
  if (reshaped) {
    std::vector<int64_t> shape(e, e + rank);
    uint64_t count = 1;
    bool fits = true;
    for (int64_t d : shape)
      fits &= d >= 0 && !__builtin_mul_overflow(count, (uint64_t)d, &count);
    if (!fits || count != bound.elementCount())
      throw AssetError(AssetError::Code::InvalidArgument,
                       "output '" + name + "': its run-time shape " +
                           bundle::formatShape(shape) + " does not hold its " +
                           std::to_string(bound.elementCount()) + " elements");
    NDArray out(bound.dtype(), shape);
    if (out.byteSize())
      std::memcpy(out.data(), bound.data(), out.byteSize());
    return out;
  }
  std::vector<int64_t> box(rank), shape;
  for (size_t d = 0; d < rank; ++d) {
    int64_t limit = bound.shape()[d];
    if ((e[d] < 0 && !(e[d] == -1 && limit >= 1)) || e[d] > limit)
      throw AssetError(AssetError::Code::InvalidArgument,
                       "output '" + name + "': the inputs give dim " +
                           std::to_string(d) + " the extent " +
                           std::to_string(e[d]) + ", outside its bound " +
                           bundle::formatShape(bound.shape()));
    box[d] = e[d] == -1 ? 1 : e[d];
    if (e[d] != -1)
      shape.push_back(e[d]);
  }
  NDArray out(bound.dtype(), shape);
  if (out.byteSize() == 0)
    return out;
  // Copy the box row by row: its last dim is contiguous in both arrays.
  size_t element = dtypeSize(bound.dtype());
  size_t row = rank ? box[rank - 1] * element : element;
  std::vector<int64_t> index(rank, 0);
  char *to = static_cast<char *>(out.data());
  const char *from = static_cast<const char *>(bound.data());
  for (;;) {
    int64_t offset = 0;
    for (size_t d = 0; d < rank; ++d)
      offset = offset * bound.shape()[d] + index[d];
    std::memcpy(to, from + offset * element, row);
    to += row;
    // The next row: odometer over all dims but the last.
    size_t d = rank ? rank - 1 : 0;
    while (d > 0 && ++index[d - 1] == box[d - 1])
      index[--d] = 0;
    if (d == 0)
      return out;
  }
}
} // namespace

void InferenceFunction::runOn(const FunctionState &variant, Kernel &kernel,
                              const std::vector<NDArray> &inputs,
                              std::vector<NDArray> &outputs,
                              std::vector<TraceEvent> *trace) const {
  if (!variant.kernelOutputs.empty()) {
    // Outputs of run-time shape: the kernel writes them at their bounds,
    // and each run returns fresh arrays at the actual shapes (replacing
    // arrays passed in: they cannot be written at a shape not yet known).
    outputs.clear();
    checkArgumentsOf(variant, function_->descriptor, inputs, outputs);
    std::vector<NDArray> bound;
    for (const TensorDescriptor &t : variant.kernelOutputs)
      bound.emplace_back(t.dtype, t.shape);
    kernel.run(inputs, bound, trace);
    for (size_t o = 0; o < variant.outputOf.size(); ++o) {
      const NDArray &value = bound[variant.outputOf[o]];
      int32_t extents = variant.extentsOf[o];
      outputs.push_back(extents < 0
                            ? value
                            : atRuntimeShape(variant.descriptor.outputs[o].name,
                                             value, bound[extents],
                                             variant.reshapedOf[o]));
    }
    return;
  }
  checkArgumentsOf(variant, function_->descriptor, inputs, outputs);
  // Fresh outputs share no bytes with the inputs or each other.
  if (outputs.empty())
    for (const TensorDescriptor &t : variant.descriptor.outputs)
      outputs.emplace_back(t.dtype, t.shape);
  kernel.run(inputs, outputs, trace);
}

} // namespace coreai::runtime

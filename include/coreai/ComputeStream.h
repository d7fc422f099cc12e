//===- ComputeStream.h - Asynchronous inference on one model --------------===//
//
// As in Core AI, a compute stream runs inferences in the order they were
// enqueued, asynchronously to the caller:
//
//   ComputeStream stream(model);
//   std::future<std::vector<NDArray>> y = stream.enqueue(fn, {x});
//   ... y.get();
//
// Each stream has a worker thread and its own copy of the execution state of
// every function it runs (scratch arena, GPU buffers and recorded command
// buffers), made on its first use there. Runs on different streams of one
// model therefore proceed at once instead of taking turns on the model's
// state (they still share the CPU thread pool dispatch by dispatch, and the
// GPU queue submission by submission), and give the same results as
// InferenceFunction::run.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_COMPUTESTREAM_H
#define COREAI_COMPUTESTREAM_H

#include "coreai/ModelAsset.h"

#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <vector>

namespace coreai::runtime {

class ComputeStream {
public:
  /// Called on the stream's thread when an inference finishes: its outputs,
  /// or the AssetError (as an exception_ptr) that stopped it.
  using Completion =
      std::function<void(std::vector<NDArray> outputs, std::exception_ptr)>;

  /// A stream for the functions of `model` (which it keeps alive).
  /// Throws AssetError if its thread cannot start.
  explicit ComputeStream(const Model &model);
  /// Waits for what was enqueued, then stops the thread.
  ~ComputeStream();
  ComputeStream(const ComputeStream &) = delete;
  ComputeStream &operator=(const ComputeStream &) = delete;

  /// Runs `function` (of this stream's model) on `inputs` after everything
  /// enqueued before. The inputs' storage must stay unchanged until the run
  /// completes. The future holds the outputs or the AssetError (wrong
  /// inputs, a function of another model). Never blocks on the run.
  std::future<std::vector<NDArray>> enqueue(const InferenceFunction &function,
                                            std::vector<NDArray> inputs);
  /// As above, calling `done` on the stream's thread instead. `done` must
  /// not throw.
  void enqueue(const InferenceFunction &function, std::vector<NDArray> inputs,
               Completion done);
  /// As above, writing into `outputs` (checked against the function's
  /// descriptor as InferenceFunction::run does; e.g. views of the caller's
  /// buffers, which must stay valid until `done` is called).
  void enqueue(const InferenceFunction &function, std::vector<NDArray> inputs,
               std::vector<NDArray> outputs, Completion done);

  /// Runs stateful `function` with `state` after everything enqueued before
  /// (InferenceFunction::run(inputs, state)): `inputs` are those that are
  /// not state, and the future holds the outputs that are not state. Runs
  /// on one state take turns, from any stream, in the order they start.
  std::future<std::vector<NDArray>> enqueue(const InferenceFunction &function,
                                            std::vector<NDArray> inputs,
                                            InferenceState state);

  /// Waits until every inference enqueued so far has completed.
  void synchronize();

private:
  struct State;
  std::unique_ptr<State> state_;
};

} // namespace coreai::runtime

#endif // COREAI_COMPUTESTREAM_H

//===- ComputeStream.cpp --------------------------------------------------===//
#include "coreai/ComputeStream.h"

#include "lib/Runtime/ModelState.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

namespace coreai::runtime {

struct ComputeStream::State {
  struct Work {
    InferenceFunction function;
    std::vector<NDArray> inputs;
    std::vector<NDArray> outputs; // empty: allocated by the run
    Completion done;
    std::optional<InferenceState> state; // for a stateful run
  };

  std::shared_ptr<const ModelState> model;
  std::mutex mutex;
  std::condition_variable wake, idle;
  std::deque<Work> queue;
  bool running = false; // the worker holds an item
  bool stop = false;
  // This stream's kernels, by function; only the worker touches them.
  std::map<const FunctionState *, std::unique_ptr<Kernel>> kernels;
  std::thread worker;

  void loop() {
    for (;;) {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return stop || !queue.empty(); });
      if (queue.empty())
        return; // stopping, and nothing left
      Work work = std::move(queue.front());
      queue.pop_front();
      running = true;
      lock.unlock();
      execute(work);
      lock.lock();
      running = false;
      if (queue.empty())
        idle.notify_all();
    }
  }

  void execute(Work &work) {
    std::vector<NDArray> outputs = std::move(work.outputs);
    std::exception_ptr error;
    // This stream's copy of a variant's kernel, made on first use.
    auto kernelFor = [&](const FunctionState &variant) -> Kernel & {
      std::unique_ptr<Kernel> &kernel = kernels[&variant];
      if (!kernel)
        kernel = variant.instantiate();
      return *kernel;
    };
    try {
      if (work.state) {
        work.function.runWithState(work.inputs, *work.state, outputs, nullptr,
                                   kernelFor);
      } else {
        const FunctionState &variant = work.function.variantFor(work.inputs);
        work.function.runOn(variant, kernelFor(variant), work.inputs, outputs,
                            nullptr);
      }
    } catch (...) {
      error = std::current_exception();
      outputs.clear();
    }
    // The inputs are released before the caller hears of completion.
    work.inputs.clear();
    work.state.reset();
    work.done(std::move(outputs), error);
  }
};

ComputeStream::ComputeStream(const Model &model)
    : state_(std::make_unique<State>()) {
  state_->model = model.state_;
  try {
    state_->worker = std::thread([s = state_.get()] { s->loop(); });
  } catch (const std::system_error &e) {
    throw AssetError(AssetError::Code::Internal,
                     std::string("cannot start a compute stream: ") + e.what());
  }
}

ComputeStream::~ComputeStream() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stop = true;
  }
  state_->wake.notify_all();
  state_->worker.join();
}

void ComputeStream::enqueue(const InferenceFunction &function,
                            std::vector<NDArray> inputs, Completion done) {
  enqueue(function, std::move(inputs), {}, std::move(done));
}

void ComputeStream::enqueue(const InferenceFunction &function,
                            std::vector<NDArray> inputs,
                            std::vector<NDArray> outputs, Completion done) {
  if (function.model_ != state_->model) {
    done({}, std::make_exception_ptr(AssetError(
                 AssetError::Code::InvalidArgument,
                 "function '" + function.descriptor().name +
                     "' belongs to another model than the stream's")));
    return;
  }
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->queue.push_back({function, std::move(inputs), std::move(outputs),
                             std::move(done), std::nullopt});
  }
  state_->wake.notify_one();
}

namespace {
/// A completion that settles `promise` with the outputs or the error.
ComputeStream::Completion
fulfil(std::shared_ptr<std::promise<std::vector<NDArray>>> promise) {
  return [promise](std::vector<NDArray> outputs, std::exception_ptr error) {
    if (error)
      promise->set_exception(error);
    else
      promise->set_value(std::move(outputs));
  };
}
} // namespace

std::future<std::vector<NDArray>>
ComputeStream::enqueue(const InferenceFunction &function,
                       std::vector<NDArray> inputs, InferenceState state) {
  auto promise = std::make_shared<std::promise<std::vector<NDArray>>>();
  std::future<std::vector<NDArray>> future = promise->get_future();
  if (function.model_ != state_->model) {
    promise->set_exception(std::make_exception_ptr(
        AssetError(AssetError::Code::InvalidArgument,
                   "function '" + function.descriptor().name +
                       "' belongs to another model than the stream's")));
    return future;
  }
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->queue.push_back(
        {function, std::move(inputs), {}, fulfil(promise), std::move(state)});
  }
  state_->wake.notify_one();
  return future;
}

std::future<std::vector<NDArray>>
ComputeStream::enqueue(const InferenceFunction &function,
                       std::vector<NDArray> inputs) {
  auto promise = std::make_shared<std::promise<std::vector<NDArray>>>();
  std::future<std::vector<NDArray>> future = promise->get_future();
  enqueue(function, std::move(inputs), fulfil(promise));
  return future;
}

void ComputeStream::synchronize() {
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->idle.wait(lock,
                    [&] { return state_->queue.empty() && !state_->running; });
}

} // namespace coreai::runtime

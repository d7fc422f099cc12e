//===- ExecutorRegistry.cpp - The process-wide list of executors ----------===//
#include "lib/Runtime/Executor.h"

#include <mutex>

namespace coreai::runtime {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<Executor>> executors;
};

// A function-local static, so registration from other static initializers
// is safe whatever the initialization order.
Registry &registry() {
  static Registry r;
  return r;
}

} // namespace

void registerExecutor(std::shared_ptr<Executor> executor) {
  if (!executor)
    return;
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (auto &e : r.executors) {
    if (e->name() == executor->name()) {
      e = std::move(executor);
      return;
    }
  }
  r.executors.push_back(std::move(executor));
}

std::vector<std::shared_ptr<Executor>> registeredExecutors() {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.executors;
}

} // namespace coreai::runtime

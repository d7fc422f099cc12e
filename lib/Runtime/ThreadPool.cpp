//===- ThreadPool.cpp - The workers that run a dispatch's workgroups ------===//
#include "lib/Runtime/ThreadPool.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace coreai::runtime {
namespace {

inline void pause() {
#if defined(__x86_64__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// A dispatch follows the last one within microseconds: workers spin this
// many times (tens of microseconds) for the next before they sleep, which
// saves a futex wake-up per dispatch without burning a core when idle.
constexpr int kSpins = 4000;

} // namespace

unsigned ThreadPool::defaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

ThreadPool::ThreadPool(unsigned threads) {
  try {
    for (unsigned w = 1; w < threads; ++w)
      workers_.emplace_back([this, w] { workerLoop(w); });
  } catch (...) {
    stopWorkers();
    throw;
  }
}

ThreadPool::~ThreadPool() { stopWorkers(); }

void ThreadPool::stopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (std::thread &t : workers_)
    t.join();
  workers_.clear();
}

void ThreadPool::take(uint32_t worker) {
  for (;;) {
    uint32_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= count_)
      return;
    task_(context_, i, worker);
  }
}

void ThreadPool::run(uint32_t count, Task task, void *context) {
  if (count == 0)
    return;
  std::lock_guard<std::mutex> turn(runMutex_);
  if (workers_.empty() || count == 1) {
    for (uint32_t i = 0; i < count; ++i)
      task(context, i, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = task;
    context_ = context;
    count_ = count;
    next_.store(0, std::memory_order_relaxed);
    open_.store(true);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  take(0);
  // Every workgroup is taken: workers that have not joined yet stay out,
  // and those inside finish their last workgroups. (Sequentially
  // consistent: a worker that joins before the close sees the job open and
  // is waited for; one that joins after sees it closed and takes nothing.)
  open_.store(false);
  for (int spin = 0; participants_.load() != 0; ++spin) {
    if (spin < kSpins) {
      pause();
      continue;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return participants_.load() == 0; });
    break;
  }
}

void ThreadPool::workerLoop(uint32_t worker) {
  uint64_t seen = 0;
  for (;;) {
    // Spin briefly on the generation before sleeping on it.
    for (int spin = 0;
         spin < kSpins && generation_.load(std::memory_order_acquire) == seen;
         ++spin)
      pause();
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      seen = generation_.load();
      if (stop_)
        return;
    }
    participants_.fetch_add(1);
    if (open_.load())
      take(worker);
    if (participants_.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

} // namespace coreai::runtime

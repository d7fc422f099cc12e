//===- ThreadPool.h - The workers that run a dispatch's workgroups --------===//
//
// One pool per specialization. run() hands the workgroups of one dispatch
// to the calling thread and the pool's workers, which take them from a
// shared counter (so uneven workgroups balance themselves) and returns when
// all are done; steps therefore run in order, each on every worker. Threads
// are created with the pool and joined when it is destroyed, never per
// inference, and run() allocates nothing.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_THREADPOOL_H
#define COREAI_RUNTIME_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace coreai::runtime {

class ThreadPool {
public:
  /// Runs workgroup `index` on worker `worker` (0: the calling thread).
  using Task = void (*)(void *context, uint32_t index, uint32_t worker);

  /// `threads` workers in all, the calling thread included (1 to
  /// kMaxThreads). Throws std::system_error if a thread cannot start
  /// (those started are joined first).
  explicit ThreadPool(unsigned threads);

  /// More threads than any host this runs on has cores.
  static constexpr unsigned kMaxThreads = 1024;
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  /// Workers, the calling thread included.
  unsigned size() const { return (unsigned)workers_.size() + 1; }

  /// Runs task(context, i, worker) for every i < count and waits for all.
  /// Calls from several threads (functions of one model run at once) take
  /// turns; a task must not throw.
  void run(uint32_t count, Task task, void *context);

  /// The number of threads when the app asks for "all": the host's cores.
  static unsigned defaultThreads();

private:
  void workerLoop(uint32_t worker);
  void take(uint32_t worker);

  void stopWorkers();

  std::vector<std::thread> workers_;
  std::mutex runMutex_; // one job at a time
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  // The current job, published under mutex_ with a new generation.
  std::atomic<uint64_t> generation_{0};
  bool stop_ = false;
  Task task_ = nullptr;
  void *context_ = nullptr;
  uint32_t count_ = 0;
  std::atomic<uint32_t> next_{0};
  // Workers inside the current job. A worker joins only while the job is
  // open; the caller closes it once every workgroup has been taken and
  // waits for those that joined, never for workers not yet running (asleep,
  // or their CPU taken by another tenant of the host).
  std::atomic<int32_t> participants_{0};
  std::atomic<bool> open_{false};
};

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_THREADPOOL_H

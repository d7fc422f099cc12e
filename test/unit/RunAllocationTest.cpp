//===- RunAllocationTest.cpp - run() allocates nothing; runs are safe -----===//
//
// A test binary of its own: it interposes malloc and friends (glibc's
// __libc_* entry points do the work) to count every heap allocation made by
// any thread, the thread pool's workers and the generated code included,
// while a specialized model runs. The bundle is a compiled model whose CPU
// function is a schedule of dispatches (COREAI_TEST_BUNDLE, with its input
// COREAI_TEST_INPUT), built by the ctest command that runs this binary.
//
//===----------------------------------------------------------------------===//
#include "coreai/ModelAsset.h"
#include "coreai/TensorIO.h"
#include "lib/Runtime/CPU/CpuExecutor.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>

extern "C" {
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void *__libc_memalign(size_t, size_t);
void __libc_free(void *);
}

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
inline void count() {
  if (counting.load(std::memory_order_relaxed))
    allocations.fetch_add(1, std::memory_order_relaxed);
}
} // namespace

extern "C" {
void *malloc(size_t n) {
  count();
  return __libc_malloc(n);
}
void *calloc(size_t n, size_t size) {
  count();
  return __libc_calloc(n, size);
}
void *realloc(void *p, size_t n) {
  count();
  return __libc_realloc(p, n);
}
void *aligned_alloc(size_t alignment, size_t n) {
  count();
  return __libc_memalign(alignment, n);
}
void *memalign(size_t alignment, size_t n) {
  count();
  return __libc_memalign(alignment, n);
}
int posix_memalign(void **out, size_t alignment, size_t n) {
  count();
  *out = __libc_memalign(alignment, n);
  return *out || n == 0 ? 0 : ENOMEM;
}
void free(void *p) { __libc_free(p); }
}

using namespace coreai;
using namespace coreai::runtime;

namespace {

std::string env(const char *name) {
  const char *v = std::getenv(name);
  if (!v)
    FAIL(name << " is not set");
  return v;
}

InferenceFunction specialized(unsigned threads) {
  registerCpuExecutor();
  SpecializationOptions cpu;
  cpu.allowedUnits = {ComputeUnit::CPU};
  cpu.threads = threads;
  Model model = ModelAsset::open(env("COREAI_TEST_BUNDLE")).specialize(cpu);
  return model.function("main");
}

bool sameBytes(const NDArray &a, const NDArray &b) {
  return a.byteSize() == b.byteSize() &&
         std::memcmp(a.data(), b.data(), a.byteSize()) == 0;
}

} // namespace

TEST_CASE("run() allocates nothing after the first run", "[runtime][alloc]") {
  std::vector<NDArray> inputs = {readTensorFile(env("COREAI_TEST_INPUT"))};
  for (unsigned threads : {1u, 2u, 4u}) {
    INFO(threads << " threads");
    InferenceFunction fn = specialized(threads);
    // The function runs as its dispatches, scratch in one arena.
    REQUIRE_THAT(fn.placement(), Catch::Contains(" dispatches on "));
    CHECK(fn.arenaBytes() > 0);
    std::vector<NDArray> outputs;
    fn.run(inputs, outputs); // allocates the outputs
    std::vector<NDArray> first = {outputs[0].clone()};
    allocations = 0;
    counting = true;
    for (int i = 0; i < 20; ++i)
      fn.run(inputs, outputs);
    counting = false;
    CHECK(allocations.load() == 0);
    CHECK(sameBytes(outputs[0], first[0]));
  }
  // The interposer does count: a run that allocates its outputs is seen.
  InferenceFunction fn = specialized(2);
  allocations = 0;
  counting = true;
  std::vector<NDArray> fresh = fn.run(inputs);
  counting = false;
  CHECK(allocations.load() > 0);
}

TEST_CASE("one specialized model runs from 4 threads at once",
          "[runtime][concurrency]") {
  std::vector<NDArray> inputs = {readTensorFile(env("COREAI_TEST_INPUT"))};
  InferenceFunction fn = specialized(2);
  NDArray want = fn.run(inputs)[0];
  std::atomic<int> wrong{0}, done{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&] {
      std::vector<NDArray> outputs;
      for (int i = 0; i < 25; ++i) {
        outputs.clear();
        fn.run(inputs, outputs);
        wrong += !sameBytes(outputs[0], want);
        ++done;
      }
    });
  for (std::thread &t : callers)
    t.join();
  CHECK(done.load() == 100);
  CHECK(wrong.load() == 0);
}

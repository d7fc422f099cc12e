//===- ComputeStreamTest.cpp - Inferences on several streams at once ------===//
//
// A test binary of its own, run by a ctest command that first compiles the
// bundled digits model (batch 8, its input COREAI_TEST_INPUT) for the CPU
// (COREAI_TEST_CPU_BUNDLE: a schedule of dispatches) and for the CPU and the
// GPU (COREAI_TEST_BUNDLE: a GPU schedule, and one of CPU dispatches). A
// whole CPU function on streams is tested in RuntimeTest.cpp. Four streams run
// 25 inferences each on one model, every one on its own input; each result must
// equal what a synchronous run gives for that input. On the CPU alone, then
// through the GPU where Vulkan is available (lavapipe in CI).
//
//===----------------------------------------------------------------------===//
#include "coreai/ComputeStream.h"
#include "coreai/ModelAsset.h"
#include "coreai/TensorIO.h"
#include "lib/Runtime/CPU/CpuExecutor.h"
#include "lib/Runtime/GPU/GpuExecutor.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>

using namespace coreai;
using namespace coreai::runtime;
using coreai::test::requireEnv;

namespace {

/// Input `k`: the test input with every value scaled and shifted by k, so
/// that results of different inferences differ.
NDArray inputFor(const NDArray &base, int k) {
  NDArray x = base.clone();
  float *p = x.dataAs<float>();
  for (uint64_t i = 0; i < x.elementCount(); ++i)
    p[i] = p[i] * (1.0f + 0.01f * k) + 0.001f * k;
  return x;
}

bool sameBytes(const NDArray &a, const NDArray &b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.data(), b.data(), a.byteSize()) == 0;
}

void runStreams(const Model &model) {
  constexpr int kStreams = 4, kRuns = 25;
  InferenceFunction fn = model.function("main");
  NDArray base = readTensorFile(requireEnv("COREAI_TEST_INPUT"));
  std::vector<std::vector<NDArray>> inputs(kStreams), expected(kStreams);
  for (int s = 0; s < kStreams; ++s)
    for (int r = 0; r < kRuns; ++r) {
      inputs[s].push_back(inputFor(base, s * kRuns + r));
      expected[s].push_back(fn.run({inputs[s].back()})[0]);
    }
  // Inputs that differ give outputs that differ: a mixed-up result shows.
  REQUIRE(!sameBytes(expected[0][0], expected[0][1]));

  std::vector<std::unique_ptr<ComputeStream>> streams;
  for (int s = 0; s < kStreams; ++s)
    streams.push_back(std::make_unique<ComputeStream>(model));
  // Futures on streams 0 and 1, completion callbacks on 2 and 3, all
  // enqueued before any is awaited.
  std::vector<std::vector<std::future<std::vector<NDArray>>>> futures(kStreams);
  std::vector<std::vector<std::vector<NDArray>>> called(
      kStreams, std::vector<std::vector<NDArray>>(kRuns));
  std::atomic<int> failures{0}, completions{0};
  for (int r = 0; r < kRuns; ++r)
    for (int s = 0; s < kStreams; ++s) {
      if (s < 2) {
        futures[s].push_back(streams[s]->enqueue(fn, {inputs[s][r]}));
        continue;
      }
      streams[s]->enqueue(
          fn, {inputs[s][r]},
          [&, s, r](std::vector<NDArray> out, std::exception_ptr error) {
            if (error)
              ++failures;
            called[s][r] = std::move(out);
            ++completions;
          });
    }
  for (int s = 0; s < kStreams; ++s)
    streams[s]->synchronize();
  CHECK(completions == 2 * kRuns);
  CHECK(failures == 0);
  int mismatches = 0;
  for (int s = 0; s < kStreams; ++s)
    for (int r = 0; r < kRuns; ++r) {
      std::vector<NDArray> got =
          s < 2 ? futures[s][r].get() : std::move(called[s][r]);
      if (got.size() != 1 || !sameBytes(got[0], expected[s][r]))
        ++mismatches;
    }
  CHECK(mismatches == 0);
}

/// The bundle named by environment variable `var`, on the CPU alone.
Model onCPU(const char *var) {
  registerCpuExecutor();
  SpecializationOptions cpu;
  cpu.allowedUnits = {ComputeUnit::CPU};
  return ModelAsset::open(requireEnv(var)).specialize(cpu);
}

} // namespace

TEST_CASE("4 streams x 25 inferences on CPU dispatches", "[stream]") {
  Model model = onCPU("COREAI_TEST_CPU_BUNDLE");
  REQUIRE(model.function("main").placement().rfind("schedule", 0) == 0);
  runStreams(model);
}

TEST_CASE("4 streams x 25 inferences of a CPU+GPU bundle on the CPU",
          "[stream]") {
  Model model = onCPU("COREAI_TEST_BUNDLE");
  REQUIRE(model.function("main").placement().rfind("schedule: 0 gpu", 0) == 0);
  runStreams(model);
}

TEST_CASE("4 streams x 25 inferences through the GPU", "[stream]") {
  if (std::optional<Model> model =
          test::onGpu(requireEnv("COREAI_TEST_BUNDLE")))
    runStreams(*model);
}

TEST_CASE("stream errors arrive through the future", "[stream]") {
  registerCpuExecutor();
  ModelAsset asset = ModelAsset::open(requireEnv("COREAI_TEST_BUNDLE"));
  SpecializationOptions cpu;
  cpu.allowedUnits = {ComputeUnit::CPU};
  Model model = asset.specialize(cpu);
  Model other = asset.specialize(cpu);
  ComputeStream stream(model);
  // A wrong shape.
  auto bad = stream.enqueue(model.function("main"),
                            {NDArray(DType::F32, {1, 1, 8, 8})});
  try {
    bad.get();
    FAIL("no error");
  } catch (const AssetError &e) {
    CHECK(e.code() == AssetError::Code::InvalidArgument);
    CHECK(e.message().find("input 0 'image': expected float32 [8,1,8,8]") !=
          std::string::npos);
  }
  // A function of another model.
  auto foreign = stream.enqueue(other.function("main"),
                                {NDArray(DType::F32, {8, 1, 8, 8})});
  CHECK_THROWS_AS(foreign.get(), AssetError);
  // The stream still works afterwards.
  auto good = stream.enqueue(model.function("main"),
                             {NDArray(DType::F32, {8, 1, 8, 8})});
  CHECK(good.get().size() == 1);
}

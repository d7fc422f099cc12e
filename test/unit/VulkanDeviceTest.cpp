//===- VulkanDeviceTest.cpp - The Vulkan layer on a real (CPU) device -----===//
//
// Runs on whatever Vulkan driver the host has; CI installs Mesa's lavapipe.
// A host without a usable device fails these tests (with the reason) rather
// than skipping them, so a broken driver install cannot pass silently.
//
//===----------------------------------------------------------------------===//
#include "lib/Runtime/GPU/VulkanDevice.h"
#include "coreai/AssetError.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <thread>

using namespace coreai::runtime;
using namespace coreai::runtime::vulkan;
using coreai::test::errorOf;
using coreai::test::TempDir;

namespace {

std::shared_ptr<Device> openDevice() {
  std::string why;
  std::shared_ptr<Device> device =
      Device::open(-1, /*robustBufferAccess=*/false, why);
  INFO("Device::open(-1): " << why);
  REQUIRE(device);
  return device;
}

std::shared_ptr<Pipeline> loadKernel(Device &device, const std::string &path,
                                     uint32_t numBindings,
                                     const std::string &label) {
  std::vector<uint32_t> words = coreai::test::readSpirvWords(path);
  return device.createPipeline(words.data(), words.size(), "main", numBindings,
                               label);
}

float *floats(const std::shared_ptr<Buffer> &b) {
  return static_cast<float *>(b->data());
}

constexpr uint32_t kN = 1000; // the add kernel's guard

} // namespace

TEST_CASE("Vulkan device opens and lists", "[vulkan]") {
  std::shared_ptr<Device> device = openDevice();
  CHECK(!device->name().empty());
  CHECK(!device->cacheKey().empty());
  CHECK(device->supportsCapability("Shader"));
  CHECK(!device->supportsCapability("NoSuchCapability"));

  std::string why;
  std::vector<std::string> devices = Device::list(why);
  INFO("Device::list: " << why);
  REQUIRE(devices.size() >= 1);
  CHECK(devices[0].rfind("0: ", 0) == 0);

  std::shared_ptr<Device> missing =
      Device::open(99, /*robustBufferAccess=*/false, why);
  CHECK(!missing);
  CHECK(why.rfind("there is no GPU device 99 (found ", 0) == 0);
  CHECK(why.find('\n') == std::string::npos);
}

TEST_CASE("Vulkan buffers are mapped and zero-filled", "[vulkan]") {
  std::shared_ptr<Device> device = openDevice();
  std::shared_ptr<Buffer> b = device->allocate(4000);
  CHECK(b->size() == 4000);
  REQUIRE(b->data());
  for (uint32_t i = 0; i < 1000; ++i)
    REQUIRE(floats(b)[i] == 0.0f);
  std::shared_ptr<Buffer> empty = device->allocate(0);
  CHECK(empty->size() == 1);
  CHECK(empty->data());
}

TEST_CASE("Vulkan add kernel, ragged last workgroup, run twice", "[vulkan]") {
  std::shared_ptr<Device> device = openDevice();
  std::shared_ptr<Pipeline> add =
      loadKernel(*device, COREAI_TEST_SPIRV_ADD, 3, "add");
  CHECK(add->numBindings() == 3);
  auto a = device->allocate(kN * 4), b = device->allocate(kN * 4),
       out = device->allocate(kN * 4);
  std::unique_ptr<Recording> rec = device->record({Dispatch{
      add.get(), {a.get(), b.get(), out.get()}, {(kN + 63) / 64, 1, 1}}});
  for (int round = 0; round < 2; ++round) {
    for (uint32_t i = 0; i < kN; ++i) {
      floats(a)[i] = float(i) + 0.5f * float(round);
      floats(b)[i] = 1000.0f * float(round + 1) - float(i) * 0.25f;
    }
    rec->run();
    for (uint32_t i = 0; i < kN; ++i) {
      INFO("round " << round << ", element " << i);
      REQUIRE(floats(out)[i] == floats(a)[i] + floats(b)[i]);
    }
  }
}

TEST_CASE("Vulkan dispatches see their predecessors' writes", "[vulkan]") {
  std::shared_ptr<Device> device = openDevice();
  std::shared_ptr<Pipeline> add =
      loadKernel(*device, COREAI_TEST_SPIRV_ADD, 3, "add");
  std::shared_ptr<Pipeline> scale =
      loadKernel(*device, COREAI_TEST_SPIRV_SCALE, 2, "scale");
  auto a = device->allocate(kN * 4), b = device->allocate(kN * 4),
       sum = device->allocate(kN * 4), out = device->allocate(kN * 4);
  for (uint32_t i = 0; i < kN; ++i) {
    floats(a)[i] = float(i);
    floats(b)[i] = 3.0f;
  }
  std::array<uint32_t, 3> groups{(kN + 63) / 64, 1, 1};
  std::unique_ptr<Recording> rec = device->record(
      {Dispatch{add.get(), {a.get(), b.get(), sum.get()}, groups},
       Dispatch{scale.get(), {sum.get(), out.get()}, groups}});
  std::vector<DispatchTiming> timings;
  rec->run(&timings);
  for (uint32_t i = 0; i < kN; ++i) {
    INFO("element " << i);
    REQUIRE(floats(out)[i] == 2.0f * (float(i) + 3.0f));
  }
  REQUIRE(timings.size() == 2);
  CHECK(timings[0].startNs == 0);
  CHECK(timings[0].durationNs >= 0);
  CHECK(timings[1].startNs >= 0);
  CHECK(timings[1].durationNs >= 0);
}

TEST_CASE("Vulkan rejects invalid SPIR-V, naming the kernel", "[vulkan]") {
  std::shared_ptr<Device> device = openDevice();
  const uint32_t garbage[5] = {0xdeadbeef, 1, 2, 3, 4};
  AssetError e = errorOf(
      [&] { device->createPipeline(garbage, 5, "main", 1, "bad_kernel"); });
  CHECK(e.code() == AssetError::Code::Unsupported);
  CHECK(e.message().find("bad_kernel") != std::string::npos);

  // A valid module without the requested entry point.
  std::vector<uint32_t> words =
      coreai::test::readSpirvWords(COREAI_TEST_SPIRV_ADD);
  e = errorOf([&] {
    device->createPipeline(words.data(), words.size(), "nope", 3, "add");
  });
  CHECK(e.code() == AssetError::Code::Unsupported);
  CHECK(e.message().find("add: ") == 0);
}

TEST_CASE("Vulkan pipeline cache data", "[vulkan]") {
  std::vector<uint8_t> data;
  {
    std::shared_ptr<Device> device = openDevice();
    loadKernel(*device, COREAI_TEST_SPIRV_ADD, 3, "add");
    REQUIRE(device->pipelineCacheData(data));
  }
  // The driver's header: its length, then version 1
  // (VkPipelineCacheHeaderVersionOne).
  REQUIRE(data.size() >= 32);
  uint32_t headerVersion = 0;
  std::memcpy(&headerVersion, data.data() + 4, 4);
  CHECK(headerVersion == 1);

  std::shared_ptr<Device> device = openDevice();
  CHECK(device->mergePipelineCache(data.data(), data.size()));
  // Pipelines still build through the merged cache.
  loadKernel(*device, COREAI_TEST_SPIRV_ADD, 3, "add");
  // Data the driver cannot use is ignored, not an error.
  std::vector<uint8_t> garbage(64, 0xab);
  device->mergePipelineCache(garbage.data(), garbage.size());
  loadKernel(*device, COREAI_TEST_SPIRV_SCALE, 2, "scale");
}

TEST_CASE("Vulkan dispatch with the wrong buffer count", "[vulkan]") {
  std::shared_ptr<Device> device = openDevice();
  std::shared_ptr<Pipeline> add =
      loadKernel(*device, COREAI_TEST_SPIRV_ADD, 3, "add");
  auto a = device->allocate(kN * 4), b = device->allocate(kN * 4);
  AssetError e = errorOf([&] {
    device->record({Dispatch{add.get(), {a.get(), b.get()}, {16, 1, 1}}});
  });
  CHECK(e.code() == AssetError::Code::InvalidArgument);
  CHECK(e.message().find("3 bindings") != std::string::npos);
}

TEST_CASE("Vulkan recordings run from several threads", "[vulkan]") {
  std::shared_ptr<Device> device = openDevice();
  std::shared_ptr<Pipeline> scale =
      loadKernel(*device, COREAI_TEST_SPIRV_SCALE, 2, "scale");
  constexpr int kThreads = 4, kRuns = 10;
  std::vector<std::shared_ptr<Buffer>> ins, outs;
  std::vector<std::unique_ptr<Recording>> recs;
  for (int t = 0; t < kThreads; ++t) {
    ins.push_back(device->allocate(kN * 4));
    outs.push_back(device->allocate(kN * 4));
    recs.push_back(device->record({Dispatch{
        scale.get(), {ins[t].get(), outs[t].get()}, {(kN + 63) / 64, 1, 1}}}));
  }
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int run = 0; run < kRuns; ++run) {
        for (uint32_t i = 0; i < kN; ++i)
          floats(ins[t])[i] = float(t * 1000 + run * 10) + float(i);
        recs[t]->run();
        for (uint32_t i = 0; i < kN; ++i)
          if (floats(outs[t])[i] != 2.0f * floats(ins[t])[i])
            ++failures[t];
      }
    });
  for (std::thread &th : threads)
    th.join();
  CHECK(failures == std::vector<int>(kThreads, 0));
}

//===- ScheduleTest.cpp - Schedules in bundles and in the runtime ---------===//
#include "coreai/ModelAsset.h"
#include "lib/Bundle/BundleReader.h"
#include "lib/Bundle/BundleWriter.h"
#include "lib/Runtime/CPU/CpuExecutor.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

using namespace coreai;
using namespace coreai::bundle;
using namespace coreai::runtime;

namespace {

/// sampleContents() where `main` (y = x + c) also has a schedule: the test
/// kernel's own entry point as one CPU step (its arguments are inputs then
/// outputs: x, y, c), then a copy of y into a scratch slot and back, so the
/// schedule's slots, steps and copies all take part.
BundleContents scheduledContents(std::vector<uint8_t> executable = {}) {
  BundleContents c = test::sampleContents(std::move(executable));
  ScheduleData s;
  s.slots = {{SlotKind::Input, 0, 24},
             {SlotKind::Constant, 0, 24},
             {SlotKind::Scratch, 0, 24},
             {SlotKind::Output, 0, 24}};
  s.steps = {{"cpu", 0, "coreai_fn_main", {0, 2, 1}, {}, "add0 (Add)"},
             {"copy", 0, "", {2, 3}, {}, ""}};
  c.functions[0].schedule = {s};
  // affine(x) -> (y, n) with constants a = 2, b = 1: one CPU step whose
  // arguments are in the test kernel's order.
  ScheduleData a;
  a.slots = {{SlotKind::Input, 0, 24},
             {SlotKind::Output, 0, 24},
             {SlotKind::Output, 1, 8},
             {SlotKind::Constant, 2, 24},
             {SlotKind::Constant, 1, 24}};
  a.steps = {{"cpu", 0, "coreai_fn_affine", {0, 1, 2, 3, 4}, {}, "mul0 (Mul)"}};
  c.functions[1].schedule = {a};
  return c;
}

std::unique_ptr<BundleFile> open(const BundleContents &c) {
  ReadError error;
  auto file = BundleFile::fromBytes(serializeBundle(c), error);
  INFO(error.message);
  REQUIRE(file);
  return file;
}

} // namespace

TEST_CASE("schedules and executable needs round trip", "[bundle][schedule]") {
  BundleContents in = scheduledContents();
  in.executables.push_back({"gpu",
                            "vulkan1.1",
                            "spirv",
                            std::vector<uint8_t>(32, 7),
                            {"Shader", "Int64"}});
  in.functions[0].schedule[0].steps.insert(
      in.functions[0].schedule[0].steps.begin(),
      StepData{"gpu", 1, "k", {0, 1}, {2, 1, 1}, "relu (Relu)"});
  auto file = open(in);
  REQUIRE(file->executables().size() == 2);
  CHECK(file->executables()[1].needs ==
        std::vector<std::string>{"Shader", "Int64"});
  CHECK(file->executables()[0].needs.empty());
  const FunctionInfo &main = file->functions()[0];
  REQUIRE(main.schedule.size() == 1);
  const ScheduleData &s = main.schedule[0];
  REQUIRE(s.slots.size() == 4);
  CHECK(s.slots[1].kind == SlotKind::Constant);
  CHECK(s.slots[2].size == 24);
  REQUIRE(s.steps.size() == 3);
  CHECK(s.steps[0].unit == "gpu");
  CHECK(s.steps[0].executable == 1);
  CHECK(s.steps[0].entry == "k");
  CHECK(s.steps[0].args == std::vector<uint32_t>{0, 1});
  CHECK(s.steps[0].groups == std::vector<uint32_t>{2, 1, 1});
  CHECK(s.steps[0].source == "relu (Relu)");
  CHECK(s.steps[2].unit == "copy");
  CHECK(file->functions()[1].schedule.size() == 1);
}

TEST_CASE("the writer refuses inconsistent schedules", "[bundle][schedule]") {
  BundleContents c = scheduledContents();
  c.functions[0].schedule[0].steps[0].args = {0, 9, 1};
  // The reader refuses the same bundle, in the same words.
  ReadError error;
  CHECK_FALSE(BundleFile::fromBytes(serializeBundle(c), error));
  CHECK(error.message.find("function 'main': schedule step 0 refers to slot "
                           "9 of 4") != std::string::npos);
  CHECK(writeBundle(c, "/nonexistent/x.aimodel") ==
        "function 'main': schedule step 0 refers to slot 9 of 4");

  c = scheduledContents();
  c.functions[0].schedule[0].slots.pop_back(); // no slot for output 0
  c.functions[0].schedule[0].steps.pop_back();
  CHECK(writeBundle(c, "/nonexistent/x.aimodel") ==
        "function 'main': output 0 has 0 schedule slots (expected 1)");

  c = scheduledContents();
  c.functions[0].schedule[0].steps[0].unit = "gpu";
  c.functions[0].schedule[0].steps[0].groups = {1, 1, 1};
  CHECK(writeBundle(c, "/nonexistent/x.aimodel") ==
        "function 'main': schedule step 0 runs on gpu, but executable 0 is "
        "for cpu");

  c = scheduledContents();
  c.functions[0].schedule[0].slots[1].size = 8;
  CHECK(writeBundle(c, "/nonexistent/x.aimodel") ==
        "function 'main': schedule slot 1 has 8 bytes, but its tensor has 24");
}

TEST_CASE("a schedule of CPU steps runs on host memory",
          "[runtime][schedule]") {
  registerCpuExecutor();
  test::TempDir dir;
  std::string path = dir.file("s.aimodel");
  REQUIRE(
      writeBundle(scheduledContents(test::readFileBytes(COREAI_TEST_KERNEL)),
                  path) == "");
  ModelAsset asset = ModelAsset::open(path);

  NDArray x(DType::F32, {2, 3});
  for (int i = 0; i < 6; ++i)
    x.dataAs<float>()[i] = float(i) * 10;
  // Constant 0 is [1..6]: y = x + c.
  std::vector<float> want = {1, 12, 23, 34, 45, 56};

  // With the GPU preferred, the schedule runs (every step on the CPU, so no
  // GPU device is needed) and traces each step.
  SpecializationOptions gpu;
  gpu.allowedUnits = {ComputeUnit::CPU, ComputeUnit::GPU};
  gpu.preferredUnit = ComputeUnit::GPU;
  InferenceFunction fn = asset.specialize(gpu).function("main");
  CHECK(fn.placement() == "schedule: 0 gpu + 1 cpu steps, 0.00 MB arena");
  CHECK(fn.arenaBytes() == 64); // the scratch slot, 64-byte aligned
  std::vector<NDArray> out;
  std::vector<TraceEvent> trace;
  fn.run({x}, out, &trace);
  CHECK(std::vector<float>(out[0].dataAs<float>(),
                           out[0].dataAs<float>() + 6) == want);
  REQUIRE(trace.size() == 2);
  CHECK(trace[0].name == "coreai_fn_main");
  CHECK(trace[0].unit == "cpu");
  CHECK(trace[0].source == "add0 (Add)");
  CHECK(trace[1].name == "copy");
  CHECK(trace[0].durationUs >= 0);

  // The CPU alone runs the whole function instead.
  SpecializationOptions cpu;
  cpu.allowedUnits = {ComputeUnit::CPU};
  InferenceFunction whole = asset.specialize(cpu).function("main");
  CHECK(whole.placement() == "cpu");
  std::vector<NDArray> out2 = whole.run({x});
  CHECK(std::vector<float>(out2[0].dataAs<float>(),
                           out2[0].dataAs<float>() + 6) == want);

  // affine's schedule gives what its whole function gives.
  InferenceFunction affine = asset.specialize(gpu).function("affine");
  std::vector<NDArray> a1 = affine.run({x});
  std::vector<NDArray> a2 = asset.specialize(cpu).function("affine").run({x});
  CHECK(std::vector<float>(a1[0].dataAs<float>(), a1[0].dataAs<float>() + 6) ==
        std::vector<float>(a2[0].dataAs<float>(), a2[0].dataAs<float>() + 6));
  CHECK(*a1[1].dataAs<int64_t>() == *a2[1].dataAs<int64_t>());

  // A bundle without schedules cannot prefer the GPU.
  std::string plain = dir.file("plain.aimodel");
  REQUIRE(writeBundle(test::kernelContents(COREAI_TEST_KERNEL), plain) == "");
  try {
    ModelAsset::open(plain).specialize(gpu);
    FAIL("expected an AssetError");
  } catch (const AssetError &e) {
    CHECK(e.message() == "function 'main' has no GPU code: compile the "
                         "model with --target gpu");
  }
}

namespace {

/// sampleContents() where `main` (y = x + c) is a schedule of one CPU
/// dispatch (the test kernel's coreai_dispatch_add) of `groups` workgroups.
BundleContents dispatchContents(uint32_t groups) {
  BundleContents c =
      test::sampleContents(test::readFileBytes(COREAI_TEST_KERNEL));
  ScheduleData s;
  s.slots = {{SlotKind::Input, 0, 24},
             {SlotKind::Constant, 0, 24},
             {SlotKind::Output, 0, 24}};
  s.steps = {{"cpu",
              0,
              "coreai_dispatch_add",
              {0, 1, 2},
              {groups, 1, 1},
              "add0 (Add)"}};
  c.functions[0].schedule = {s};
  return c;
}

} // namespace

TEST_CASE("CPU dispatches run their workgroups on the thread pool",
          "[runtime][schedule]") {
  registerCpuExecutor();
  NDArray x(DType::F32, {2, 3});
  for (int i = 0; i < 6; ++i)
    x.dataAs<float>()[i] = float(i) * 10;
  std::vector<float> want = {1, 12, 23, 34, 45, 56};
  SpecializationOptions cpu;
  cpu.allowedUnits = {ComputeUnit::CPU};
  cpu.threads = 2;
  for (uint32_t groups : {1u, 3u, 6u}) {
    INFO(groups << " workgroups");
    ModelAsset asset =
        ModelAsset::fromBytes(serializeBundle(dispatchContents(groups)));
    Model model = asset.specialize(cpu);
    CHECK(model.threads() == 2);
    InferenceFunction fn = model.function("main");
    CHECK(fn.placement() ==
          "schedule: 0 gpu + 1 cpu steps (1 dispatch on 2 threads), 0.00 MB "
          "arena");
    // No scratch slots: nothing in the arena.
    CHECK(fn.arenaBytes() == 0);
    std::vector<NDArray> out;
    std::vector<TraceEvent> trace;
    fn.run({x}, out, &trace);
    CHECK(std::vector<float>(out[0].dataAs<float>(),
                             out[0].dataAs<float>() + 6) == want);
    // One event per worker that ran workgroups, on its own track.
    REQUIRE(!trace.empty());
    CHECK(trace.size() <= 2);
    for (const TraceEvent &e : trace) {
      CHECK(e.name == "coreai_dispatch_add");
      CHECK(e.unit == "cpu");
      CHECK(e.source == "add0 (Add)");
      CHECK(e.worker < 2);
    }
    // The caller's arrays are bound, not copied: a second run into other
    // arrays writes those.
    NDArray x2(DType::F32, {2, 3});
    for (int i = 0; i < 6; ++i)
      x2.dataAs<float>()[i] = 1;
    std::vector<NDArray> out2 = fn.run({x2});
    CHECK(std::vector<float>(out2[0].dataAs<float>(),
                             out2[0].dataAs<float>() + 6) ==
          std::vector<float>{2, 3, 4, 5, 6, 7});
  }
}

TEST_CASE("CPU dispatch steps are checked before they run",
          "[runtime][schedule]") {
  registerCpuExecutor();
  SpecializationOptions cpu;
  cpu.allowedUnits = {ComputeUnit::CPU};
  // The dispatch refuses a binding count other than its own at
  // specialization, before any workgroup runs.
  BundleContents c = dispatchContents(2);
  c.functions[0].schedule[0].steps[0].args = {0, 2};
  try {
    ModelAsset::fromBytes(serializeBundle(c)).specialize(cpu);
    FAIL("expected an AssetError");
  } catch (const AssetError &e) {
    CHECK(e.message() == "function 'main' step 0 (coreai_dispatch_add): "
                         "dispatch 'coreai_dispatch_add' does not take 2 "
                         "bindings");
  }
  c = dispatchContents(2);
  c.functions[0].schedule[0].steps[0].entry = "coreai_dispatch_none";
  try {
    ModelAsset::fromBytes(serializeBundle(c)).specialize(cpu);
    FAIL("expected an AssetError");
  } catch (const AssetError &e) {
    CHECK_THAT(e.message(),
               Catch::Contains("has no dispatch 'coreai_dispatch_none'"));
  }
  // Slots reordered so that the code would write into the constant (or
  // read the input past its end): the argument table refuses it.
  c = dispatchContents(2);
  c.functions[0].schedule[0].steps[0].args = {0, 2, 1};
  try {
    ModelAsset::fromBytes(serializeBundle(c)).specialize(cpu);
    FAIL("expected an AssetError");
  } catch (const AssetError &e) {
    CHECK(e.code() == AssetError::Code::Corrupt);
    CHECK(e.message() == "function 'main' step 0 (coreai_dispatch_add): the "
                         "code of 'coreai_dispatch_add' writes buffer 2 "
                         "(constant slot 1), which is read-only");
  }
  c = dispatchContents(2);
  c.functions[0].schedule[0].slots.push_back({SlotKind::Scratch, 0, 8});
  c.functions[0].schedule[0].steps[0].args = {0, 1, 3};
  try {
    ModelAsset::fromBytes(serializeBundle(c)).specialize(cpu);
    FAIL("expected an AssetError");
  } catch (const AssetError &e) {
    CHECK(e.message() == "function 'main' step 0 (coreai_dispatch_add): "
                         "buffer 2 (scratch slot 3) has 8 bytes, but the code "
                         "of 'coreai_dispatch_add' uses 24");
  }
  // Grids the reader never accepts.
  c = dispatchContents(0);
  CHECK(writeBundle(c, "/nonexistent/x.aimodel") ==
        "function 'main': schedule step 0 has 0 workgroups (1 to 65536)");
  c = dispatchContents(70000);
  CHECK(writeBundle(c, "/nonexistent/x.aimodel") ==
        "function 'main': schedule step 0 has 70000 workgroups (1 to 65536)");
  c = dispatchContents(2);
  c.functions[0].schedule[0].steps[0].groups = {2, 2, 1};
  CHECK(writeBundle(c, "/nonexistent/x.aimodel") ==
        "function 'main': schedule step 0 needs workgroup counts x, 1, 1");
}

TEST_CASE("a split schedule of copies only is not a CPU function",
          "[runtime][schedule]") {
  // A function compiled for the GPU whose ops all folded away (it returns a
  // constant) has a schedule of one copy: preferring the GPU runs it.
  registerCpuExecutor();
  BundleContents c =
      test::sampleContents(test::readFileBytes(COREAI_TEST_KERNEL));
  ScheduleData s;
  s.slots = {{SlotKind::Constant, 0, 24}, {SlotKind::Output, 0, 24}};
  s.steps = {{"copy", 0, "", {0, 1}, {}, ""}};
  c.functions[0].schedule = {s};
  c.functions.pop_back(); // affine has no schedule
  ModelAsset asset = ModelAsset::fromBytes(serializeBundle(c));
  SpecializationOptions gpu;
  gpu.allowedUnits = {ComputeUnit::CPU, ComputeUnit::GPU};
  gpu.preferredUnit = ComputeUnit::GPU;
  InferenceFunction fn = asset.specialize(gpu).function("main");
  CHECK(fn.placement() == "schedule: 0 gpu + 0 cpu steps, 0.00 MB arena");
  NDArray x(DType::F32, {2, 3});
  std::vector<NDArray> out = fn.run({x});
  // Constant 0 is [1..6].
  CHECK(
      std::vector<float>(out[0].dataAs<float>(), out[0].dataAs<float>() + 6) ==
      std::vector<float>{1, 2, 3, 4, 5, 6});
}

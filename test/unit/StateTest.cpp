//===- StateTest.cpp - Values kept between calls (InferenceState) ---------===//
//
// A test binary of its own, run by a ctest command that first compiles
// test/lit/Tools/Inputs/accumulator.textproto (new_total = total + x,
// doubled = 2 * total, sum = ReduceSum(new_total)) with --state
// total=new_total: for the CPU (COREAI_TEST_STATE_BUNDLE), for the GPU and
// the CPU (COREAI_TEST_STATE_GPU_BUNDLE), and without --state
// (COREAI_TEST_STATELESS_BUNDLE). Each stateful run adds x to the kept total.
//
//===----------------------------------------------------------------------===//
#include "coreai/ComputeStream.h"
#include "coreai/Executors.h"
#include "coreai/ModelAsset.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <thread>

using namespace coreai;
using namespace coreai::runtime;
using coreai::test::errorOf;
using coreai::test::requireEnv;

namespace {

using Values = std::vector<float>;

NDArray vector4(const Values &v) {
  NDArray a(DType::F32, {4});
  std::copy(v.begin(), v.end(), a.dataAs<float>());
  return a;
}

Values valuesOf(const NDArray &a) {
  return Values(a.dataAs<float>(), a.dataAs<float>() + a.elementCount());
}

Model onCpu(const std::string &path) {
  registerCpuExecutor();
  SpecializationOptions cpu;
  cpu.allowedUnits = {ComputeUnit::CPU};
  return ModelAsset::open(path).specialize(cpu);
}

/// Three calls through `model`'s state: the kept total grows by x each time,
/// and the outputs that are not state come back in order.
void checkAccumulates(const Model &model) {
  InferenceFunction fn = model.function("main");
  InferenceState state = fn.makeState();
  CHECK(valuesOf(state.value("total")) == Values{0, 0, 0, 0});
  Values total{0, 0, 0, 0};
  for (int call = 1; call <= 3; ++call) {
    INFO("call " << call);
    Values x{1.f * call, -2, 0.5f, 10};
    std::vector<NDArray> out = fn.run({vector4(x)}, state);
    REQUIRE(out.size() == 2); // doubled, sum: new_total is the state's
    CHECK(valuesOf(out[0]) ==
          Values{2 * total[0], 2 * total[1], 2 * total[2], 2 * total[3]});
    for (int i = 0; i < 4; ++i)
      total[i] += x[i];
    CHECK(out[1].shape().empty());
    CHECK(out[1].dataAs<float>()[0] ==
          total[0] + total[1] + total[2] + total[3]);
    CHECK(valuesOf(state.value("total")) == total);
  }
}

} // namespace

TEST_CASE("the descriptor lists the state pairs", "[state]") {
  Model model = onCpu(requireEnv("COREAI_TEST_STATE_BUNDLE"));
  const FunctionDescriptor &d = model.function("main").descriptor();
  REQUIRE(d.states.size() == 1);
  const StateDescriptor &s = d.states[0];
  CHECK(s.name == "total");
  CHECK(s.input == 1);
  CHECK(s.output == 1);
  CHECK(s.dtype == DType::F32);
  CHECK(s.shape == std::vector<int64_t>{4});
  CHECK(model.function("main").makeState().descriptors().size() == 1);
}

TEST_CASE("a stateful run keeps the state and copies nothing", "[state]") {
  Model model = onCpu(requireEnv("COREAI_TEST_STATE_BUNDLE"));
  checkAccumulates(model);

  // The state lives in two buffers that trade places: a run reads one and
  // writes the other, so two runs later the first is current again.
  InferenceFunction fn = model.function("main");
  InferenceState state = fn.makeState();
  const void *first = state.value("total").data();
  fn.run({vector4({1, 1, 1, 1})}, state);
  const void *second = state.value("total").data();
  CHECK(second != first);
  fn.run({vector4({1, 1, 1, 1})}, state);
  CHECK(state.value("total").data() == first);
  CHECK(valuesOf(state.value("total")) == Values{2, 2, 2, 2});
}

TEST_CASE("a stateful run equals the run with every input given", "[state]") {
  Model model = onCpu(requireEnv("COREAI_TEST_STATE_BUNDLE"));
  InferenceFunction fn = model.function("main");
  InferenceState state = fn.makeState();
  state.write("total", vector4({10, 20, 30, 40}));
  NDArray x = vector4({1, 2, 3, 4});
  std::vector<NDArray> explicitOut = fn.run({x, vector4({10, 20, 30, 40})});
  std::vector<NDArray> statefulOut = fn.run({x}, state);
  CHECK(valuesOf(statefulOut[0]) == valuesOf(explicitOut[0]));
  CHECK(valuesOf(state.value("total")) == valuesOf(explicitOut[1]));
  CHECK(valuesOf(statefulOut[1]) == valuesOf(explicitOut[2]));
}

TEST_CASE("write, reset and the errors of a state", "[state]") {
  Model model = onCpu(requireEnv("COREAI_TEST_STATE_BUNDLE"));
  InferenceFunction fn = model.function("main");
  InferenceState state = fn.makeState();
  state.write("total", vector4({1, 2, 3, 4}));
  CHECK(valuesOf(state.value("total")) == Values{1, 2, 3, 4});

  AssetError unknown = errorOf([&] { state.value("totl"); });
  CHECK(unknown.code() == AssetError::Code::NotFound);
  CHECK(std::string(unknown.what()) ==
        "no state named 'totl' (the function keeps: total)");
  AssetError shape =
      errorOf([&] { state.write("total", NDArray(DType::F32, {2})); });
  CHECK(std::string(shape.what()) ==
        "state 'total': expected float32 [4], got float32 [2]");

  // A failed run leaves the state as it was.
  AssetError count = errorOf([&] { fn.run({}, state); });
  CHECK(count.code() == AssetError::Code::InvalidArgument);
  CHECK(std::string(count.what()) ==
        "function 'main' takes 1 inputs besides its state, got 0");
  AssetError dtype =
      errorOf([&] { fn.run({NDArray(DType::I64, {4})}, state); });
  CHECK(std::string(dtype.what()).find("input 0 'x': expected float32 [4]") !=
        std::string::npos);
  CHECK(valuesOf(state.value("total")) == Values{1, 2, 3, 4});

  state.reset();
  CHECK(valuesOf(state.value("total")) == Values{0, 0, 0, 0});

  // A state belongs to the function (of the model) that made it.
  Model other = onCpu(requireEnv("COREAI_TEST_STATE_BUNDLE"));
  InferenceState foreign = other.function("main").makeState();
  AssetError wrong = errorOf([&] { fn.run({vector4({1, 1, 1, 1})}, foreign); });
  CHECK(std::string(wrong.what()) ==
        "function 'main': the state was made by another function or model");

  Model stateless = onCpu(requireEnv("COREAI_TEST_STATELESS_BUNDLE"));
  CHECK(stateless.function("main").descriptor().states.empty());
  AssetError none = errorOf([&] { stateless.function("main").makeState(); });
  CHECK(none.code() == AssetError::Code::InvalidArgument);
}

TEST_CASE("runs on one state from several threads take turns", "[state]") {
  Model model = onCpu(requireEnv("COREAI_TEST_STATE_BUNDLE"));
  InferenceFunction fn = model.function("main");
  InferenceState state = fn.makeState();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i)
        fn.run({vector4({1, 2, 0.5f, -1})}, state);
    });
  for (std::thread &t : threads)
    t.join();
  // Every one of the 200 additions landed (exact in float32).
  CHECK(valuesOf(state.value("total")) == Values{200, 400, 100, -200});
}

TEST_CASE("the state of a schedule on the GPU", "[state][gpu]") {
  std::optional<Model> model =
      test::onGpu(requireEnv("COREAI_TEST_STATE_GPU_BUNDLE"));
  if (!model)
    return;
  checkAccumulates(*model);
}

TEST_CASE("stateful runs on compute streams", "[state][stream]") {
  Model model = onCpu(requireEnv("COREAI_TEST_STATE_BUNDLE"));
  InferenceFunction fn = model.function("main");
  // Two streams, each with a state of its own, and a third state shared by
  // both streams: every run lands, in order per stream.
  ComputeStream a(model), b(model);
  InferenceState ownA = fn.makeState(), ownB = fn.makeState(),
                 shared = fn.makeState();
  std::vector<std::future<std::vector<NDArray>>> doubled;
  for (int i = 0; i < 10; ++i) {
    doubled.push_back(a.enqueue(fn, {vector4({1, 1, 1, 1})}, ownA));
    b.enqueue(fn, {vector4({2, 2, 2, 2})}, ownB);
    a.enqueue(fn, {vector4({1, 0, 0, 0})}, shared);
    b.enqueue(fn, {vector4({0, 1, 0, 0})}, shared);
  }
  a.synchronize();
  b.synchronize();
  // The k-th run on ownA saw the total k (0, 1, ..., 9) and doubled it.
  for (int k = 0; k < 10; ++k)
    CHECK(valuesOf(doubled[k].get()[0])[0] == 2.f * k);
  CHECK(valuesOf(ownA.value("total")) == Values{10, 10, 10, 10});
  CHECK(valuesOf(ownB.value("total")) == Values{20, 20, 20, 20});
  CHECK(valuesOf(shared.value("total")) == Values{10, 10, 0, 0});

  // Errors come through the future, and leave the state as it was.
  auto bad = a.enqueue(fn, {}, ownA);
  CHECK_THROWS_AS(bad.get(), AssetError);
  CHECK(valuesOf(ownA.value("total")) == Values{10, 10, 10, 10});
}

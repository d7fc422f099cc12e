//===- EnumeratedShapesTest.cpp - One function at several input shapes ----===//
//
// A test binary of its own, run by a ctest command that first compiles the
// bundled digits model (its batch dim `N` symbolic) for batches 1, 3 and 8
// in one bundle, for the CPU (COREAI_TEST_CPU_BUNDLE), for the engine and
// the CPU (COREAI_TEST_ANE_BUNDLE) and for the GPU and the CPU
// (COREAI_TEST_GPU_BUNDLE), and for batch 8 alone (COREAI_TEST_SINGLE_BUNDLE).
// Each batch's result must equal, row by row, what batch 8 gives for the same
// images: every variant computes the same model.
//
//===----------------------------------------------------------------------===//
#include "coreai/ComputeStream.h"
#include "coreai/Executors.h"
#include "coreai/ModelAsset.h"
#include "coreai/TensorIO.h"
#include "lib/Bundle/BundleReader.h"
#include "lib/Runtime/GPU/GpuExecutor.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace coreai;
using namespace coreai::runtime;
using coreai::test::requireEnv;

namespace {

using Shape = std::vector<int64_t>;

/// Rows [0, n) of a batch-first array.
NDArray firstRows(const NDArray &a, int64_t n) {
  Shape shape = a.shape();
  uint64_t rowBytes = a.byteSize() / shape[0];
  shape[0] = n;
  NDArray rows(a.dtype(), shape);
  std::memcpy(rows.data(), a.data(), rowBytes * n);
  return rows;
}

/// The largest difference between `a` and the first rows of `b`.
double maxDifference(const NDArray &a, const NDArray &b) {
  REQUIRE(a.dtype() == DType::F32);
  double worst = 0;
  for (uint64_t i = 0; i < a.elementCount(); ++i)
    worst = std::max(
        worst, (double)std::fabs(a.dataAs<float>()[i] - b.dataAs<float>()[i]));
  return worst;
}

/// Runs batches 1, 3 and 8 of the test images through `model`'s one
/// function and compares them; `tolerance` allows for kernels tiled
/// differently at each batch.
void checkVariants(const Model &model, double tolerance) {
  InferenceFunction fn = model.function("main");
  NDArray images = readTensorFile(requireEnv("COREAI_TEST_INPUT"));
  REQUIRE(images.shape() == Shape{8, 1, 8, 8});
  NDArray all = fn.run({images})[0];
  REQUIRE(all.shape() == Shape{8, 10});
  for (int64_t batch : {1, 3}) {
    INFO("batch " << batch);
    NDArray out = fn.run({firstRows(images, batch)})[0];
    REQUIRE(out.shape() == Shape{batch, 10});
    CHECK(maxDifference(out, all) <= tolerance);
  }
  // On a stream too: each variant has its own kernel there.
  ComputeStream stream(model);
  auto one = stream.enqueue(fn, {firstRows(images, 1)});
  auto eight = stream.enqueue(fn, {images});
  CHECK(maxDifference(one.get()[0], all) <= tolerance);
  CHECK(maxDifference(eight.get()[0], all) == 0);
}

} // namespace

TEST_CASE("the descriptor lists every shape; run picks the variant",
          "[shapes]") {
  registerCpuExecutor();
  ModelAsset asset = ModelAsset::open(requireEnv("COREAI_TEST_CPU_BUNDLE"));
  // The variants are one function to the app.
  CHECK(asset.functionNames() == std::vector<std::string>{"main"});
  FunctionDescriptor d = asset.functionDescriptor("main");
  CHECK(d.inputs[0].shape == Shape{1, 1, 8, 8});
  CHECK(d.inputs[0].dimNames == std::vector<std::string>{"N", "", "", ""});
  REQUIRE(d.shapeVariants.size() == 3);
  for (auto [k, batch] :
       std::vector<std::pair<size_t, int64_t>>{{0, 1}, {1, 3}, {2, 8}}) {
    CHECK(d.shapeVariants[k].inputs == std::vector<Shape>{{batch, 1, 8, 8}});
    CHECK(d.shapeVariants[k].outputs == std::vector<Shape>{{batch, 10}});
  }
  SpecializationOptions cpu;
  cpu.allowedUnits = {ComputeUnit::CPU};
  Model model = asset.specialize(cpu);
  CHECK(model.functionNames() == std::vector<std::string>{"main"});
  checkVariants(model, 1e-5);

  // A shape no variant takes: the message lists them all.
  InferenceFunction fn = model.function("main");
  NDArray two(DType::F32, {2, 1, 8, 8});
  CHECK(fn.checkInput(0, two) == "input 0 'image': expected float32 "
                                 "[1,1,8,8], [3,1,8,8] or [8,1,8,8], got "
                                 "float32 [2,1,8,8]");
  CHECK(fn.checkInput(0, NDArray(DType::F32, {3, 1, 8, 8})).empty());
  try {
    fn.run({two});
    FAIL("no error");
  } catch (const AssetError &e) {
    CHECK(e.code() == AssetError::Code::InvalidArgument);
    CHECK(e.message() == fn.checkInput(0, two));
  }
  // Outputs given by the caller are checked against the chosen variant.
  std::vector<NDArray> outputs{NDArray(DType::F32, {8, 10})};
  CHECK_THROWS_AS(fn.run({NDArray(DType::F32, {3, 1, 8, 8})}, outputs),
                  AssetError);
}

TEST_CASE("shape variants share the model's constants", "[shapes]") {
  ModelAsset three = ModelAsset::open(requireEnv("COREAI_TEST_CPU_BUNDLE"));
  ModelAsset one = ModelAsset::open(requireEnv("COREAI_TEST_SINGLE_BUNDLE"));
  const bundle::BundleFile &a = three.bundle(), &b = one.bundle();
  CHECK(a.constants().size() == b.constants().size());
  uint64_t constantBytes = 0;
  for (const bundle::ConstantInfo &c : b.constants())
    constantBytes += b.segments()[c.segment].size;
  // The second bundle holds more code, not a second copy of the weights.
  uint64_t codeBytes = 0, oneCodeBytes = 0;
  for (const bundle::ExecutableInfo &e : a.executables())
    codeBytes += a.segments()[e.segment].size;
  for (const bundle::ExecutableInfo &e : b.executables())
    oneCodeBytes += b.segments()[e.segment].size;
  CHECK(a.size() <= b.size() + (codeBytes - oneCodeBytes) + 64 * 1024);
  CHECK(constantBytes > 0);
}

TEST_CASE("every variant on the neural engine", "[shapes]") {
  registerCpuExecutor();
  registerAneExecutor();
  SpecializationOptions ane;
  ane.preferredUnit = ComputeUnit::NeuralEngine;
  Model model =
      ModelAsset::open(requireEnv("COREAI_TEST_ANE_BUNDLE")).specialize(ane);
  REQUIRE(model.function("main").unit() == ComputeUnit::NeuralEngine);
  // fp16 on the engine; the same arithmetic per image at every batch.
  checkVariants(model, 1e-3);
}

TEST_CASE("every variant through the GPU", "[shapes]") {
  if (std::optional<Model> model =
          test::onGpu(requireEnv("COREAI_TEST_GPU_BUNDLE")))
    checkVariants(*model, 1e-5);
}

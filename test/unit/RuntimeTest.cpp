//===- RuntimeTest.cpp - Open, specialize and run with a real kernel ------===//
#include "coreai/ComputeStream.h"
#include "coreai/ModelAsset.h"
#include "lib/Bundle/BundleWriter.h"
#include "lib/Runtime/CPU/CpuExecutor.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <memory>

using namespace coreai;
using namespace coreai::runtime;
using coreai::test::errorOf;
using coreai::test::TempDir;

namespace {

/// Writes the test kernel's bundle into `dir` and returns its path.
std::string writeKernelBundle(const TempDir &dir,
                              const std::string &kernel = COREAI_TEST_KERNEL,
                              const char *name = "k.aimodel") {
  std::string path = dir.file(name);
  REQUIRE(bundle::writeBundle(test::kernelContents(kernel), path) == "");
  return path;
}

NDArray input(std::vector<float> v, std::vector<int64_t> shape = {2, 3}) {
  NDArray a(DType::F32, std::move(shape));
  std::copy(v.begin(), v.end(), a.dataAs<float>());
  return a;
}

std::vector<float> floats(const NDArray &a) {
  return std::vector<float>(a.dataAs<float>(),
                            a.dataAs<float>() + a.elementCount());
}

const SpecializationOptions kCpuOnly = [] {
  SpecializationOptions o;
  o.allowedUnits = {ComputeUnit::CPU};
  return o;
}();

} // namespace

TEST_CASE("NDArray storage", "[runtime]") {
  NDArray a(DType::F32, {3, 5});
  CHECK(a.elementCount() == 15);
  CHECK(a.byteSize() == 60);
  CHECK(reinterpret_cast<uintptr_t>(a.data()) % 64 == 0);
  CHECK(a.dataAs<float>()[14] == 0.0f);
  NDArray shared = a; // copies share storage
  shared.dataAs<float>()[0] = 1;
  CHECK(a.dataAs<float>()[0] == 1);
  NDArray deep = a.clone();
  deep.dataAs<float>()[0] = 2;
  CHECK(a.dataAs<float>()[0] == 1);
  float buf[4] = {};
  NDArray v = NDArray::view(DType::F32, {4}, buf);
  CHECK(v.isView());
  CHECK(v.data() == buf);
  CHECK(NDArray(DType::I64, {}).elementCount() == 1);
  CHECK(NDArray(DType::I64, {0, 4}).byteSize() == 0);
  CHECK(errorOf([] { NDArray(DType::F32, {-1}); }).code() ==
        AssetError::Code::InvalidArgument);
}

TEST_CASE("open, specialize and run on the CPU", "[runtime]") {
  registerCpuExecutor();
  TempDir dir;
  ModelAsset asset = ModelAsset::open(writeKernelBundle(dir));
  CHECK(asset.name() == "sample");
  CHECK(asset.producer() == "coreai-build test");
  CHECK(asset.functionNames() == std::vector<std::string>{"main", "affine"});
  CHECK(asset.openMillis() >= 0);

  Model model = asset.specialize(kCpuOnly);
  CHECK(model.specializationMillis() > 0);
  InferenceFunction fn = model.function("main");
  const FunctionDescriptor &d = fn.descriptor();
  CHECK(d.name == "main");
  REQUIRE(d.inputs.size() == 1);
  CHECK(d.inputs[0].name == "x");
  CHECK(d.inputs[0].dtype == DType::F32);
  CHECK(d.inputs[0].shape == std::vector<int64_t>{2, 3});
  REQUIRE(d.outputs.size() == 1);
  CHECK(d.outputs[0].name == "y");
  CHECK(fn.unit() == ComputeUnit::CPU);

  // main: y = x + c, c = [1..6].
  std::vector<NDArray> out = fn.run({input({10, 20, 30, 40, 50, 60})});
  REQUIRE(out.size() == 1);
  CHECK(out[0].shape() == std::vector<int64_t>{2, 3});
  CHECK(floats(out[0]) == std::vector<float>{11, 22, 33, 44, 55, 66});

  // affine: y = x * a + b with a = constant 2 (= [1..6]) and b = constant 1,
  // and n = count(y > 0): constants arrive in the function's order.
  InferenceFunction affine = model.function("affine");
  out = affine.run({input({1, 1, 1, 1, 1, 1})});
  REQUIRE(out.size() == 2);
  CHECK(floats(out[0]) == std::vector<float>{0, 1, 2, 4.5f, 5.5f, 6.5f});
  CHECK(out[1].dtype() == DType::I64);
  CHECK(out[1].shape().empty());
  CHECK(out[1].dataAs<int64_t>()[0] == 5);

  // Reusing output arrays.
  std::vector<NDArray> reuse = out;
  affine.run({input({0, 0, 0, 0, 0, 0})}, reuse);
  CHECK(reuse[0].data() == out[0].data());
  CHECK(floats(out[0]) == std::vector<float>{-1, -1, -1, 0.5f, 0.5f, 0.5f});
  CHECK(out[1].dataAs<int64_t>()[0] == 3);
}

TEST_CASE("openMemory runs a bundle in place, verified", "[runtime]") {
  registerCpuExecutor();
  std::vector<uint8_t> bytes =
      bundle::serializeBundle(test::kernelContents(COREAI_TEST_KERNEL));
  // 64-byte aligned memory is used in place; any other is copied. Both run.
  struct Free {
    void operator()(void *p) const { std::free(p); }
  };
  size_t padded = (bytes.size() + 64 + 63) / 64 * 64;
  std::unique_ptr<uint8_t, Free> storage(
      static_cast<uint8_t *>(std::aligned_alloc(64, padded)));
  for (size_t offset : {size_t(0), size_t(8)}) {
    uint8_t *at = storage.get() + offset;
    std::memcpy(at, bytes.data(), bytes.size());
    ModelAsset asset = ModelAsset::openMemory(at, bytes.size(), "embedded");
    CHECK(asset.path() == "embedded");
    CHECK((asset.bundle().data() == at) == (offset == 0));
    std::vector<NDArray> out = asset.specialize(kCpuOnly).function("main").run(
        {input({10, 20, 30, 40, 50, 60})});
    CHECK(floats(out.at(0)) == std::vector<float>{11, 22, 33, 44, 55, 66});
  }
  // Verified like a file: a flipped byte is refused.
  uint8_t *at = storage.get();
  std::memcpy(at, bytes.data(), bytes.size());
  at[bytes.size() / 2] ^= 1;
  AssetError e =
      errorOf([&] { ModelAsset::openMemory(at, bytes.size(), "embedded"); });
  CHECK(e.code() == AssetError::Code::Corrupt);
  CHECK_THAT(e.message(), Catch::EndsWith("the bundle is corrupt"));
  e = errorOf([&] { ModelAsset::openMemory(nullptr, 16); });
  CHECK(e.code() == AssetError::Code::InvalidArgument);
}

TEST_CASE("inputs are checked with messages naming them", "[runtime]") {
  registerCpuExecutor();
  TempDir dir;
  InferenceFunction fn = ModelAsset::open(writeKernelBundle(dir))
                             .specialize(kCpuOnly)
                             .function("main");
  AssetError e = errorOf([&] { fn.run({input({1, 2, 3}, {1, 3})}); });
  CHECK(e.code() == AssetError::Code::InvalidArgument);
  CHECK(e.message() == "input 0 'x': expected float32 [2,3], got float32 [1,3]");

  NDArray ints(DType::I32, {2, 3});
  CHECK(errorOf([&] { fn.run({ints}); }).message() ==
        "input 0 'x': expected float32 [2,3], got int32 [2,3]");
  CHECK(fn.checkInput(0, ints) ==
        "input 0 'x': expected float32 [2,3], got int32 [2,3]");
  CHECK(fn.checkInput(0, input({1, 2, 3, 4, 5, 6})).empty());

  CHECK(errorOf([&] { fn.run({}); }).message() ==
        "function 'main' takes 1 input, got 0");
  CHECK(errorOf([&] { fn.run({input({}), input({})}); }).message() ==
        "function 'main' takes 1 input, got 2");

  std::vector<NDArray> wrongOut = {NDArray(DType::F32, {6})};
  CHECK(errorOf([&] { fn.run({input({1, 2, 3, 4, 5, 6})}, wrongOut); })
            .message() == "output 0 'y': expected float32 [2,3], got float32 [6]");

  alignas(16) float buf[8] = {};
  NDArray misaligned = NDArray::view(DType::F32, {2, 3}, buf + 1);
  CHECK(errorOf([&] { fn.run({misaligned}); }).message() ==
        "input 0 'x': the array's data is not 16-byte aligned");

  // An output that shares bytes with an input (NDArray copies share data).
  NDArray x = input({1, 2, 3, 4, 5, 6});
  std::vector<NDArray> aliased = {x};
  e = errorOf([&] { fn.run({x}, aliased); });
  CHECK(e.code() == AssetError::Code::InvalidArgument);
  CHECK(e.message() == "output 0 'y' shares memory with input 0 'x'");
}

TEST_CASE("specialization failures are AssetErrors", "[runtime]") {
  registerCpuExecutor();
  TempDir dir;
  ModelAsset asset = ModelAsset::open(writeKernelBundle(dir));

  SpecializationOptions gpuOnly;
  gpuOnly.allowedUnits = {ComputeUnit::GPU};
  AssetError e = errorOf([&] { asset.specialize(gpuOnly); });
  CHECK(e.code() == AssetError::Code::Unsupported);
  CHECK(e.message() == "function 'main' runs on cpu, which is not among the "
                       "allowed units (gpu)");

  e = errorOf([&] { asset.specialize(kCpuOnly).function("nope"); });
  CHECK(e.code() == AssetError::Code::NotFound);
  CHECK(e.message() ==
        "no function 'nope' in the model (it has 'main', 'affine')");

  ModelAsset abi99 = ModelAsset::open(
      writeKernelBundle(dir, COREAI_TEST_KERNEL_ABI99, "abi99.aimodel"));
  e = errorOf([&] { abi99.specialize(kCpuOnly); });
  CHECK(e.code() == AssetError::Code::Unsupported);
  CHECK(e.message() == "executable 0 (cpu, x86_64, elf-shared-object) uses "
                       "kernel ABI version 99, but this runtime supports 3");

  // Not a shared object at all: dlopen's message comes through.
  std::string junk = dir.file("junk.aimodel");
  REQUIRE(bundle::writeBundle(test::sampleContents(), junk) == "");
  e = errorOf([&] { ModelAsset::open(junk).specialize(kCpuOnly); });
  CHECK(e.code() == AssetError::Code::Unsupported);
  CHECK_THAT(e.message(),
             Catch::StartsWith("cannot load executable 0 (cpu, x86_64, "
                               "elf-shared-object): "));

  bundle::BundleContents c = test::kernelContents(COREAI_TEST_KERNEL);
  c.functions[0].entrySymbol = "coreai_fn_missing";
  e = errorOf([&] {
    ModelAsset::fromBytes(bundle::serializeBundle(c)).specialize(kCpuOnly);
  });
  CHECK(e.message() == "executable 0 (cpu, x86_64, elf-shared-object) has no "
                       "entry point 'coreai_fn_missing' for function 'main'");

  // Metadata that disagrees with what the code was compiled for (its
  // argument table): refused before the code runs, whatever the hashes.
  c = test::kernelContents(COREAI_TEST_KERNEL);
  c.functions[0].outputs[0].shape = {1, 1};
  e = errorOf([&] {
    ModelAsset::fromBytes(bundle::serializeBundle(c)).specialize(kCpuOnly);
  });
  CHECK(e.code() == AssetError::Code::Corrupt);
  CHECK(e.message() == "function 'main': buffer 1 (output 0) has 4 bytes, "
                       "but the code of 'coreai_fn_main' uses 24");
  c = test::kernelContents(COREAI_TEST_KERNEL);
  c.functions[0].inputs[0].shape = {1, 3};
  e = errorOf([&] {
    ModelAsset::fromBytes(bundle::serializeBundle(c)).specialize(kCpuOnly);
  });
  CHECK(e.message() == "function 'main': buffer 0 (input 0) has 12 bytes, "
                       "but the code of 'coreai_fn_main' uses 24");
  c = test::kernelContents(COREAI_TEST_KERNEL);
  c.functions[1].constants.pop_back();
  e = errorOf([&] {
    ModelAsset::fromBytes(bundle::serializeBundle(c)).specialize(kCpuOnly);
  });
  CHECK(e.message() == "function 'affine': 'coreai_fn_affine' was compiled "
                       "for 5 buffers, the bundle binds 4");

  c = test::kernelContents(COREAI_TEST_KERNEL);
  c.executables[0].arch = "riscv64";
  e = errorOf([&] {
    ModelAsset::fromBytes(bundle::serializeBundle(c)).specialize(kCpuOnly);
  });
  CHECK(e.message() == "function 'main': no CPU variant of the bundle runs "
                       "on this host (riscv64: unknown CPU architecture "
                       "'riscv64')");

#if defined(__x86_64__)
  // Code for another ISA names both.
  c.executables[0].arch = "aarch64";
  e = errorOf([&] {
    ModelAsset::fromBytes(bundle::serializeBundle(c)).specialize(kCpuOnly);
  });
  CHECK_THAT(e.message(),
             Catch::Contains("aarch64: built for aarch64, but this host is "
                             "x86_64"));
#endif

  // A variant the bundle does not have, asked for by name.
  SpecializationOptions v3 = kCpuOnly;
  v3.cpuVariant = "x86-64-v3";
  e = errorOf([&] { asset.specialize(v3); });
  CHECK(e.message() ==
        "the bundle has no CPU variant 'x86-64-v3' (it has x86_64)");
}

TEST_CASE("open failures are AssetErrors with codes", "[runtime]") {
  TempDir dir;
  AssetError e = errorOf([&] { ModelAsset::open(dir.file("none.aimodel")); });
  CHECK(e.code() == AssetError::Code::NotFound);

  std::vector<uint8_t> bytes = bundle::serializeBundle(test::sampleContents());
  bytes[bytes.size() / 2] ^= 1;
  e = errorOf([&] { ModelAsset::fromBytes(bytes); });
  CHECK(e.code() == AssetError::Code::Corrupt);
  CHECK_THAT(e.message(), Catch::EndsWith("the bundle is corrupt"));
}

TEST_CASE("handles keep what they need alive", "[runtime]") {
  registerCpuExecutor();
  TempDir dir;
  std::string path = writeKernelBundle(dir);
  std::optional<InferenceFunction> fn;
  {
    ModelAsset asset = ModelAsset::open(path);
    fn = asset.specialize(kCpuOnly).function("main");
  }
  CHECK(floats(fn->run({input({0, 0, 0, 0, 0, 0})})[0]) ==
        std::vector<float>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("several models load side by side", "[runtime]") {
  registerCpuExecutor();
  TempDir dir;
  std::string path = writeKernelBundle(dir);
  std::vector<float> x = {1, 1, 1, 1, 1, 1};
  std::optional<Model> a = ModelAsset::open(path).specialize(kCpuOnly);
  Model b = ModelAsset::open(path).specialize(kCpuOnly);
  CHECK(floats(a->function("main").run({input(x)})[0]) ==
        floats(b.function("main").run({input(x)})[0]));
  a.reset(); // unloads; a new load must not pick up a stale object
  Model c = ModelAsset::fromBytes(test::readFileBytes(path)).specialize();
  CHECK(floats(c.function("main").run({input(x)})[0]) ==
        std::vector<float>{2, 3, 4, 5, 6, 7});
}

TEST_CASE("the temporary-file fallback loads and cleans up", "[runtime]") {
  registerCpuExecutor();
  TempDir dir, tmp;
  std::string path = writeKernelBundle(dir);
  std::string oldTmp = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "";
  ::setenv("COREAI_DLOPEN_TMPFILE", "1", 1);
  ::setenv("TMPDIR", tmp.path().c_str(), 1);
  {
    Model m = ModelAsset::open(path).specialize(kCpuOnly);
    CHECK(tmp.entries().size() == 1);
    CHECK(floats(m.function("main").run({input({1, 1, 1, 1, 1, 1})})[0]) ==
          std::vector<float>{2, 3, 4, 5, 6, 7});
  }
  CHECK(tmp.entries().empty());
  ::unsetenv("COREAI_DLOPEN_TMPFILE");
  if (oldTmp.empty())
    ::unsetenv("TMPDIR");
  else
    ::setenv("TMPDIR", oldTmp.c_str(), 1);
}

TEST_CASE("compute streams run a whole CPU function", "[runtime][stream]") {
  registerCpuExecutor();
  TempDir dir;
  Model model = ModelAsset::open(writeKernelBundle(dir)).specialize(kCpuOnly);
  InferenceFunction fn = model.function("main");
  REQUIRE(fn.placement() == "cpu");
  ComputeStream a(model), b(model);
  std::vector<std::future<std::vector<NDArray>>> results;
  for (int k = 0; k < 20; ++k)
    results.push_back(
        (k % 2 ? b : a).enqueue(fn, {input({float(k), 0, 0, 0, 0, 0})}));
  for (int k = 0; k < 20; ++k) {
    std::vector<NDArray> out = results[k].get();
    REQUIRE(out.size() == 1);
    // y = x + [1..6]
    CHECK(floats(out[0]) == std::vector<float>{float(k) + 1, 2, 3, 4, 5, 6});
  }
}

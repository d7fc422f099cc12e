//===- TestUtil.h - Shared fixtures for the unit tests --------------------===//
#ifndef COREAI_TEST_UNIT_TESTUTIL_H
#define COREAI_TEST_UNIT_TESTUTIL_H

#include "coreai/AssetError.h"
#include "coreai/Executors.h"
#include "coreai/ModelAsset.h"
#include "lib/Bundle/BundleWriter.h"
#include "lib/Runtime/GPU/GpuExecutor.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace coreai::test {

/// The bundle at `path` specialized to run on the GPU, or nothing, said as a
/// visible skip, on a host without a Vulkan device (CI has lavapipe).
inline std::optional<runtime::Model> onGpu(const std::string &path) {
  runtime::registerCpuExecutor();
  runtime::registerGpuExecutor();
  std::string why;
  if (runtime::listGpuDevices(why).empty()) {
    WARN("skipped: no Vulkan device (" << why << ")");
    return std::nullopt;
  }
  runtime::SpecializationOptions gpu;
  gpu.preferredUnit = runtime::ComputeUnit::GPU;
  runtime::Model model = runtime::ModelAsset::open(path).specialize(gpu);
  REQUIRE(model.function("main").unit() == runtime::ComputeUnit::GPU);
  return model;
}

/// The value of environment variable `name`, which the test's ctest command
/// sets (a bundle it compiled, an input file).
inline std::string requireEnv(const char *name) {
  const char *v = std::getenv(name);
  REQUIRE(v);
  return v;
}

std::vector<uint8_t> floatBytes(const std::vector<float> &values);
std::vector<uint8_t> readFileBytes(const std::string &path);
void writeFileBytes(const std::string &path, const std::vector<uint8_t> &bytes);
/// The words of the SPIR-V module at `path` (a test kernel).
std::vector<uint32_t> readSpirvWords(const std::string &path);

/// Runs `fn` and returns the AssetError it throws; fails the test if none.
template <typename Fn> runtime::AssetError errorOf(Fn fn) {
  try {
    fn();
  } catch (const runtime::AssetError &e) {
    return e;
  }
  FAIL("no AssetError thrown");
  return runtime::AssetError(runtime::AssetError::Code::Internal, "");
}

/// A small bundle exercising every part of the format: two functions, four
/// constants (two identical, so deduplicated), a fake executable, debug info.
/// Its constants are not multiples of 64 bytes, so there is padding between
/// segments. The executable bytes are `executable` (fake if empty).
bundle::BundleContents sampleContents(std::vector<uint8_t> executable = {});

/// Contents for the test kernel (test/unit/kernels/test_kernel.c) at
/// `kernelPath`: main(x) = x + c and affine(x) = (x * a + b, count(y > 0)).
bundle::BundleContents kernelContents(const std::string &kernelPath);

/// Recomputes the trailer's metadata hash after a test edited the metadata.
void reseal(std::vector<uint8_t> &bundle);

/// A fresh empty directory, removed when the object is destroyed.
class TempDir {
public:
  TempDir();
  ~TempDir();
  const std::string &path() const { return path_; }
  std::string file(const std::string &name) const { return path_ + "/" + name; }
  /// Names of the entries in the directory, sorted.
  std::vector<std::string> entries() const;

private:
  std::string path_;
};

} // namespace coreai::test

#endif // COREAI_TEST_UNIT_TESTUTIL_H

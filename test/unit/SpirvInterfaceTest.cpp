//===- SpirvInterfaceTest.cpp - The GPU's argument table, read from SPIR-V ===//
//
// The modules are assembled and validated at build time (kernels/*.spvasm);
// the malformed cases are those modules with words edited here.
//
//===----------------------------------------------------------------------===//
#include "lib/Runtime/GPU/SpirvInterface.h"
#include "coreai/AssetError.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cstring>

using namespace coreai::runtime;
using coreai::test::errorOf;

namespace {

spirv::Interface read(const std::vector<uint32_t> &words) {
  return spirv::readInterface(words.data(), words.size(), "main", "kernel k");
}

/// The word index of the `n`-th instruction with `opcode` whose word
/// `at` is `value` (any value when `at` is 0).
size_t find(const std::vector<uint32_t> &words, uint32_t opcode,
            uint32_t at = 0, uint32_t value = 0, int n = 0) {
  for (size_t i = 5; i < words.size(); i += words[i] >> 16)
    if ((words[i] & 0xffff) == opcode && (at == 0 || words[i + at] == value) &&
        n-- == 0)
      return i;
  FAIL("no instruction " << opcode);
  return 0;
}

const uint32_t OpDecorate = 71, OpStore = 62, OpTypeInt = 21;
const uint32_t ArrayStride = 6, DescriptorSet = 34;

std::vector<BoundBuffer> threeBuffers() {
  return {{4000, false, true, "input slot 0"},
          {80, false, true, "constant slot 1"},
          {4000, true, true, "output slot 2"}};
}

} // namespace

TEST_CASE("SPIR-V buffers: sizes from sized arrays and struct offsets",
          "[spirv]") {
  spirv::Interface iface =
      read(coreai::test::readSpirvWords(COREAI_TEST_SPIRV_SIZED));
  REQUIRE(iface.buffers.size() == 3); // the workgroup array is no buffer
  CHECK(iface.buffers[0].binding == 0);
  CHECK(iface.buffers[0].bytes == 4000);
  CHECK_FALSE(iface.buffers[0].written);
  CHECK(iface.buffers[1].bytes == 80); // float[16] at offset 16
  CHECK_FALSE(iface.buffers[1].written);
  CHECK(iface.buffers[2].binding == 2);
  CHECK(iface.buffers[2].bytes == 4000);
  CHECK(iface.buffers[2].written);
  for (const spirv::Buffer &b : iface.buffers) {
    CHECK(b.set == 0);
    CHECK_FALSE(b.runtimeSized);
  }
  spirv::checkBindings(iface, threeBuffers(), "kernel k");
}

TEST_CASE("SPIR-V buffers: runtime-sized arrays", "[spirv]") {
  spirv::Interface iface =
      read(coreai::test::readSpirvWords(COREAI_TEST_SPIRV_ADD));
  REQUIRE(iface.buffers.size() == 3);
  for (const spirv::Buffer &b : iface.buffers) {
    CHECK(b.runtimeSized);
    CHECK(b.bytes == 0);
  }
  CHECK(iface.buffers[2].written);
  CHECK_FALSE(iface.buffers[0].written);
}

TEST_CASE("SPIR-V bindings that disagree with the code are refused",
          "[spirv]") {
  spirv::Interface iface =
      read(coreai::test::readSpirvWords(COREAI_TEST_SPIRV_SIZED));
  auto refused = [&](std::vector<BoundBuffer> bound) {
    AssetError e =
        errorOf([&] { spirv::checkBindings(iface, bound, "step 3 (k)"); });
    CHECK(e.code() == AssetError::Code::Corrupt);
    CHECK(e.message().rfind("step 3 (k): ", 0) == 0);
    return e.message();
  };
  std::vector<BoundBuffer> bound = threeBuffers();
  bound[2].bytes = 3996; // a shrunk output
  CHECK(refused(bound) ==
        "step 3 (k): output slot 2 (3996 bytes) is bound to its SPIR-V "
        "binding 2, which the code uses 4000 bytes of");
  bound = threeBuffers();
  bound[1].bytes = 79;
  CHECK(refused(bound).find("constant slot 1 (79 bytes)") != std::string::npos);
  bound = threeBuffers();
  bound[2].writable = false; // a constant where the kernel writes
  CHECK(refused(bound) == "step 3 (k): output slot 2 is bound to its SPIR-V "
                          "binding 2, which the code writes");
  bound = threeBuffers();
  bound.pop_back(); // fewer bindings than the code declares
  CHECK(refused(bound) == "step 3 (k): its SPIR-V binding 2 is past the 2 "
                          "buffers the step binds");
  // Larger buffers and extra bindings are fine.
  bound = threeBuffers();
  bound[0].bytes = 8000;
  bound.push_back({16, true, false, "scratch slot 9"});
  spirv::checkBindings(iface, bound, "step 3 (k)");
}

TEST_CASE("SPIR-V buffers outside descriptor set 0 are refused", "[spirv]") {
  std::vector<uint32_t> words =
      coreai::test::readSpirvWords(COREAI_TEST_SPIRV_SIZED);
  size_t at = find(words, OpDecorate, 2, DescriptorSet, 1); // %b's
  words[at + 3] = 1;
  spirv::Interface iface = read(words);
  AssetError e =
      errorOf([&] { spirv::checkBindings(iface, threeBuffers(), "kernel k"); });
  CHECK(e.message() == "kernel k: its SPIR-V binding 1 is in descriptor set "
                       "1; steps bind set 0 only");
}

TEST_CASE("Malformed SPIR-V is refused before the driver sees it", "[spirv]") {
  const std::vector<uint32_t> good =
      coreai::test::readSpirvWords(COREAI_TEST_SPIRV_SIZED);
  auto refused = [&](const std::vector<uint32_t> &words,
                     const std::string &entry = "main") {
    AssetError e = errorOf([&] {
      spirv::readInterface(words.data(), words.size(), entry, "kernel k");
    });
    CHECK(e.code() == AssetError::Code::Unsupported);
    CHECK(e.message().rfind("kernel k: ", 0) == 0);
    return e.message();
  };
  CHECK(refused(good, "other") ==
        "kernel k: SPIR-V module has no GLCompute entry point 'other'");
  std::vector<uint32_t> words = good;
  words[0] = 0xdeadbeef;
  CHECK(refused(words).find("magic number 0xdeadbeef") != std::string::npos);
  CHECK(refused({good.begin(), good.begin() + 4}).find("4 words") !=
        std::string::npos);

  // An instruction running past the module's end.
  words = good;
  words.back() += 1u << 16; // OpFunctionEnd, one word longer
  CHECK(refused(words).find("bad instruction length") != std::string::npos);
  words = good;
  words[find(words, OpStore)] = (1000u << 16) | OpStore;
  CHECK(refused(words).find("bad instruction length") != std::string::npos);

  // An id at or past the module's id bound.
  words = good;
  words[find(words, OpDecorate, 2, ArrayStride) + 1] = good[3];
  CHECK(refused(words).find("outside the module's bound") != std::string::npos);

  // An array without its stride: a layout the runtime cannot size.
  words = good;
  words[find(words, OpDecorate, 2, ArrayStride) + 2] = 0; // RelaxedPrecision
  CHECK(refused(words).find("has a layout the runtime cannot size") !=
        std::string::npos);

  // A type used before it is defined (here: its definition renumbered).
  words = good;
  words[find(words, OpTypeInt) + 1] = good[3] - 1;
  CHECK(refused(words).find("used as a type before it is defined") !=
        std::string::npos);
}

//===- TestUtil.cpp -------------------------------------------------------===//
#include "test/unit/TestUtil.h"

#include "lib/Bundle/BundleFormat.h"
#include "lib/Bundle/Hash.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace coreai::test {

std::vector<uint8_t> floatBytes(const std::vector<float> &values) {
  std::vector<uint8_t> out(values.size() * 4);
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

std::vector<uint8_t> readFileBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<uint32_t> readSpirvWords(const std::string &path) {
  std::vector<uint8_t> bytes = readFileBytes(path);
  REQUIRE(bytes.size() % 4 == 0);
  std::vector<uint32_t> words(bytes.size() / 4);
  std::memcpy(words.data(), bytes.data(), bytes.size());
  return words;
}

void writeFileBytes(const std::string &path,
                    const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

bundle::BundleContents sampleContents(std::vector<uint8_t> executable) {
  using namespace bundle;
  BundleContents c;
  c.modelName = "sample";
  c.producer = "coreai-build test";
  c.sourceHash = "0123456789abcdef";
  c.compileOptions = "--target=x86_64 -O2";
  c.constants = {
      {DType::F32, {2, 3}, floatBytes({1, 2, 3, 4, 5, 6})},
      {DType::F32, {2, 3}, floatBytes({-1, -1, -1, 0.5f, 0.5f, 0.5f})},
      {DType::F32, {2, 3}, floatBytes({1, 2, 3, 4, 5, 6})}, // = constant 0
      {DType::I64, {3}, {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
                         3, 0, 0, 0, 0, 0, 0, 0}},
  };
  if (executable.empty())
    for (int i = 0; i < 200; ++i)
      executable.push_back(static_cast<uint8_t>(i * 7 + 1));
  c.executables = {{"cpu", "x86_64", "elf-shared-object", executable, {}}};
  FunctionData main;
  main.name = "main";
  main.inputs = {{"x", DType::F32, {2, 3}}};
  main.outputs = {{"y", DType::F32, {2, 3}}};
  main.executable = 0;
  main.entrySymbol = "coreai_fn_main";
  main.constants = {0};
  main.debug = {{"aigraph.add", "add0 (Add)"}};
  FunctionData affine;
  affine.name = "affine";
  affine.inputs = {{"x", DType::F32, {2, 3}}};
  affine.outputs = {{"y", DType::F32, {2, 3}}, {"n", DType::I64, {}}};
  affine.executable = 0;
  affine.entrySymbol = "coreai_fn_affine";
  affine.constants = {2, 1};
  affine.debug = {{"aigraph.mul", "mul0 (Mul)"}, {"aigraph.add", "add1 (Add)"}};
  // The second entry carries every 1.3 field, so round trips check them.
  affine.debug[1].location = "net.py:42";
  affine.debug[1].unit = "gpu";
  affine.debug[1].inputs = {0};
  affine.debug[1].flops = 6;
  affine.debug[1].estimatedUs = 2.5;
  affine.debug[1].refused = {"ane: int64 tensor"};
  c.functions = {main, affine};
  return c;
}

bundle::BundleContents kernelContents(const std::string &kernelPath) {
  return sampleContents(readFileBytes(kernelPath));
}

void reseal(std::vector<uint8_t> &b) {
  uint8_t *trailer = b.data() + b.size() - bundle::kTrailerSize;
  uint64_t size;
  std::memcpy(&size, trailer, 8);
  uint64_t hash = bundle::hash64(b.data(), size);
  std::memcpy(trailer + 8, &hash, 8);
}

TempDir::TempDir() {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "coreai-unit-XXXXXX").string();
  if (!::mkdtemp(tmpl.data()))
    throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> TempDir::entries() const {
  std::vector<std::string> names;
  for (const auto &e : std::filesystem::directory_iterator(path_))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace coreai::test

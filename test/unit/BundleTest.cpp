//===- BundleTest.cpp - Writer and reader round trips ---------------------===//
#include "lib/Bundle/BundleFormat.h"
#include "lib/Bundle/BundleReader.h"
#include "lib/Bundle/BundleWriter.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cstring>

using namespace coreai;
using namespace coreai::bundle;
using coreai::test::sampleContents;
using coreai::test::TempDir;

namespace {

std::unique_ptr<BundleFile> openBytes(std::vector<uint8_t> bytes) {
  ReadError error;
  auto file = BundleFile::fromBytes(std::move(bytes), error);
  INFO(error.message);
  REQUIRE(file);
  return file;
}

uint64_t le64(const uint8_t *p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

} // namespace

TEST_CASE("writer is deterministic", "[bundle]") {
  std::vector<uint8_t> a = serializeBundle(sampleContents());
  std::vector<uint8_t> b = serializeBundle(sampleContents());
  CHECK(a == b);
  // A different value anywhere gives different bytes.
  BundleContents other = sampleContents();
  other.compileOptions += " -v";
  CHECK(serializeBundle(other) != a);
}

TEST_CASE("file layout: metadata, aligned segments, trailer", "[bundle]") {
  std::vector<uint8_t> bytes = serializeBundle(sampleContents());
  REQUIRE(bytes.size() > kTrailerSize);
  CHECK(std::memcmp(bytes.data() + 4, "AIMD", 4) == 0);
  const uint8_t *trailer = bytes.data() + bytes.size() - kTrailerSize;
  CHECK(std::memcmp(trailer + 24, "AIMDTAIL", 8) == 0);
  CHECK(le64(trailer + 16) == 0);
  uint64_t metaSize = le64(trailer);
  CHECK(metaSize < bytes.size());
  // The segment area and the trailer start at 64-byte boundaries.
  CHECK((bytes.size() - kTrailerSize) % 64 == 0);

  auto file = openBytes(bytes);
  CHECK(file->contentHash() == le64(trailer + 8));
  uint64_t areaOffset = alignUp(metaSize, 64);
  for (const SegmentInfo &s : file->segments()) {
    CHECK(s.offset % 64 == 0);
    CHECK(static_cast<uint64_t>(s.data - file->data()) ==
          areaOffset + s.offset);
  }
}

TEST_CASE("round trip keeps every field", "[bundle]") {
  BundleContents in = sampleContents();
  auto file = openBytes(serializeBundle(in));

  const BundleMetadata &m = file->metadata();
  CHECK(m.formatMajor == 1);
  CHECK(m.formatMinor == 5);
  CHECK(m.name == "sample");
  CHECK(m.producer == "coreai-build test");
  CHECK(m.sourceHash == "0123456789abcdef");
  CHECK(m.compileOptions == "--target=x86_64 -O2");

  REQUIRE(file->functions().size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const FunctionInfo &f = file->functions()[i];
    const FunctionData &want = in.functions[i];
    CHECK(f.name == want.name);
    CHECK(f.entrySymbol == want.entrySymbol);
    CHECK(f.executable == want.executable);
    CHECK(f.constants == want.constants);
    REQUIRE(f.inputs.size() == want.inputs.size());
    REQUIRE(f.outputs.size() == want.outputs.size());
    for (size_t k = 0; k < f.outputs.size(); ++k) {
      CHECK(f.outputs[k].name == want.outputs[k].name);
      CHECK(f.outputs[k].dtype == want.outputs[k].dtype);
      CHECK(f.outputs[k].shape == want.outputs[k].shape);
    }
    CHECK(f.inputs[0].name == "x");
    CHECK(f.inputs[0].shape == std::vector<int64_t>{2, 3});
    REQUIRE(f.debug.size() == want.debug.size());
    CHECK(f.debug.back().op == want.debug.back().op);
    CHECK(f.debug.back().source == want.debug.back().source);
    CHECK(f.debug.back().location == want.debug.back().location);
    CHECK(f.debug.back().unit == want.debug.back().unit);
    CHECK(f.debug.back().inputs == want.debug.back().inputs);
    CHECK(f.debug.back().flops == want.debug.back().flops);
    CHECK(f.debug.back().estimatedUs == want.debug.back().estimatedUs);
    CHECK(f.debug.back().refused == want.debug.back().refused);
  }
  CHECK(file->findFunction("affine") == &file->functions()[1]);
  CHECK(file->findFunction("nope") == nullptr);

  REQUIRE(file->constants().size() == 4);
  for (uint32_t i = 0; i < 4; ++i) {
    const ConstantInfo &c = file->constants()[i];
    CHECK(c.dtype == in.constants[i].dtype);
    CHECK(c.shape == in.constants[i].shape);
    CHECK(std::memcmp(file->constantData(i), in.constants[i].bytes.data(),
                      in.constants[i].bytes.size()) == 0);
    CHECK(reinterpret_cast<uintptr_t>(file->constantData(i)) % 64 == 0);
  }

  REQUIRE(file->executables().size() == 1);
  const ExecutableInfo &e = file->executables()[0];
  CHECK(e.unit == "cpu");
  CHECK(e.arch == "x86_64");
  CHECK(e.format == "elf-shared-object");
  const SegmentInfo &seg = file->segments()[e.segment];
  REQUIRE(seg.size == in.executables[0].bytes.size());
  CHECK(std::memcmp(seg.data, in.executables[0].bytes.data(), seg.size) == 0);
}

TEST_CASE("equal constants share one segment", "[bundle]") {
  auto file = openBytes(serializeBundle(sampleContents()));
  const auto &c = file->constants();
  CHECK(c[0].segment == c[2].segment);
  CHECK(c[0].segment != c[1].segment);
  CHECK(c[1].segment != c[3].segment);
  // 3 distinct constants + 1 executable.
  CHECK(file->segments().size() == 4);
}

TEST_CASE("empty and zero-size contents round trip", "[bundle]") {
  BundleContents empty;
  auto file = openBytes(serializeBundle(empty));
  CHECK(file->functions().empty());
  CHECK(file->segments().empty());

  BundleContents zero = sampleContents();
  zero.constants.push_back({DType::F32, {0, 3}, {}});
  zero.functions[0].constants.push_back(4);
  auto z = openBytes(serializeBundle(zero));
  CHECK(z->segments()[z->constants()[4].segment].size == 0);
}

TEST_CASE("writeBundle writes atomically", "[bundle]") {
  TempDir dir;
  std::string path = dir.file("m.aimodel");
  REQUIRE(writeBundle(sampleContents(), path) == "");
  CHECK(test::readFileBytes(path) == serializeBundle(sampleContents()));
  CHECK(dir.entries() == std::vector<std::string>{"m.aimodel"});

  ReadError error;
  auto file = BundleFile::open(path, error);
  INFO(error.message);
  CHECK(file);

  // Overwriting replaces the file.
  BundleContents other = sampleContents();
  other.modelName = "other";
  REQUIRE(writeBundle(other, path) == "");
  CHECK(test::readFileBytes(path) == serializeBundle(other));
  CHECK(dir.entries() == std::vector<std::string>{"m.aimodel"});
}

TEST_CASE("writeBundle reports failures and leaves nothing", "[bundle]") {
  TempDir dir;
  std::string err =
      writeBundle(sampleContents(), dir.file("no/such/m.aimodel"));
  CHECK(err.find("cannot create temporary file") != std::string::npos);

  BundleContents bad = sampleContents();
  bad.constants[1].bytes.pop_back();
  err = writeBundle(bad, dir.file("m.aimodel"));
  CHECK(err == "constant 1 (float32 [2,3]) needs 24 bytes, but has 23");
  CHECK(dir.entries().empty());

  bad = sampleContents();
  bad.functions[1].constants.push_back(9);
  CHECK(writeBundle(bad, dir.file("m.aimodel")) ==
        "function 'affine' refers to constant 9, but there are 4");
  bad = sampleContents();
  bad.functions[0].executable = 1;
  CHECK(writeBundle(bad, dir.file("m.aimodel")) ==
        "function 'main' refers to executable 1, but there are 1");
  bad = sampleContents();
  bad.functions[1].name = "main";
  CHECK(writeBundle(bad, dir.file("m.aimodel")) ==
        "duplicate function name 'main'");
  CHECK(dir.entries().empty());
}

TEST_CASE("open reports missing files and directories", "[bundle]") {
  TempDir dir;
  ReadError error;
  CHECK_FALSE(BundleFile::open(dir.file("missing.aimodel"), error));
  CHECK(error.kind == ReadErrorKind::NotFound);
  CHECK(error.message == "no such file");
  CHECK_FALSE(BundleFile::open(dir.path(), error));
  CHECK(error.kind == ReadErrorKind::IO);
  test::writeFileBytes(dir.file("empty"), {});
  CHECK_FALSE(BundleFile::open(dir.file("empty"), error));
  CHECK(error.kind == ReadErrorKind::Corrupt);
  CHECK(error.message == "file is too small to be a .aimodel bundle (0 bytes)");
}

namespace {
/// sampleContents() with `main` compiled for one more shape: main.shape1,
/// its inputs and outputs [4, 3] instead of [2, 3].
BundleContents withShapeVariant() {
  BundleContents c = sampleContents();
  FunctionData variant = c.functions[0];
  variant.name = "main.shape1";
  variant.variantOf = "main";
  variant.entrySymbol = "coreai_fn_main.shape1";
  variant.inputs[0].shape = {4, 3};
  variant.outputs[0].shape = {4, 3};
  c.functions.push_back(variant);
  return c;
}

/// Why the reader refuses `c` (serialized without the writer's checks),
/// which must be what the writer says too.
std::string refusal(const BundleContents &c) {
  ReadError error;
  auto file = BundleFile::fromBytes(serializeBundle(c), error);
  CHECK(!file);
  CHECK(error.message.find(checkBundleContents(c)) != std::string::npos);
  return checkBundleContents(c);
}
} // namespace

TEST_CASE("shape variants round trip", "[bundle][shapes]") {
  BundleContents c = withShapeVariant();
  REQUIRE(checkBundleContents(c).empty());
  auto file = openBytes(serializeBundle(c));
  REQUIRE(file->functions().size() == 3);
  CHECK(file->functions()[0].variantOf.empty());
  CHECK(file->functions()[2].variantOf == "main");
  CHECK(file->functions()[2].inputs[0].shape == std::vector<int64_t>{4, 3});
}

TEST_CASE("shape variants that the runtime could not choose between are "
          "refused",
          "[bundle][shapes]") {
  BundleContents c = withShapeVariant();
  c.functions[2].variantOf = "nope";
  CHECK(refusal(c) == "function 'main.shape1', a shape variant of 'nope', "
                      "does not follow a function of that name");

  c = withShapeVariant();
  c.functions[2].inputs[0].shape = {2, 3};
  CHECK(refusal(c) == "function 'main.shape1', a shape variant of 'main', "
                      "takes the same input shapes as 'main'");

  c = withShapeVariant();
  c.functions[2].inputs[0].dtype = DType::F16;
  CHECK(refusal(c) == "function 'main.shape1', a shape variant of 'main', "
                      "input 0 'x' differs in name, dtype, rank, image "
                      "format or run-time shape");

  c = withShapeVariant();
  c.functions[2].outputs.push_back({"z", DType::F32, {1}});
  CHECK(refusal(c) == "function 'main.shape1', a shape variant of 'main', "
                      "has 2 outputs, not 1");

  // A variant of a variant, and two variants at the same shapes.
  c = withShapeVariant();
  FunctionData second = c.functions[2];
  second.name = "main.shape2";
  second.variantOf = "main.shape1";
  c.functions.push_back(second);
  CHECK(refusal(c) == "function 'main.shape2', a shape variant of "
                      "'main.shape1', names a function that is itself a "
                      "shape variant");
  c.functions[3].variantOf = "main";
  CHECK(refusal(c) == "function 'main.shape2', a shape variant of 'main', "
                      "takes the same input shapes as 'main.shape1'");
}

TEST_CASE("state pairs round trip", "[bundle][state]") {
  BundleContents c = sampleContents();
  c.functions[0].states = {{0, 0}};
  REQUIRE(checkBundleContents(c).empty());
  auto file = openBytes(serializeBundle(c));
  CHECK(file->functions()[0].states == std::vector<StatePair>{{0, 0}});
  CHECK(file->functions()[1].states.empty());
}

TEST_CASE("state pairs the runtime could not keep are refused",
          "[bundle][state]") {
  BundleContents c = sampleContents();
  c.functions[0].states = {{1, 0}};
  CHECK(refusal(c) == "function 'main' state 0 pairs input 1 with output 0, "
                      "but it has 1 inputs and 1 outputs");
  c.functions[0].states = {{0, 0}, {0, 0}};
  CHECK(refusal(c) ==
        "function 'main' state 1 ('x') uses a tensor of an earlier pair");
  c = sampleContents();
  c.functions[1].states = {{0, 1}}; // x: float32 [2,3]; n: int64 []
  CHECK(refusal(c) == "function 'affine' state 0: input 'x' and output 'n' "
                      "differ in dtype or shape");

  // Every shape variant keeps the same state at the same shapes: one
  // InferenceState serves them all.
  c = withShapeVariant();
  c.functions[0].states = {{0, 0}};
  CHECK(refusal(c) == "function 'main.shape1', a shape variant of 'main', "
                      "keeps other state than 'main'");
  c.functions[2].states = {{0, 0}};
  CHECK(refusal(c) == "function 'main.shape1', a shape variant of 'main', "
                      "keeps state 'x' at another shape");
}

TEST_CASE("outputs of run-time shape name valid extents", "[bundle]") {
  // affine: y float32 [2,3], n int64 []; an extents output for y is int64 [2].
  BundleContents c = sampleContents();
  c.functions[1].outputs.push_back({"y:shape", DType::I64, {2}});
  c.functions[1].outputs[0].runtimeShapeFrom = 2;
  REQUIRE(checkBundleContents(c).empty());
  auto file = openBytes(serializeBundle(c));
  CHECK(file->functions()[1].outputs[0].runtimeShapeFrom == 2);
  CHECK(file->functions()[1].outputs[2].runtimeShapeFrom == -1);

  c.functions[1].outputs[0].runtimeShapeFrom = 1; // n: int64 []
  CHECK(refusal(c) == "function 'affine' output 0 'y' takes its shape from "
                      "output 'n', which is not a fixed int64 [2]");
  c.functions[1].outputs[0].runtimeShapeFrom = 7;
  CHECK(refusal(c) == "function 'affine' output 0 'y' takes its shape from "
                      "output 7, not another of its 3 outputs");
  c.functions[1].outputs[0].runtimeShapeFrom = 0;
  CHECK(refusal(c) == "function 'affine' output 0 'y' takes its shape from "
                      "output 0, not another of its 3 outputs");
  c.functions[1].outputs[0].runtimeShapeFrom = 2;
  c.functions[1].inputs[0].runtimeShapeFrom = 2;
  CHECK(refusal(c) ==
        "function 'affine' input 'x' has a run-time shape (only outputs may)");
}

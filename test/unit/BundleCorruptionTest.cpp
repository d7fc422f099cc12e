//===- BundleCorruptionTest.cpp - Damaged bundles are refused at open -----===//
#include "coreai/schemas/aimodel_generated.h"
#include "lib/Bundle/BundleFormat.h"
#include "lib/Bundle/BundleReader.h"
#include "lib/Bundle/BundleWriter.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cstring>

using namespace coreai;
using namespace coreai::bundle;
using coreai::test::reseal;
using coreai::test::sampleContents;

namespace {

/// Opens `bytes`; returns the error (message empty if it opened).
ReadError tryOpen(std::vector<uint8_t> bytes) {
  ReadError error;
  if (BundleFile::fromBytes(std::move(bytes), error))
    error.message.clear();
  return error;
}

/// The address of a root-table scalar in a serialized bundle.
uint8_t *rootField(std::vector<uint8_t> &b, flatbuffers::voffset_t field) {
  auto *table = reinterpret_cast<const flatbuffers::Table *>(
      flatbuffers::GetRoot<uint8_t>(b.data()));
  return const_cast<uint8_t *>(table->GetAddressOf(field));
}

} // namespace

TEST_CASE("every single flipped bit is detected", "[bundle][corruption]") {
  const std::vector<uint8_t> good = serializeBundle(sampleContents());
  REQUIRE(tryOpen(good).message.empty());
  size_t undetected = 0, firstUndetected = 0;
  for (size_t bit = 0; bit < good.size() * 8; ++bit) {
    std::vector<uint8_t> bad = good;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    if (tryOpen(std::move(bad)).message.empty() && undetected++ == 0)
      firstUndetected = bit;
  }
  INFO("file size " << good.size() << ", first undetected bit "
                    << firstUndetected);
  CHECK(undetected == 0);
}

TEST_CASE("every truncation and extension is detected",
          "[bundle][corruption]") {
  const std::vector<uint8_t> good = serializeBundle(sampleContents());
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + n);
    ReadError e = tryOpen(cut);
    INFO("truncated to " << n);
    REQUIRE_FALSE(e.message.empty());
    CHECK(e.kind == ReadErrorKind::Corrupt);
  }
  std::vector<uint8_t> longer = good;
  longer.push_back(0);
  CHECK_FALSE(tryOpen(longer).message.empty());
  std::vector<uint8_t> shifted(64, 0);
  shifted.insert(shifted.end(), good.begin(), good.end());
  CHECK_FALSE(tryOpen(shifted).message.empty());
}

TEST_CASE("corruption messages name what is wrong", "[bundle][corruption]") {
  const std::vector<uint8_t> good = serializeBundle(sampleContents());
  ReadError error;
  auto file = BundleFile::fromBytes(good, error);
  REQUIRE(file);
  const SegmentInfo &seg1 = file->segments()[1];
  const SegmentInfo &exe = file->segments()[file->executables()[0].segment];
  size_t seg1Pos = static_cast<size_t>(seg1.data - file->data());
  size_t exePos = static_cast<size_t>(exe.data - file->data());

  std::vector<uint8_t> b = good;
  b[seg1Pos + 3] ^= 0x10;
  CHECK(tryOpen(b).message ==
        "segment 1 (constant) content hash mismatch: the bundle is corrupt");

  b = good;
  b[exePos + exe.size - 1] ^= 1;
  CHECK(tryOpen(b).message == "segment 3 (executable) content hash "
                              "mismatch: the bundle is corrupt");

  b = good;
  b[seg1Pos + seg1.size] = 1; // the padding after segment 1
  CHECK(tryOpen(b).message == "nonzero padding in the segment area before "
                              "segment 2: the bundle is corrupt");

  b = good;
  b[10] ^= 4;
  CHECK(tryOpen(b).message == "metadata hash mismatch: the bundle is corrupt");

  b = good;
  b[b.size() - 1] = 'X';
  CHECK(tryOpen(b).message == "no AIMDTAIL trailer at the end of the file: "
                              "not a .aimodel bundle, or truncated");
}

TEST_CASE("a wrong file identifier is refused", "[bundle][corruption]") {
  std::vector<uint8_t> b = serializeBundle(sampleContents());
  std::memcpy(b.data() + 4, "ONNX", 4);
  reseal(b);
  CHECK(tryOpen(b).message ==
        "not a .aimodel bundle (file identifier 'ONNX', expected 'AIMD')");
}

TEST_CASE("other major versions are refused with both versions named",
          "[bundle][version]") {
  std::vector<uint8_t> b = serializeBundle(sampleContents());
  uint8_t *major = rootField(b, fb::Bundle::VT_FORMAT_MAJOR);
  REQUIRE(major);
  uint32_t two = 2;
  std::memcpy(major, &two, 4);
  reseal(b);
  ReadError e = tryOpen(b);
  CHECK(e.kind == ReadErrorKind::Unsupported);
  std::string minor = std::to_string(kFormatMinor);
  CHECK(e.message == "bundle format 2." + minor +
                         " is newer than this runtime supports (1.x)");

  uint32_t zero = 0;
  std::memcpy(major, &zero, 4);
  reseal(b);
  CHECK(tryOpen(b).message == "bundle format 0." + minor +
                                  " is older than this runtime supports (1.x)");
}

TEST_CASE("a newer major version is refused even if its schema changed",
          "[bundle][version]") {
  // A future bundle whose root table has fields this reader does not know.
  flatbuffers::FlatBufferBuilder fbb;
  auto extra = fbb.CreateString("a field from the future");
  flatbuffers::uoffset_t start = fbb.StartTable();
  fbb.AddElement<uint32_t>(fb::Bundle::VT_FORMAT_MAJOR, 3, 0);
  fbb.AddElement<uint32_t>(fb::Bundle::VT_FORMAT_MINOR, 1, 0);
  fbb.AddOffset(30, extra);
  fbb.Finish(flatbuffers::Offset<fb::Bundle>(fbb.EndTable(start)), "AIMD");
  std::vector<uint8_t> b(fbb.GetBufferPointer(),
                         fbb.GetBufferPointer() + fbb.GetSize());
  b.resize(alignUp(b.size(), 64), 0);
  uint64_t trailer[3] = {fbb.GetSize(), 0, 0};
  b.insert(b.end(), reinterpret_cast<uint8_t *>(trailer),
           reinterpret_cast<uint8_t *>(trailer) + 24);
  b.insert(b.end(), kTrailerMagic, kTrailerMagic + 8);
  reseal(b);
  CHECK(tryOpen(b).message ==
        "bundle format 3.1 is newer than this runtime supports (1.x)");
}

TEST_CASE("inconsistent metadata is refused", "[bundle][corruption]") {
  // serializeBundle does not validate, so it can make these.
  BundleContents c = sampleContents();
  c.functions[0].executable = 5;
  CHECK(tryOpen(serializeBundle(c)).message ==
        "function 'main' refers to executable 5 of 1: the bundle is corrupt");

  c = sampleContents();
  c.functions[1].constants = {0, 7};
  CHECK(tryOpen(serializeBundle(c)).message ==
        "function 'affine' refers to constant 7 of 4: the bundle is corrupt");

  c = sampleContents();
  c.constants[3].shape = {4};
  CHECK(tryOpen(serializeBundle(c)).message ==
        "constant 3 (int64 [4]) needs 32 bytes, but its segment has 24: the "
        "bundle is corrupt");

  c = sampleContents();
  c.functions[0].inputs[0].dtype = DType::String;
  ReadError e = tryOpen(serializeBundle(c));
  CHECK(e.kind == ReadErrorKind::Unsupported);
  CHECK(e.message == "function 'main' input 0 'x' has unsupported dtype 8");

  // The debug table is a graph in order: an entry reads earlier ones only.
  c = sampleContents();
  c.functions[1].debug[0].inputs = {1};
  CHECK(tryOpen(serializeBundle(c)).message ==
        "function 'affine' debug entry 0 reads entry 1, not an earlier one: "
        "the bundle is corrupt");
  c = sampleContents();
  c.functions[1].debug[1].estimatedUs = -1;
  CHECK(tryOpen(serializeBundle(c)).message ==
        "function 'affine' debug entry 1 has a negative or non-finite cost: "
        "the bundle is corrupt");

  c = sampleContents();
  c.functions[0].outputs[0].shape = {-1, 3};
  CHECK(tryOpen(serializeBundle(c)).message ==
        "function 'main' output 0 'y' has a dynamic or invalid shape [-1,3]");
}

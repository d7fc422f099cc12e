//===- TensorIOTest.cpp - .npy and TensorProto files ----------------------===//
#include "coreai/TensorIO.h"
#include "lib/Runtime/Half.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using namespace coreai;
using namespace coreai::runtime;
using coreai::test::TempDir;

namespace {

std::vector<uint8_t> npyBytes(int major, const std::string &dict,
                              const std::vector<uint8_t> &data) {
  std::string header = dict;
  size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y',
                              static_cast<uint8_t>(major), 0};
  for (size_t i = 0; i < prefix - 8; ++i)
    out.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

NDArray npy(const std::vector<uint8_t> &bytes) {
  return parseNpy(bytes.data(), bytes.size());
}

std::string npyError(const std::vector<uint8_t> &bytes) {
  try {
    parseNpy(bytes.data(), bytes.size());
  } catch (const TensorFileError &e) {
    return e.what();
  }
  return "";
}

/// A protobuf encoder, just enough to write TensorProtos.
struct Proto {
  std::vector<uint8_t> bytes;
  Proto &varint(uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      bytes.push_back(b | (v ? 0x80 : 0));
    } while (v);
    return *this;
  }
  Proto &key(int field, int wire) { return varint((field << 3) | wire); }
  Proto &varintField(int field, uint64_t v) { return key(field, 0).varint(v); }
  Proto &bytesField(int field, const std::vector<uint8_t> &b) {
    key(field, 2).varint(b.size());
    bytes.insert(bytes.end(), b.begin(), b.end());
    return *this;
  }
  Proto &packedVarints(int field, const std::vector<int64_t> &values) {
    Proto inner;
    for (int64_t v : values)
      inner.varint(static_cast<uint64_t>(v));
    return bytesField(field, inner.bytes);
  }
  template <typename T> Proto &packedFixed(int field, const std::vector<T> &v) {
    std::vector<uint8_t> b(v.size() * sizeof(T));
    std::memcpy(b.data(), v.data(), b.size());
    return bytesField(field, b);
  }
};

NDArray pb(const Proto &p, std::string *name = nullptr) {
  return parseTensorProto(p.bytes.data(), p.bytes.size(), name);
}

std::string pbError(const Proto &p) {
  try {
    pb(p);
  } catch (const TensorFileError &e) {
    return e.what();
  }
  return "";
}

template <typename T> std::vector<T> values(const NDArray &a) {
  return std::vector<T>(a.dataAs<T>(), a.dataAs<T>() + a.elementCount());
}

} // namespace

TEST_CASE("npy: numpy-written headers of versions 1, 2, 3", "[tensorio]") {
  std::vector<uint8_t> data = test::floatBytes({1, 2, 3, 4, 5, 6});
  for (int major : {1, 2, 3}) {
    NDArray a = npy(npyBytes(
        major, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
        data));
    CHECK(a.dtype() == DType::F32);
    CHECK(a.shape() == std::vector<int64_t>{2, 3});
    CHECK(values<float>(a) == std::vector<float>{1, 2, 3, 4, 5, 6});
  }
  NDArray scalar = npy(npyBytes(
      1, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }",
      {7, 0, 0, 0, 0, 0, 0, 0}));
  CHECK(scalar.shape().empty());
  CHECK(values<int64_t>(scalar) == std::vector<int64_t>{7});
  NDArray flags = npy(npyBytes(
      1, "{\"shape\": (3,), \"fortran_order\": False, \"descr\": \"|b1\"}",
      {1, 0, 1}));
  CHECK(flags.dtype() == DType::Bool);
  CHECK(flags.shape() == std::vector<int64_t>{3});
}

TEST_CASE("npy: every supported dtype round trips", "[tensorio]") {
  for (DType t : {DType::F32, DType::F64, DType::F16, DType::I8, DType::I16,
                  DType::I32, DType::I64, DType::U8, DType::U16, DType::U32,
                  DType::U64, DType::Bool}) {
    NDArray a(t, {3, 1, 2});
    auto *p = static_cast<uint8_t *>(a.data());
    for (size_t i = 0; i < a.byteSize(); ++i)
      p[i] = static_cast<uint8_t>(i * 13 + 1);
    if (t == DType::Bool)
      for (size_t i = 0; i < a.byteSize(); ++i)
        p[i] &= 1;
    std::vector<uint8_t> bytes = encodeNpy(a);
    INFO(dtypeName(t));
    CHECK((bytes.size() - a.byteSize()) % 64 == 0); // data starts aligned
    NDArray b = npy(bytes);
    CHECK(b.dtype() == t);
    CHECK(b.shape() == a.shape());
    CHECK(std::memcmp(a.data(), b.data(), a.byteSize()) == 0);
  }
  // bfloat16 has no .npy type; it widens (see below) instead of failing.
  CHECK(npy(encodeNpy(NDArray(DType::BF16, {2}))).dtype() == DType::F32);
}

TEST_CASE("npy: bad files are refused with a reason", "[tensorio]") {
  std::string f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  std::vector<uint8_t> data(24, 0);
  CHECK(npyError(npyBytes(1, f4, std::vector<uint8_t>(20, 0))) ==
        "truncated .npy data (expected 24 bytes, got 20)");
  CHECK(npyError(npyBytes(1, f4, std::vector<uint8_t>(25, 0))) ==
        "1 unexpected bytes after the .npy data (expected 24)");
  CHECK(npyError({'P', 'K', 3, 4}) == "not a .npy file (bad magic)");
  CHECK(npyError(npyBytes(
            1, "{'descr': '>f4', 'fortran_order': False, 'shape': (6,), }",
            data)) == "big-endian .npy data ('>f4') is not supported");
  CHECK(npyError(npyBytes(
            1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
            data)) ==
        "Fortran-order .npy data is not supported (save it in C order)");
  CHECK(npyError(npyBytes(
            1, "{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }",
            data)) == "unsupported .npy dtype '<c8'");
  CHECK(npyError(npyBytes(4, f4, data)) == "unsupported .npy version 4.0");
  CHECK(npyError(npyBytes(1, "{'descr': '<f4', 'shape': (2, 3)}", data)) ==
        "malformed .npy header (needs 'descr', 'fortran_order' and 'shape')");
  CHECK(npyError(npyBytes(1, "{'descr': '<f4', 'shape': (2, x)}", data)) ==
        "malformed .npy header (expected a dimension)");
  std::vector<uint8_t> cutHeader = npyBytes(1, f4, data);
  cutHeader.resize(40);
  CHECK(npyError(cutHeader) == "truncated .npy header");
  // Huge shapes are refused before allocating anything.
  CHECK(npyError(npyBytes(
            1,
            "{'descr': '<f8', 'fortran_order': False, 'shape': "
            "(4294967296, 4294967296), }",
            data)) == "invalid .npy shape (4294967296, 4294967296)");
}

TEST_CASE("TensorProto: every storage field", "[tensorio]") {
  std::string name;
  // float_data packed, dims packed.
  NDArray f = pb(Proto()
                     .packedVarints(1, {2, 2})
                     .varintField(2, 1)
                     .packedFixed<float>(4, {1.5f, -2, 3, 4})
                     .bytesField(8, {'x', '0'}),
                 &name);
  CHECK(name == "x0");
  CHECK(f.dtype() == DType::F32);
  CHECK(f.shape() == std::vector<int64_t>{2, 2});
  CHECK(values<float>(f) == std::vector<float>{1.5f, -2, 3, 4});

  // Unpacked dims and int32_data carrying int8 (negative values are
  // sign-extended 10-byte varints).
  NDArray i8 = pb(Proto()
                      .varintField(1, 3)
                      .varintField(2, 3)
                      .varintField(5, static_cast<uint64_t>(-5))
                      .varintField(5, 7)
                      .varintField(5, static_cast<uint64_t>(-128)));
  CHECK(values<int8_t>(i8) == std::vector<int8_t>{-5, 7, -128});

  // float16 bit patterns in int32_data.
  NDArray h = pb(Proto().packedVarints(1, {2}).varintField(2, 10).packedVarints(
      5, {0x3c00, 0xc000}));
  CHECK(halfToFloat(values<uint16_t>(h)[0]) == 1.0f);
  CHECK(halfToFloat(values<uint16_t>(h)[1]) == -2.0f);

  NDArray i64 = pb(Proto().varintField(1, 2).varintField(2, 7).packedVarints(
      7, {-1, int64_t(1) << 40}));
  CHECK(values<int64_t>(i64) == std::vector<int64_t>{-1, int64_t(1) << 40});

  NDArray f64 = pb(Proto().varintField(1, 1).varintField(2, 11).packedFixed<
                   double>(10, {0.25}));
  CHECK(values<double>(f64) == std::vector<double>{0.25});

  NDArray u32 = pb(Proto().varintField(1, 2).varintField(2, 12).packedVarints(
      11, {4000000000LL, 1}));
  CHECK(values<uint32_t>(u32) == std::vector<uint32_t>{4000000000u, 1});

  NDArray raw = pb(Proto().varintField(1, 3).varintField(2, 9).bytesField(
      9, {1, 0, 1}));
  CHECK(raw.dtype() == DType::Bool);
  CHECK(values<uint8_t>(raw) == std::vector<uint8_t>{1, 0, 1});

  // A scalar with unknown fields (doc_string, segment) that must be skipped.
  NDArray s = pb(Proto()
                     .varintField(2, 1)
                     .bytesField(12, {'d', 'o', 'c'})
                     .bytesField(3, {8, 1})
                     .bytesField(9, test::floatBytes({42})));
  CHECK(s.shape().empty());
  CHECK(values<float>(s) == std::vector<float>{42});
}

TEST_CASE("TensorProto: 4- and 2-bit types unpack to one value per byte",
          "[tensorio]") {
  // int4 [7, -8, -1] packed low nibble first: 0x87, 0x0F.
  NDArray i4 = pb(Proto().varintField(1, 3).varintField(2, 22).bytesField(
      9, {0x87, 0x0F}));
  CHECK(i4.dtype() == DType::I4);
  CHECK(values<int8_t>(i4) == std::vector<int8_t>{7, -8, -1});
  // uint4 keeps 15 as 15; int32_data carries one packed byte per entry.
  NDArray u4 = pb(
      Proto().varintField(1, 2).varintField(2, 21).packedVarints(5, {0xF3}));
  CHECK(values<uint8_t>(u4) == std::vector<uint8_t>{3, 15});
  // int2: four per byte; 0b11 is -1, 0b10 is -2.
  NDArray i2 = pb(Proto().varintField(1, 5).varintField(2, 26).bytesField(
      9, {0xE4, 0x03}));
  CHECK(values<int8_t>(i2) == std::vector<int8_t>{0, 1, -2, -1, -1});
  // Packed sizes are checked: 3 int4 values need 2 bytes.
  CHECK(pbError(Proto().varintField(1, 3).varintField(2, 22).bytesField(
            9, {0x87})) ==
        "TensorProto has 1 packed bytes, expected 2 for int4 [3]");
}

TEST_CASE("float8 and float4 codes decode to their values", "[tensorio]") {
  // float8e4m3fn: 0x7E is the largest finite (448), 0x7F NaN, 0x01 the
  // smallest subnormal (2^-9); there is no infinity.
  CHECK(narrowFloatToFloat(DType::F8E4M3FN, 0x7E) == 448.0f);
  CHECK(std::isnan(narrowFloatToFloat(DType::F8E4M3FN, 0x7F)));
  CHECK(narrowFloatToFloat(DType::F8E4M3FN, 0x01) == std::ldexp(1.0f, -9));
  CHECK(narrowFloatToFloat(DType::F8E4M3FN, 0xB8) == -1.0f);
  // float8e5m2 has infinities; the fnuz types have one NaN (0x80), no -0.
  CHECK(narrowFloatToFloat(DType::F8E5M2, 0x7C) == INFINITY);
  CHECK(narrowFloatToFloat(DType::F8E5M2, 0x7B) == 57344.0f);
  CHECK(std::isnan(narrowFloatToFloat(DType::F8E4M3FNUZ, 0x80)));
  CHECK(narrowFloatToFloat(DType::F8E4M3FNUZ, 0x7F) == 240.0f);
  CHECK(narrowFloatToFloat(DType::F8E5M2FNUZ, 0x7F) == 57344.0f);
  // float4e2m1: 0x7 is 6, 0xE is -4; float8e8m0: 2^(code - 127).
  CHECK(narrowFloatToFloat(DType::F4E2M1, 0x7) == 6.0f);
  CHECK(narrowFloatToFloat(DType::F4E2M1, 0xE) == -4.0f);
  CHECK(narrowFloatToFloat(DType::F8E8M0, 0x7C) == 0.125f);
  CHECK(std::isnan(narrowFloatToFloat(DType::F8E8M0, 0xFF)));
}

TEST_CASE("npy: types numpy lacks are widened", "[tensorio]") {
  NDArray f8(DType::F8E4M3FN, {3});
  std::memcpy(f8.data(), "\x7E\xB8\x01", 3);
  NDArray back = npy(encodeNpy(f8));
  CHECK(back.dtype() == DType::F32);
  CHECK(values<float>(back) ==
        std::vector<float>{448.0f, -1.0f, std::ldexp(1.0f, -9)});

  NDArray bf(DType::BF16, {1});
  uint16_t bits = 0x3FC0; // 1.5
  std::memcpy(bf.data(), &bits, 2);
  CHECK(values<float>(npy(encodeNpy(bf))) == std::vector<float>{1.5f});

  NDArray i4(DType::I4, {2});
  std::memcpy(i4.data(), "\xF8\x07", 2);
  NDArray i4back = npy(encodeNpy(i4));
  CHECK(i4back.dtype() == DType::I8);
  CHECK(values<int8_t>(i4back) == std::vector<int8_t>{-8, 7});
}

TEST_CASE("TensorProto: bad files are refused with a reason", "[tensorio]") {
  CHECK(pbError(Proto().varintField(1, 2).varintField(2, 1).bytesField(
            9, {0, 0, 0})) ==
        "TensorProto raw_data has 3 bytes, expected 8 for float32 [2]");
  CHECK(pbError(Proto().varintField(1, 2).varintField(2, 1).packedFixed<float>(
            4, {1})) ==
        "TensorProto has 1 values in float_data, expected 2 for float32 [2]");
  CHECK(pbError(Proto().varintField(1, 2)) ==
        "TensorProto has no data_type (is this a TensorProto .pb file?)");
  CHECK(pbError(Proto().varintField(2, 8).bytesField(6, {'a'})) ==
        "unsupported TensorProto data_type 8 (string)");
  CHECK(pbError(Proto().varintField(2, 1).varintField(14, 1)) ==
        "TensorProto with external data is not supported");
  Proto truncated = Proto().varintField(2, 1);
  truncated.bytes.push_back(0x4a); // raw_data, length missing
  CHECK(pbError(truncated) == "malformed TensorProto (truncated varint)");
  Proto overrun = Proto().varintField(2, 1).key(9, 2).varint(1000);
  CHECK(pbError(overrun) ==
        "malformed TensorProto (field runs past the end of the file)");
  // Huge dims are refused before allocating anything.
  CHECK(pbError(Proto().varintField(1, 1u << 30).varintField(1, 1u << 31)
                    .varintField(2, 1)) ==
        "TensorProto has 0 values in float_data, expected 2305843009213693952 "
        "for float32 [1073741824,2147483648]");
  Proto group = Proto().varintField(2, 1).key(15, 3);
  CHECK(pbError(group) == "malformed TensorProto (unsupported wire type 3)");
}

TEST_CASE("tensor files by path", "[tensorio]") {
  TempDir dir;
  NDArray a(DType::I32, {4});
  for (int i = 0; i < 4; ++i)
    a.dataAs<int32_t>()[i] = i * i;
  writeNpy(dir.file("a.npy"), a);
  CHECK(dir.entries() == std::vector<std::string>{"a.npy"});
  NDArray b = readTensorFile(dir.file("a.npy"));
  CHECK(values<int32_t>(b) == values<int32_t>(a));

  Proto p = Proto().varintField(1, 2).varintField(2, 6).packedVarints(5, {3, 4});
  test::writeFileBytes(dir.file("t.pb"), p.bytes);
  std::string name = "stale";
  NDArray c = readTensorFile(dir.file("t.pb"), &name);
  CHECK(values<int32_t>(c) == std::vector<int32_t>{3, 4});
  CHECK(name.empty());

  try {
    readTensorFile(dir.file("missing.npy"));
    FAIL("no error");
  } catch (const TensorFileError &e) {
    CHECK(std::string(e.what()) == "no such file");
  }
  CHECK_THROWS_AS(writeNpy(dir.file("no/dir/x.npy"), a), TensorFileError);
}

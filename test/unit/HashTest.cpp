//===- HashTest.cpp - The bundle content hash -----------------------------===//
#include "lib/Bundle/Hash.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

using coreai::bundle::hash64;

TEST_CASE("hash64 is XXH64", "[hash]") {
  // Reference values of XXH64 with seed 0.
  CHECK(hash64("", 0) == 0xEF46DB3751D8E999ULL);
  CHECK(hash64("abc", 3) == 0x44BC2CF5AD770999ULL);
  const char *s = "Nobody inspects the spammish repetition"; // > 32 bytes
  CHECK(hash64(s, std::strlen(s)) == 0xFBCEA83C8A378BF1ULL);
}

TEST_CASE("hash64 detects every single bit flip", "[hash]") {
  for (size_t n : {1, 7, 8, 31, 32, 33, 64, 100, 257}) {
    std::vector<uint8_t> data(n);
    for (size_t i = 0; i < n; ++i)
      data[i] = static_cast<uint8_t>(i * 31 + 7);
    uint64_t h = hash64(data.data(), n);
    size_t undetected = 0;
    for (size_t bit = 0; bit < n * 8; ++bit) {
      data[bit / 8] ^= 1u << (bit % 8);
      undetected += hash64(data.data(), n) == h;
      data[bit / 8] ^= 1u << (bit % 8);
    }
    INFO("length " << n);
    CHECK(undetected == 0);
  }
}

TEST_CASE("hash64 depends on the length", "[hash]") {
  std::vector<uint8_t> zeros(128, 0);
  for (size_t n = 0; n < zeros.size(); ++n)
    CHECK(hash64(zeros.data(), n) != hash64(zeros.data(), n + 1));
}

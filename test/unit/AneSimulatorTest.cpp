//===- AneSimulatorTest.cpp - fp16 arithmetic, layers and cycle model -----===//
#include "lib/NeuralEngine/CycleModel.h"
#include "lib/NeuralEngine/EngineDescription.h"
#include "lib/Runtime/ANE/Fp16.h"
#include "lib/Runtime/ANE/Kernels.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace coreai::runtime::ane;

namespace {

std::vector<uint16_t> halves(const std::vector<float> &v) {
  std::vector<uint16_t> out;
  for (float f : v)
    out.push_back(floatToHalf(f));
  return out;
}

std::vector<float> floats(const std::vector<uint16_t> &v) {
  std::vector<float> out;
  for (uint16_t h : v)
    out.push_back(toFloat(h));
  return out;
}

std::string readText(const std::string &path) {
  std::vector<uint8_t> b = coreai::test::readFileBytes(path);
  return std::string(b.begin(), b.end());
}

} // namespace

TEST_CASE("fp16 rounding: ties to even, overflow, subnormals", "[ane]") {
  CHECK(floatToHalf(1.0f) == 0x3C00);
  CHECK(floatToHalf(-2.0f) == 0xC000);
  // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: to the even one, 1.
  CHECK(floatToHalf(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);
  // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 and 1 + 2^-9: to 1 + 2^-9.
  CHECK(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3C02);
  CHECK(floatToHalf(1.0f + 1.5f * std::ldexp(1.0f, -11)) == 0x3C01);
  // The largest finite value, and the first value that rounds to infinity.
  CHECK(floatToHalf(65504.0f) == 0x7BFF);
  CHECK(floatToHalf(65519.0f) == 0x7BFF);
  CHECK(floatToHalf(65520.0f) == 0x7C00);
  CHECK(floatToHalf(-1e6f) == 0xFC00);
  CHECK(floatToHalf(INFINITY) == 0x7C00);
  CHECK((floatToHalf(NAN) & 0x7C00) == 0x7C00);
  CHECK((floatToHalf(NAN) & 0x03FF) != 0);
  // Normal/subnormal boundary and subnormals (2^-24 is the smallest).
  CHECK(floatToHalf(std::ldexp(1.0f, -14)) == 0x0400);
  CHECK(floatToHalf(std::ldexp(1.0f, -15)) == 0x0200);
  CHECK(floatToHalf(std::ldexp(1.0f, -24)) == 0x0001);
  CHECK(floatToHalf(std::ldexp(1.0f, -25)) == 0x0000);          // tie to even 0
  CHECK(floatToHalf(std::ldexp(1.5f, -25)) == 0x0001);          // above the tie
  CHECK(floatToHalf(std::ldexp(3.0f, -25)) == 0x0002);          // tie to even 2
  CHECK(floatToHalf(-std::ldexp(1.0f, -26)) == 0x8000);         // -0
  CHECK(floatToHalf(std::ldexp(1023.5f, -24)) == 0x0400);       // carries to normal
}

TEST_CASE("fp16 conversions round trip every bit pattern", "[ane]") {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF)) // NaNs: compared by class
      continue;
    INFO("pattern " << h);
    REQUIRE(floatToHalf(toFloat(uint16_t(h))) == h);
  }
}

TEST_CASE("fp16 add and multiply are correctly rounded", "[ane]") {
  uint16_t max = 0x7BFF;
  CHECK(addHalf(max, max) == 0x7C00);                          // overflow
  CHECK(mulHalf(floatToHalf(256), floatToHalf(256)) == 0x7C00); // 65536
  CHECK(mulHalf(floatToHalf(std::ldexp(1.0f, -12)),
                floatToHalf(std::ldexp(1.0f, -12))) == 0x0001); // 2^-24
  CHECK(mulHalf(floatToHalf(std::ldexp(1.0f, -13)),
                floatToHalf(std::ldexp(1.0f, -13))) == 0x0000); // 2^-26
  // 2048 + 1 is not representable: ties to even 2048.
  CHECK(addHalf(floatToHalf(2048), floatToHalf(1)) == floatToHalf(2048));
  CHECK(addHalf(floatToHalf(2048), floatToHalf(3)) == floatToHalf(2052));
}

TEST_CASE("convolution by hand", "[ane]") {
  // 3x3 input 1..9, one 2x2 filter of ones.
  std::vector<uint16_t> in = halves({1, 2, 3, 4, 5, 6, 7, 8, 9});
  std::vector<uint16_t> w = halves({1, 1, 1, 1});
  std::vector<uint16_t> bias = halves({0.5f});
  ConvParams p;
  p.h = p.w = 3;
  p.kh = p.kw = 2;
  std::vector<uint16_t> out(4);
  conv2d(p, in.data(), w.data(), bias.data(), out.data(), true);
  CHECK(floats(out) == std::vector<float>{12.5f, 16.5f, 24.5f, 28.5f});

  // Padding 1 on every side, stride 2: windows clipped at the borders.
  p.pads = {1, 1, 1, 1};
  p.stride = {2, 2};
  REQUIRE(p.outH() == 2);
  conv2d(p, in.data(), w.data(), nullptr, out.data(), true);
  CHECK(floats(out) == std::vector<float>{1, 5, 11, 28});

  // Depthwise (groups = channels): channel k scaled by weight k.
  ConvParams d;
  d.c = d.f = d.groups = 2;
  d.h = 1;
  d.w = 2;
  std::vector<uint16_t> in2 = halves({1, 2, 3, 4});
  std::vector<uint16_t> w2 = halves({2, 3});
  std::vector<uint16_t> out2(4);
  conv2d(d, in2.data(), w2.data(), nullptr, out2.data(), true);
  CHECK(floats(out2) == std::vector<float>{2, 4, 9, 12});
}

TEST_CASE("accumulator precision follows the description", "[ane]") {
  // 4096 products of 1 * 1: an fp32 accumulator holds 4096; an fp16 one
  // stops at 2048, where adding 1 rounds back to 2048.
  std::vector<uint16_t> ones(4096, floatToHalf(1.0f));
  uint16_t out = 0;
  matmul(1, 4096, 1, ones.data(), ones.data(), nullptr, &out, true);
  CHECK(toFloat(out) == 4096.0f);
  matmul(1, 4096, 1, ones.data(), ones.data(), nullptr, &out, false);
  CHECK(toFloat(out) == 2048.0f);
  // A 2x2 product by hand.
  std::vector<uint16_t> a = halves({1, 2, 3, 4}), b = halves({5, 6, 7, 8});
  std::vector<uint16_t> c(4);
  matmul(2, 2, 2, a.data(), b.data(), nullptr, c.data(), true);
  CHECK(floats(c) == std::vector<float>{19, 22, 43, 50});
  // The result rounds once, at the output: 2049 is not an fp16 value.
  std::vector<uint16_t> x = halves({2048, 1}), y = halves({1, 1});
  matmul(1, 2, 1, x.data(), y.data(), nullptr, &out, true);
  CHECK(toFloat(out) == 2048.0f);
}

TEST_CASE("elementwise, activations, pooling and softmax", "[ane]") {
  std::vector<uint16_t> a = halves({1, -2, 3, -4}), bias = halves({10, 20});
  std::vector<uint16_t> out(4);
  binary(Binary::Add, 1, 2, 2, a.data(), bias.data(), true, out.data());
  CHECK(floats(out) == std::vector<float>{11, 8, 23, 16});
  binary(Binary::Mul, 1, 2, 2, a.data(), a.data(), false, out.data());
  CHECK(floats(out) == std::vector<float>{1, 4, 9, 16});
  unary(Unary::Relu, 4, a.data(), out.data());
  CHECK(floats(out) == std::vector<float>{1, 0, 3, 0});
  unary(Unary::Clip, 4, a.data(), out.data(), -1, 2);
  CHECK(floats(out) == std::vector<float>{1, -1, 2, -1});
  std::vector<uint16_t> s = halves({0, -20, 20, 1});
  unary(Unary::Sigmoid, 4, s.data(), out.data(), 0, 0, 1025);
  CHECK(toFloat(out[0]) == 0.5f);                 // a table sample
  CHECK(toFloat(out[1]) < 0.001f);                // saturated
  CHECK(toFloat(out[2]) > 0.999f);
  CHECK(std::abs(toFloat(out[3]) - 0.7311f) < 2e-3f); // interpolated

  // 2x2 max and average pooling, stride 2, on a 4x4 plane.
  std::vector<uint16_t> plane = halves(
      {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  ConvParams p;
  p.h = p.w = 4;
  p.kh = p.kw = 2;
  p.stride = {2, 2};
  pool(Pool::Max, p, plane.data(), out.data(), false);
  CHECK(floats(out) == std::vector<float>{6, 8, 14, 16});
  pool(Pool::Avg, p, plane.data(), out.data(), false);
  CHECK(floats(out) == std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f});

  std::vector<uint16_t> logits = halves({0, 0, 0, 0}), probs(4);
  softmax(1, 4, logits.data(), probs.data());
  CHECK(floats(probs) == std::vector<float>{0.25f, 0.25f, 0.25f, 0.25f});
}

TEST_CASE("normalization, erf and data movement", "[ane]") {
  // x = [1, 2, 3, 4]: mean 2.5, variance 1.25, (x - mean) / sqrt(1.25)
  // = [-3, -1, 1, 3] / sqrt(5); times 2 plus 1, rounded once to fp16.
  std::vector<uint16_t> x = halves({1, 2, 3, 4}), g = halves({2, 2, 2, 2}),
                        b = halves({1, 1, 1, 1}), out(4);
  layerNorm(1, 4, x.data(), g.data(), b.data(), 0.0f, out.data());
  for (int i = 0; i < 4; ++i) {
    double want = (2 * i - 3) / std::sqrt(5.0) * 2 + 1;
    CHECK(out[i] == floatToHalf(float(want)));
  }
  // Without a bias; epsilon counts: variance 1 plus epsilon 1 divides the
  // deviations (-1, -1, 1, 1) by sqrt(2).
  std::vector<uint16_t> flat = halves({5, 5, 7, 7}), ones = halves({1, 1, 1, 1});
  layerNorm(1, 4, flat.data(), ones.data(), nullptr, 1.0f, out.data());
  float r = roundToHalf(1.0f / std::sqrt(2.0f));
  CHECK(floats(out) == std::vector<float>{-r, -r, r, r});

  std::vector<uint16_t> e = halves({0, 1, -9, 9});
  unary(Unary::Erf, 4, e.data(), out.data(), 0, 0, 1025);
  CHECK(toFloat(out[0]) == 0.0f);                       // a table sample
  CHECK(std::abs(toFloat(out[1]) - 0.8427f) < 2e-3f); // interpolated
  CHECK(toFloat(out[2]) == -1.0f);                      // saturated
  CHECK(toFloat(out[3]) == 1.0f);

  // [2, 3] transposed, and the [2, 2] box at (1, 1) of a [3, 4] tensor.
  std::vector<uint16_t> m = halves({1, 2, 3, 4, 5, 6}), t(6);
  transpose({2, 3}, {1, 0}, m.data(), t.data());
  CHECK(floats(t) == std::vector<float>{1, 4, 2, 5, 3, 6});
  std::vector<uint16_t> big = halves({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  slice({3, 4}, {1, 1}, {2, 2}, big.data(), out.data());
  CHECK(floats(out) == std::vector<float>{5, 6, 9, 10});
  // A rank-3 permutation (1, 2, 0) of [2, 2, 2].
  std::vector<uint16_t> cube = halves({0, 1, 2, 3, 4, 5, 6, 7}), c(8);
  transpose({2, 2, 2}, {1, 2, 0}, cube.data(), c.data());
  CHECK(floats(c) == std::vector<float>{0, 4, 1, 5, 2, 6, 3, 7});
}

TEST_CASE("cycle model by hand", "[ane]") {
  EngineDescription e;
  e.cores = 16;
  e.macsPerCorePerCycle = 256;
  e.dmaBytesPerCycle = 64;
  e.layerOverheadCycles = 300;
  e.clockMHz = 1000;
  // A 3x3 convolution of 3 channels to 32x112x112: 27 products per output
  // fit the 256 lanes in one cycle; 401408 outputs over 16 cores.
  LayerCycles c = layerCycles(e, {32 * 112 * 112, 27, 1000000});
  CHECK(c.compute == 25088);
  CHECK(c.dma == 15625);
  CHECK(c.total == 25388);
  CHECK(cyclesToMillis(e, c.total) == Approx(0.025388));
  // 300 products per output take two passes of the lanes; here DMA bounds.
  c = layerCycles(e, {160, 300, 64000});
  CHECK(c.compute == 20);
  CHECK(c.dma == 1000);
  CHECK(c.total == 1300);
  // A tile loop: outputs [1, 20, 10, 7] in tiles of 4 rows x 16 channels:
  // row tiles 4, 4, 2 and channel tiles 16, 4. Per tile ceil(outputs / 16)
  // core slots: 4x16x7 = 448 -> 28 (twice), 4x4x7 = 112 -> 7 (twice),
  // 2x16x7 = 224 -> 14, 2x4x7 = 56 -> 4 (the cores are not all busy).
  // 88 slots of 2 cycles (300 products) = 176, where spreading all 1400
  // outputs over the cores would give 175.
  LayerWork tiled{20 * 10 * 7, 300, 0};
  tiled.geometry = tileGeometry({1, 20, 10, 7});
  CHECK(tiled.geometry.rows == 10);
  CHECK(tiled.geometry.channels == 20);
  tiled.tileRows = 4;
  tiled.tileChannels = 16;
  CHECK(layerCycles(e, tiled).compute == 176);
  tiled.tileRows = 0; // no tile loop
  CHECK(layerCycles(e, tiled).compute == 175);
  // Rows of 5 fp16 values (10 bytes) take a 64-byte row each.
  e.rowAlignmentBytes = 64;
  CHECK(paddedBytes(e, {1, 3, 5, 5}) == 15 * 64);
  CHECK(paddedBytes(e, {1, 1, 1, 40}) == 128);
}

TEST_CASE("engine descriptions", "[ane]") {
  EngineDescription big, small;
  std::string error;
  REQUIRE(parseEngineDescription(
      readText(COREAI_SOURCE_DIR "/targets/ane/ane-16c-4mb.json"), big, error));
  REQUIRE(parseEngineDescription(
      readText(COREAI_SOURCE_DIR "/targets/ane/ane-8c-2mb.json"), small, error));
  CHECK(big.name == "ane-16c-4mb");
  CHECK(big.cores == 16);
  CHECK(big.sramBytes == 4 * 1024 * 1024);
  CHECK(small.cores == 8);
  CHECK(small.sramBytes == 2 * 1024 * 1024);
  CHECK(big.ops.at("conv").maxKernel == 13);
  CHECK(small.ops.at("conv").maxKernel == 7);
  CHECK(big.supports("softmax"));
  CHECK_FALSE(small.supports("softmax"));
  CHECK(big.fp32Accumulator);

  EngineDescription bad;
  CHECK_FALSE(parseEngineDescription("[1, 2]", bad, error));
  CHECK(error == "not a JSON object");
  CHECK_FALSE(parseEngineDescription(
      R"({"name": "x", "cores": 0})", bad, error));
  CHECK(error == "'cores' must be a positive integer");
  CHECK_FALSE(parseEngineDescription(
      R"({"name": "x", "cores": 1, "macs_per_core_per_cycle": 1,
          "sram_bytes": 1, "dma_bytes_per_cycle": 1,
          "row_alignment_bytes": 64, "max_rank": 4, "max_dim": 9,
          "clock_mhz": 1, "ops": {"conv": {"max_kernel": -3}}})",
      bad, error));
  CHECK(error == "ops.conv.max_kernel must be a positive integer");
}

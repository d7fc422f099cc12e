//===- AneExecutorTest.cpp - Command streams run and are verified ---------===//
//
// Hand-built command streams (schemas/ane_stream.fbs): a program runs with
// the fp16 results and per-layer cycles computed here by hand, and every
// kind of malformed stream is refused when loaded, before anything runs.
//
//===----------------------------------------------------------------------===//
#include "lib/Runtime/ANE/AneExecutor.h"
#include "coreai/AssetError.h"
#include "coreai/schemas/ane_stream_generated.h"
#include "lib/Runtime/ANE/Fp16.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <functional>

using namespace coreai::runtime;
namespace fb = coreai::anefb;

namespace {

/// What a test may change in the sample stream before it is serialized.
struct Tweaks {
  uint32_t convOutputBuffer = 5;
  uint64_t arenaBytes = 192;
  uint32_t argumentIndex = 1;
  uint32_t constantIndex = 1;
  int64_t convOutputWidth = 2;
  uint32_t reluOutputBuffer = 6;
  uint32_t lastOutputBuffer = 1;
  uint64_t inputBytes = 16;
  int64_t tableEntries = 0;
  const char *reluKind = "relu";
  std::string identifier = "ANE1";
};

/// y = fp32(relu(conv1x1(fp16(x), w = [1, -2], bias = [0.5, 0]))) for
/// x: f32 [1, 1, 2, 2] and y: f32 [1, 2, 2, 2], on an engine with 2 cores
/// of 4 MACs, 16 bytes of DMA per cycle, 10 cycles per layer, 100 MHz.
std::vector<uint8_t> sampleStream(const Tweaks &t = {}) {
  flatbuffers::FlatBufferBuilder f;
  auto engine =
      fb::CreateEngineDirect(f, "tiny", 2, 4, 100.0, 8192, 16, 64, 10, true);
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {
      fb::CreateBuffer(f, fb::BufferKind::Argument, 0, 0, t.inputBytes),
      fb::CreateBuffer(f, fb::BufferKind::Argument, t.argumentIndex, 0, 32),
      fb::CreateBuffer(f, fb::BufferKind::Constant, 0, 0, 4),
      fb::CreateBuffer(f, fb::BufferKind::Constant, t.constantIndex, 0, 4),
      fb::CreateBuffer(f, fb::BufferKind::Internal, 0, 0, 8),
      fb::CreateBuffer(f, fb::BufferKind::Internal, 0, 64, 16),
      fb::CreateBuffer(f, fb::BufferKind::Internal, 0, 128, 16)};
  auto shape = [&](std::vector<int64_t> d) {
    return fb::CreateShapeDirect(f, &d);
  };
  auto dma = [&](uint32_t b, bool in) {
    return fb::CreateDma(f, b, in, 64, 1);
  };
  auto layer = [&](const char *op, const char *kind, std::vector<uint32_t> in,
                   std::vector<flatbuffers::Offset<fb::Shape>> shapes,
                   uint32_t out, std::vector<int64_t> outShape, int64_t outputs,
                   bool conv = false, int64_t entries = 0) {
    std::vector<int64_t> ones{1, 1}, pads{0, 0, 0, 0};
    std::vector<flatbuffers::Offset<fb::Dma>> dmas;
    for (uint32_t b : in)
      dmas.push_back(dma(b, true));
    dmas.push_back(dma(out, false));
    std::vector<uint32_t> outs{out};
    return fb::CreateLayerDirect(f, op, kind, "node", &in, &outs, &shapes,
                                 &outShape, conv ? &ones : nullptr,
                                 conv ? &pads : nullptr, conv ? &ones : nullptr,
                                 nullptr, 1, 0, 0, 0, entries, false, 0, 0, 1,
                                 false, 0, &dmas, outputs, 1);
  };
  std::vector<flatbuffers::Offset<fb::Layer>> layers = {
      layer("convert", "f32-to-f16", {0}, {shape({1, 1, 2, 2})}, 4,
            {1, 1, 2, 2}, 4),
      layer("conv", "", {4, 2, 3},
            {shape({1, 1, 2, 2}), shape({2, 1, 1, 1}), shape({2})},
            t.convOutputBuffer, {1, 2, 2, t.convOutputWidth}, 8, true),
      layer("activation", t.reluKind, {5}, {shape({1, 2, 2, 2})},
            t.reluOutputBuffer, {1, 2, 2, 2}, 8, false, t.tableEntries),
      layer("convert", "f16-to-f32", {6}, {shape({1, 2, 2, 2})},
            t.lastOutputBuffer, {1, 2, 2, 2}, 8)};
  auto program =
      fb::CreateProgramDirect(f, "p", 2, t.arenaBytes, &buffers, &layers,
                              /*num_inputs=*/1);
  std::vector<flatbuffers::Offset<fb::Constant>> constants;
  for (std::vector<float> values :
       {std::vector<float>{1.0f, -2.0f}, std::vector<float>{0.5f, 0.0f}}) {
    std::vector<uint8_t> bytes;
    for (float v : values) {
      uint16_t h = ane::floatToHalf(v);
      bytes.push_back(h & 0xff);
      bytes.push_back(h >> 8);
    }
    f.ForceVectorAlignment(bytes.size(), 1, 64);
    constants.push_back(fb::CreateConstant(f, f.CreateVector(bytes)));
  }
  std::vector<flatbuffers::Offset<fb::Program>> programs{program};
  f.Finish(fb::CreateStreamDirect(f, engine, &programs, &constants),
           t.identifier.c_str());
  return {f.GetBufferPointer(), f.GetBufferPointer() + f.GetSize()};
}

std::shared_ptr<LoadedExecutable> load(const std::vector<uint8_t> &bytes) {
  coreai::bundle::ExecutableInfo exe;
  exe.unit = "ane";
  exe.format = "ane-command-stream";
  return createAneExecutor()->load(exe, bytes.data(), bytes.size(),
                                   "executable 1");
}

std::string loadError(const std::vector<uint8_t> &bytes) {
  try {
    load(bytes);
  } catch (const AssetError &e) {
    CHECK(e.code() == AssetError::Code::Corrupt);
    return e.message();
  }
  return "";
}

} // namespace

TEST_CASE("a command stream runs as fp16 hardware, timed per layer", "[ane]") {
  std::vector<uint8_t> bytes = sampleStream();
  std::shared_ptr<LoadedExecutable> exe = load(bytes);
  SimulatedStep step = exe->simulatedEntryPoint("p", {16, 32});
  REQUIRE(step);
  float x[4] = {1.0f, 2.0f, -3.0f, 0.1f}, y[8] = {};
  void *args[2] = {x, y};
  std::vector<SimulatedLayer> layers;
  double micros = step(args, &layers);
  // 0.1 is 0.0999755859375 in fp16; + 0.5 = 0.5999755859375 rounds to
  // 1229 x 2^-11 = 0.60009765625. Channel 1: -2x, then relu.
  CHECK(std::vector<float>(y, y + 8) ==
        std::vector<float>{1.5f, 2.5f, 0.0f, 0.60009765625f, 0, 0, 6.0f, 0});
  // Per layer: max(compute, DMA) + 10 cycles at 100 MHz. Every transfer is
  // one 64-byte row at 16 B/cycle (4 cycles). The conv moves input,
  // weights, bias and output (16 cycles; its 8 outputs of one MAC each
  // take 4 cycles on 2 cores); the others one row in, one out (8 cycles).
  REQUIRE(layers.size() == 4);
  CHECK(layers[0].name == "convert");
  CHECK(layers[0].micros == Approx(0.18));
  CHECK(layers[1].name == "conv");
  CHECK(layers[1].source == "node");
  CHECK(layers[1].micros == Approx(0.26));
  CHECK(layers[2].micros == Approx(0.18));
  CHECK(layers[3].micros == Approx(0.18));
  CHECK(micros == Approx(0.80));
  // Without a trace the same values and time.
  std::memset(y, 0, sizeof(y));
  CHECK(step(args, nullptr) == Approx(0.80));
  CHECK(y[3] == 0.60009765625f);
}

TEST_CASE("a command stream must fit the step's buffers", "[ane]") {
  // The stream's bytes outlive the executable, as a bundle's do.
  std::vector<uint8_t> bytes = sampleStream();
  std::shared_ptr<LoadedExecutable> exe = load(bytes);
  auto error = [&](const std::string &name, std::vector<uint64_t> sizes) {
    try {
      exe->simulatedEntryPoint(name, sizes);
    } catch (const AssetError &e) {
      return e.message();
    }
    return std::string();
  };
  CHECK(error("q", {16, 32}) == "executable 1: no program 'q'");
  CHECK(error("p", {16}) ==
        "executable 1: program 'p' takes 2 buffers, the step gives 1");
  CHECK(error("p", {16, 31}) == "executable 1: program 'p' needs 32 bytes in "
                                "argument 1, the slot has 31");
  // It is not a function's code.
  CHECK_THROWS_AS(exe->prepare({}, {}), AssetError);
}

TEST_CASE("malformed command streams are refused when loaded", "[ane]") {
  CHECK(loadError(sampleStream()) == "");
  std::vector<uint8_t> garbage(256, 0x5a);
  CHECK(loadError(garbage) ==
        "executable 1: not a valid neural-engine command stream");
  Tweaks t;
  t.identifier = "SPV1";
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: not a valid neural-engine command stream");
  std::vector<uint8_t> truncated = sampleStream();
  truncated.resize(truncated.size() / 2);
  CHECK(loadError(truncated) ==
        "executable 1: not a valid neural-engine command stream");

  t = {};
  t.convOutputBuffer = 9;
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: program 'p' layer 1 writes past its output buffer");
  t = {};
  t.arenaBytes = 100;
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: program 'p' has a buffer past its arena");
  t = {};
  t.argumentIndex = 2;
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: program 'p' refers to argument 2 of 2");
  t = {};
  t.constantIndex = 5;
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: program 'p' refers to constant 5 of 2");
  t = {};
  t.convOutputWidth = 1; // 1x1 convolution of a 2x2 input gives 2x2
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: program 'p' layer 1 (conv): shapes disagree");
  // An arena so large its rounding would wrap.
  t = {};
  t.arenaBytes = ~uint64_t(0);
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: program 'p' has an arena or arguments out of range");
  // A layer computing in place, and one writing the step's input.
  t = {};
  t.reluOutputBuffer = 5;
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: program 'p' layer 2 writes a buffer it reads");
  t = {};
  t.lastOutputBuffer = 0;
  t.inputBytes = 32;
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: program 'p' layer 3 writes the step's input 0");
  // An arena larger than its buffers need: it would be allocated and
  // zeroed for nothing (the buffers end at 144, 192 aligned).
  t = {};
  t.arenaBytes = uint64_t(1) << 32;
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: program 'p' declares an arena of 4294967296 bytes; "
        "its buffers use 144");
  t.arenaBytes = 256;
  CHECK(loadError(sampleStream(t)) ==
        "executable 1: program 'p' declares an arena of 256 bytes; its "
        "buffers use 144");
  // A table of 2^34 entries would take 64 GiB.
  t = {};
  t.reluKind = "sigmoid";
  t.tableEntries = int64_t(1) << 34;
  CHECK(loadError(sampleStream(t)) == "executable 1: program 'p' layer 2 "
                                      "(activation): table entries out of "
                                      "range");
}

TEST_CASE("an engine program's work bound comes from its shapes", "[ane]") {
  // One 8192^3 batch matmul of argument buffers that declares one output
  // and one product per output: its shapes make it 2^39 multiply-
  // accumulates, past the bound, so it is refused when loaded instead of
  // running for minutes.
  flatbuffers::FlatBufferBuilder f;
  auto engine =
      fb::CreateEngineDirect(f, "tiny", 2, 4, 100.0, 8192, 16, 64, 10, true);
  const int64_t n = 8192;
  const uint64_t bytes = uint64_t(n) * n * 2;
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers = {
      fb::CreateBuffer(f, fb::BufferKind::Argument, 0, 0, bytes),
      fb::CreateBuffer(f, fb::BufferKind::Argument, 1, 0, bytes),
      fb::CreateBuffer(f, fb::BufferKind::Argument, 2, 0, bytes)};
  std::vector<int64_t> dims{1, n, n};
  std::vector<flatbuffers::Offset<fb::Shape>> shapes = {
      fb::CreateShapeDirect(f, &dims), fb::CreateShapeDirect(f, &dims)};
  std::vector<uint32_t> in{0, 1}, out{2};
  std::vector<flatbuffers::Offset<fb::Layer>> layers = {fb::CreateLayerDirect(
      f, "batch_matmul", "", "mm", &in, &out, &shapes, &dims, nullptr, nullptr,
      nullptr, nullptr, 1, 0, 0, 0, 0, false, 0, 0, 1, false, 0, nullptr,
      /*work_outputs=*/1, /*work_reduction=*/1)};
  auto program = fb::CreateProgramDirect(f, "p", 3, 0, &buffers, &layers,
                                         /*num_inputs=*/2);
  std::vector<flatbuffers::Offset<fb::Program>> programs{program};
  f.Finish(fb::CreateStreamDirect(f, engine, &programs), "ANE1");
  CHECK(loadError({f.GetBufferPointer(), f.GetBufferPointer() + f.GetSize()}) ==
        "executable 1: program 'p' needs more than 2^37 multiply-accumulates "
        "(layer 0)");
}

//===- CApiTest.cpp - The C API through libcoreai.so ----------------------===//
//
// Links only libcoreai.so (include/coreai/coreai.h), as an app in another
// language would. The ctest command that runs it compiles the bundled digits
// model (batch 8) into COREAI_TEST_BUNDLE
// (the test builds its own inputs).
//
//===----------------------------------------------------------------------===//
#include "coreai/coreai.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

/// The bundle the environment variable `var` names.
std::string bundlePath(const char *var = "COREAI_TEST_BUNDLE") {
  const char *v = std::getenv(var);
  REQUIRE(v);
  return v;
}

/// Function "main" of a bundle, specialized for the CPU.
struct Loaded {
  coreai_asset *asset = nullptr;
  coreai_model *model = nullptr;
  coreai_function *fn = nullptr;
  explicit Loaded(const char *var = "COREAI_TEST_BUNDLE") {
    REQUIRE(coreai_asset_open(bundlePath(var).c_str(), &asset) == COREAI_OK);
    coreai_specialization_options o;
    coreai_specialization_options_init(&o);
    o.allowed_units = COREAI_UNIT_CPU;
    REQUIRE(coreai_asset_specialize(asset, &o, &model) == COREAI_OK);
    REQUIRE(coreai_model_function(model, "main", &fn) == COREAI_OK);
  }
  ~Loaded() {
    // Any order: handles keep what they need alive.
    coreai_asset_free(asset);
    coreai_model_free(model);
    coreai_function_free(fn);
  }
};

const int64_t kImageShape[] = {8, 1, 8, 8};
const int64_t kProbShape[] = {8, 10};

struct alignas(64) Images {
  float v[8 * 64];
};
struct alignas(64) Probs {
  float v[80];
};

coreai_tensor tensorOf(Images &x) {
  return {COREAI_FLOAT32, 4, kImageShape, x.v, sizeof x.v};
}
coreai_tensor tensorOf(Probs &y) {
  return {COREAI_FLOAT32, 2, kProbShape, y.v, sizeof y.v};
}

Images imagesFor(int k) {
  Images x;
  for (int i = 0; i < 8 * 64; ++i)
    x.v[i] = (float)((i * 7 + k * 13) % 17) / 17.0f;
  return x;
}

} // namespace

TEST_CASE("C API: open, describe, run", "[capi]") {
  CHECK(coreai_api_version() == COREAI_C_API_VERSION);
  Loaded m;
  REQUIRE(coreai_model_function_count(m.model) == 1);
  CHECK(std::string(coreai_model_function_name(m.model, 0)) == "main");
  CHECK(coreai_model_function_name(m.model, 1) == nullptr);
  REQUIRE(coreai_function_input_count(m.fn) == 1);
  REQUIRE(coreai_function_output_count(m.fn) == 1);
  coreai_tensor_descriptor in, out;
  REQUIRE(coreai_function_input(m.fn, 0, &in) == COREAI_OK);
  CHECK(std::string(in.name) == "image");
  CHECK(in.dtype == COREAI_FLOAT32);
  CHECK(std::vector<int64_t>(in.shape, in.shape + in.rank) ==
        std::vector<int64_t>{8, 1, 8, 8});
  // The model's batch dim is symbolic ('N'), bound with --shape.
  REQUIRE(in.dim_names != nullptr);
  CHECK(std::string(in.dim_names[0]) == "N");
  CHECK(std::string(in.dim_names[1]).empty());
  REQUIRE(coreai_function_output(m.fn, 0, &out) == COREAI_OK);
  CHECK(out.dim_names == nullptr);
  CHECK(std::vector<int64_t>(out.shape, out.shape + out.rank) ==
        std::vector<int64_t>{8, 10});
  CHECK(coreai_function_input(m.fn, 1, &in) == COREAI_NOT_FOUND);
  CHECK(std::string(coreai_last_error()) ==
        "function 'main' has 1 inputs, no input 1");
  CHECK(std::string(coreai_function_placement(m.fn)).rfind("schedule", 0) == 0);

  Images x = imagesFor(0);
  Probs y{};
  coreai_tensor xt = tensorOf(x), yt = tensorOf(y);
  REQUIRE(coreai_function_run(m.fn, &xt, 1, &yt, 1) == COREAI_OK);
  // Softmax rows: probabilities that sum to 1.
  for (int r = 0; r < 8; ++r) {
    float sum = 0;
    for (int c = 0; c < 10; ++c) {
      CHECK(y.v[r * 10 + c] >= 0);
      sum += y.v[r * 10 + c];
    }
    CHECK(sum == Approx(1.0f).epsilon(1e-4));
  }
}

TEST_CASE("C API: a bundle in memory", "[capi]") {
  std::ifstream file(bundlePath(), std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                          std::istreambuf_iterator<char>());
  REQUIRE(!bytes.empty());
  coreai_asset *asset = nullptr;
  coreai_model *model = nullptr;
  REQUIRE(coreai_asset_open_memory(bytes.data(), bytes.size(), &asset) ==
          COREAI_OK);
  REQUIRE(coreai_asset_specialize(asset, nullptr, &model) == COREAI_OK);
  coreai_function *fn = nullptr;
  REQUIRE(coreai_model_function(model, "main", &fn) == COREAI_OK);
  coreai_function_free(fn);
  coreai_model_free(model);
  coreai_asset_free(asset);
}

TEST_CASE("C API: failures are statuses with one-line messages", "[capi]") {
  coreai_asset *asset = nullptr;
  CHECK(coreai_asset_open("/nonexistent/x.aimodel", &asset) ==
        COREAI_NOT_FOUND);
  CHECK(asset == nullptr);
  CHECK(std::string(coreai_last_error()) ==
        "/nonexistent/x.aimodel: no such file");
  CHECK(coreai_asset_open(nullptr, &asset) == COREAI_INVALID_ARGUMENT);
  CHECK(std::string(coreai_last_error()) == "the path is NULL");
  CHECK(coreai_asset_open_memory(nullptr, 8, &asset) ==
        COREAI_INVALID_ARGUMENT);
  const char junk[64] = "not a bundle";
  CHECK(coreai_asset_open_memory(junk, sizeof junk, &asset) == COREAI_CORRUPT);
  CHECK(asset == nullptr);

  Loaded m;
  coreai_function *missing = nullptr;
  CHECK(coreai_model_function(m.model, "nope", &missing) == COREAI_NOT_FOUND);
  CHECK(std::string(coreai_last_error()).find("no function 'nope'") == 0);

  Images x = imagesFor(1);
  Probs y{};
  coreai_tensor xt = tensorOf(x), yt = tensorOf(y);
  // A shape the function does not take.
  const int64_t wrongShape[] = {1, 1, 8, 8};
  coreai_tensor wrong = {COREAI_FLOAT32, 4, wrongShape, x.v, 64 * 4};
  CHECK(coreai_function_run(m.fn, &wrong, 1, &yt, 1) ==
        COREAI_INVALID_ARGUMENT);
  CHECK(std::string(coreai_last_error()) ==
        "input 0 'image': expected float32 [8,1,8,8], got float32 [1,1,8,8]");
  // A byte size that does not match the shape.
  coreai_tensor shortBuffer = xt;
  shortBuffer.byte_size -= 4;
  CHECK(coreai_function_run(m.fn, &shortBuffer, 1, &yt, 1) ==
        COREAI_INVALID_ARGUMENT);
  CHECK(std::string(coreai_last_error()) ==
        "input 0: float32 [8,1,8,8] holds 2048 bytes, but byte_size is 2044");
  coreai_tensor badType = xt;
  badType.dtype = 99;
  CHECK(coreai_function_run(m.fn, &badType, 1, &yt, 1) ==
        COREAI_INVALID_ARGUMENT);
  CHECK(std::string(coreai_last_error()) == "input 0: unknown dtype 99");
  // Outputs are the caller's buffers: they must all be given.
  CHECK(coreai_function_run(m.fn, &xt, 1, nullptr, 0) ==
        COREAI_INVALID_ARGUMENT);
  CHECK(std::string(coreai_last_error()) ==
        "function 'main' has 1 outputs, got 0 buffers");
  // Unknown option bits.
  coreai_specialization_options o;
  coreai_specialization_options_init(&o);
  o.allowed_units = 64;
  coreai_model *model = nullptr;
  CHECK(coreai_asset_specialize(m.asset, &o, &model) ==
        COREAI_INVALID_ARGUMENT);
  // A CPU variant the bundle lacks.
  coreai_specialization_options_init(&o);
  o.cpu_variant = "aarch64";
  CHECK(coreai_asset_specialize(m.asset, &o, &model) == COREAI_UNSUPPORTED);
  CHECK(std::string(coreai_last_error()).find("no CPU variant 'aarch64'") !=
        std::string::npos);
}

namespace {
struct Completions {
  std::atomic<int> ok{0}, failed{0};
};
void onDone(void *user, coreai_status status, const char *message) {
  auto *c = static_cast<Completions *>(user);
  (status == COREAI_OK && *message == 0 ? c->ok : c->failed)++;
}
} // namespace

TEST_CASE("C API: streams give what synchronous runs give", "[capi]") {
  Loaded m;
  constexpr int kStreams = 2, kRuns = 10;
  std::vector<Images> inputs;
  std::vector<Probs> expected(kStreams * kRuns), got(kStreams * kRuns);
  for (int k = 0; k < kStreams * kRuns; ++k) {
    inputs.push_back(imagesFor(k));
    coreai_tensor xt = tensorOf(inputs[k]), yt = tensorOf(expected[k]);
    REQUIRE(coreai_function_run(m.fn, &xt, 1, &yt, 1) == COREAI_OK);
  }
  Completions done;
  coreai_stream *streams[kStreams];
  for (auto &s : streams)
    REQUIRE(coreai_stream_create(m.model, &s) == COREAI_OK);
  for (int k = 0; k < kStreams * kRuns; ++k) {
    coreai_tensor xt = tensorOf(inputs[k]), yt = tensorOf(got[k]);
    REQUIRE(coreai_stream_enqueue(streams[k % kStreams], m.fn, &xt, 1, &yt, 1,
                                  onDone, &done) == COREAI_OK);
  }
  // Refused at once: a wrong shape.
  const int64_t wrongShape[] = {1, 1, 8, 8};
  coreai_tensor wrong = {COREAI_FLOAT32, 4, wrongShape, inputs[0].v, 64 * 4};
  coreai_tensor yt = tensorOf(got[0]);
  CHECK(coreai_stream_enqueue(streams[0], m.fn, &wrong, 1, &yt, 1, onDone,
                              &done) == COREAI_INVALID_ARGUMENT);
  for (auto &s : streams)
    CHECK(coreai_stream_synchronize(s) == COREAI_OK);
  CHECK(done.ok == kStreams * kRuns);
  CHECK(done.failed == 0);
  int mismatches = 0;
  for (int k = 0; k < kStreams * kRuns; ++k)
    mismatches += std::memcmp(got[k].v, expected[k].v, sizeof got[k].v) != 0;
  CHECK(mismatches == 0);
  for (auto &s : streams)
    coreai_stream_free(s);
}

TEST_CASE("C API: image inputs are described", "[capi]") {
  Loaded plain;
  coreai_image_descriptor image;
  CHECK(coreai_function_input_image(plain.fn, 0, &image) == COREAI_NOT_FOUND);
  CHECK(std::string(coreai_last_error()) ==
        "input 0 'image' is not fed with pixel buffers");

  Loaded withImage("COREAI_TEST_IMAGE_BUNDLE");
  coreai_function *fn = withImage.fn;
  REQUIRE(coreai_function_input_image(fn, 0, &image) == COREAI_OK);
  CHECK(std::string(image.format) == "gray8");
  CHECK(image.width == 8);
  CHECK(image.height == 8);
  REQUIRE(image.channels == 1);
  CHECK(image.mean[0] == 0.5);
  CHECK(image.std[0] == 0.25);
  CHECK(image.scale == Approx(1.0 / 255));
  coreai_tensor_descriptor in;
  REQUIRE(coreai_function_input(fn, 0, &in) == COREAI_OK);
  CHECK(in.dtype == COREAI_UINT8);
  CHECK(std::vector<int64_t>(in.shape, in.shape + in.rank) ==
        std::vector<int64_t>{8, 8, 8, 1});

  // A pixel buffer of mid-gray runs.
  alignas(64) uint8_t pixels[8 * 64];
  std::memset(pixels, 128, sizeof pixels);
  Probs y{};
  coreai_tensor xt = {COREAI_UINT8, 4, in.shape, pixels, sizeof pixels};
  coreai_tensor yt = tensorOf(y);
  CHECK(coreai_function_run(fn, &xt, 1, &yt, 1) == COREAI_OK);
  float sum = 0;
  for (int c = 0; c < 10; ++c)
    sum += y.v[c];
  CHECK(sum == Approx(1.0f).epsilon(1e-4));
}

TEST_CASE("C API: enumerated shapes are listed and run", "[capi]") {
  Loaded plain;
  CHECK(coreai_function_shape_variant_count(plain.fn) == 0);
  size_t rank = 0;
  const int64_t *shape = nullptr;
  CHECK(coreai_function_shape_variant(plain.fn, 0, 1, 0, &rank, &shape) ==
        COREAI_NOT_FOUND);
  CHECK(std::string(coreai_last_error()) ==
        "function 'main' has 0 shape variants, no variant 0");

  // The digits model at batches 1 and 8.
  Loaded shapes("COREAI_TEST_SHAPES_BUNDLE");
  coreai_function *fn = shapes.fn;
  CHECK(coreai_model_function_count(shapes.model) == 1);
  REQUIRE(coreai_function_shape_variant_count(fn) == 2);
  REQUIRE(coreai_function_shape_variant(fn, 1, 1, 0, &rank, &shape) ==
          COREAI_OK);
  CHECK(std::vector<int64_t>(shape, shape + rank) ==
        std::vector<int64_t>{8, 1, 8, 8});
  REQUIRE(coreai_function_shape_variant(fn, 0, 0, 0, &rank, &shape) ==
          COREAI_OK);
  CHECK(std::vector<int64_t>(shape, shape + rank) ==
        std::vector<int64_t>{1, 10});
  CHECK(coreai_function_shape_variant(fn, 1, 0, 1, &rank, &shape) ==
        COREAI_NOT_FOUND);

  // One image of the eight, alone, gives the first row of the batch.
  Images x = imagesFor(1);
  Probs all{};
  coreai_tensor xt = tensorOf(x), yt = tensorOf(all);
  REQUIRE(coreai_function_run(fn, &xt, 1, &yt, 1) == COREAI_OK);
  alignas(64) float row[10] = {};
  int64_t oneShape[] = {1, 1, 8, 8}, rowShape[] = {1, 10};
  coreai_tensor x1 = {COREAI_FLOAT32, 4, oneShape, x.v, 64 * sizeof(float)};
  coreai_tensor y1 = {COREAI_FLOAT32, 2, rowShape, row, sizeof row};
  REQUIRE(coreai_function_run(fn, &x1, 1, &y1, 1) == COREAI_OK);
  for (int c = 0; c < 10; ++c)
    CHECK(row[c] == Approx(all.v[c]).margin(1e-6));
}

TEST_CASE("C API: a trust policy refuses an unsigned bundle", "[capi]") {
  coreai_asset *asset = nullptr;
  REQUIRE(coreai_asset_open(bundlePath().c_str(), &asset) == COREAI_OK);
  coreai_trust *trust = nullptr;
  REQUIRE(coreai_trust_create(COREAI_TRUST_REQUIRE_SIGNATURE, &trust) ==
          COREAI_OK);
  coreai_model *model = nullptr;
  CHECK(coreai_asset_specialize_trusted(asset, nullptr, trust, &model) ==
        COREAI_UNTRUSTED);
  CHECK(model == nullptr);
  CHECK(
      std::string(coreai_last_error())
          .find("the bundle is not signed (trust policy require-signature)") !=
      std::string::npos);
  CHECK(coreai_trust_add_key_file(trust, "/nonexistent.pub") ==
        COREAI_NOT_FOUND);
  coreai_trust *bad = nullptr;
  CHECK(coreai_trust_create((coreai_trust_policy)7, &bad) ==
        COREAI_INVALID_ARGUMENT);
  // The default policy runs it.
  coreai_trust *open = nullptr;
  REQUIRE(coreai_trust_create(COREAI_TRUST_ALLOW_UNSIGNED, &open) == COREAI_OK);
  CHECK(coreai_asset_specialize_trusted(asset, nullptr, open, &model) ==
        COREAI_OK);
  coreai_model_free(model);
  coreai_trust_free(open);
  coreai_trust_free(trust);
  coreai_asset_free(asset);
}

TEST_CASE("C API: a state is kept between runs", "[capi][state]") {
  // The accumulator of test/lit/Tools/Inputs/accumulator.textproto, compiled
  // with --state total=new_total: inputs x, total; outputs doubled,
  // new_total, sum.
  Loaded acc("COREAI_TEST_STATE_BUNDLE");
  REQUIRE(coreai_function_state_count(acc.fn) == 1);
  const char *name = nullptr;
  size_t input = 9, output = 9;
  REQUIRE(coreai_function_state(acc.fn, 0, &name, &input, &output) ==
          COREAI_OK);
  CHECK(std::string(name) == "total");
  CHECK(input == 1);
  CHECK(output == 1);
  CHECK(coreai_function_state(acc.fn, 1, &name, &input, &output) ==
        COREAI_NOT_FOUND);

  coreai_state *state = nullptr;
  REQUIRE(coreai_function_make_state(acc.fn, &state) == COREAI_OK);
  const int64_t shape4[] = {4};
  alignas(64) float x[4] = {1, 2, 3, 4}, doubled[4], sum[1], total[4];
  coreai_tensor in[] = {{COREAI_FLOAT32, 1, shape4, x, sizeof x}};
  coreai_tensor out[] = {{COREAI_FLOAT32, 1, shape4, doubled, sizeof doubled},
                         {COREAI_FLOAT32, 0, nullptr, sum, sizeof sum}};
  for (int call = 0; call < 2; ++call)
    REQUIRE(coreai_function_run_state(acc.fn, state, in, 1, out, 2) ==
            COREAI_OK);
  CHECK(doubled[3] == 8); // 2 * the total before the second call
  CHECK(sum[0] == 20);
  coreai_tensor totalTensor = {COREAI_FLOAT32, 1, shape4, total, sizeof total};
  REQUIRE(coreai_state_read(state, "total", &totalTensor) == COREAI_OK);
  CHECK(total[0] == 2);
  CHECK(total[3] == 8);

  // Every output but the state's is the caller's to give.
  CHECK(coreai_function_run_state(acc.fn, state, in, 1, out, 1) ==
        COREAI_INVALID_ARGUMENT);
  CHECK(std::string(coreai_last_error()) ==
        "function 'main' has 2 outputs besides its state, got 1 buffers");
  CHECK(coreai_state_read(state, "totl", &totalTensor) == COREAI_NOT_FOUND);

  float ten[4] = {10, 10, 10, 10};
  coreai_tensor tenTensor = {COREAI_FLOAT32, 1, shape4, ten, sizeof ten};
  REQUIRE(coreai_state_write(state, "total", &tenTensor) == COREAI_OK);
  REQUIRE(coreai_function_run_state(acc.fn, state, in, 1, out, 2) == COREAI_OK);
  CHECK(doubled[0] == 20);
  REQUIRE(coreai_state_reset(state) == COREAI_OK);
  REQUIRE(coreai_state_read(state, "total", &totalTensor) == COREAI_OK);
  CHECK(total[2] == 0);
  coreai_state_free(state);

  // A function without state has none to make.
  Loaded plain;
  CHECK(coreai_function_state_count(plain.fn) == 0);
  coreai_state *none = nullptr;
  CHECK(coreai_function_make_state(plain.fn, &none) == COREAI_INVALID_ARGUMENT);
  CHECK(none == nullptr);
}

//===- CliTest.cpp - coreai-run's command-line contract -------------------===//
#include "coreai/TensorIO.h"
#include "lib/Bundle/BundleWriter.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

using namespace coreai;
using namespace coreai::runtime;
using coreai::test::TempDir;

namespace {

struct CliResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs coreai-run with `args` (paths in tests contain no shell specials).
CliResult runCli(const TempDir &dir, const std::string &args) {
  std::string cmd = std::string(COREAI_RUN_EXE) + " " + args + " >" +
                    dir.file("stdout") + " 2>" + dir.file("stderr");
  int status = std::system(cmd.c_str());
  CliResult r;
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir.file("stdout"));
  r.err = slurp(dir.file("stderr"));
  return r;
}

std::string lastLine(const std::string &s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n')
    t.pop_back();
  size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

void writeFloats(const std::string &path, std::vector<float> v,
                 std::vector<int64_t> shape = {2, 3}) {
  NDArray a(DType::F32, std::move(shape));
  std::memcpy(a.data(), v.data(), v.size() * 4);
  writeNpy(path, a);
}

/// A bundle, an input x = [1..6] and the reference for main's output.
struct Fixture {
  TempDir dir;
  std::string bundle = dir.file("k.aimodel");
  std::string x = dir.file("x.npy");
  std::string want = dir.file("want.npy");
  Fixture() {
    REQUIRE(bundle::writeBundle(test::kernelContents(COREAI_TEST_KERNEL),
                                bundle) == "");
    writeFloats(x, {1, 2, 3, 4, 5, 6});
    writeFloats(want, {2, 4, 6, 8, 10, 12});
  }
};

} // namespace

TEST_CASE("coreai-run runs and writes outputs", "[cli]") {
  Fixture f;
  CliResult r = runCli(f.dir, f.bundle + " --compute cpu --input " + f.x +
                                  " --output-dir " + f.dir.file("out"));
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  NDArray y = readTensorFile(f.dir.file("out/output_0.npy"));
  CHECK(std::vector<float>(y.dataAs<float>(), y.dataAs<float>() + 6) ==
        std::vector<float>{2, 4, 6, 8, 10, 12});

  r = runCli(f.dir, f.bundle + " --function affine --input " + f.x +
                        " --output-dir " + f.dir.file("out2") + " --print");
  REQUIRE(r.exitCode == 0);
  NDArray n = readTensorFile(f.dir.file("out2/output_1.npy"));
  CHECK(n.dtype() == DType::I64);
  CHECK(n.dataAs<int64_t>()[0] == 5);
  CHECK_THAT(r.out, Catch::Contains("output 1 'n' int64 []: 5"));
}

TEST_CASE("coreai-run checks outputs against references", "[cli]") {
  Fixture f;
  CliResult r =
      runCli(f.dir, f.bundle + " --input " + f.x + " --expect " + f.want);
  INFO(r.err);
  CHECK(r.exitCode == 0);
  CHECK(r.out == "output 0 'y': max_abs_err=0 ok\n");

  // An ONNX TensorProto reference: dims 2, 3; data_type float; raw_data.
  std::vector<uint8_t> pb = {0x08, 2, 0x08, 3, 0x10, 1, 0x4a, 24};
  std::vector<uint8_t> raw = test::floatBytes({2, 4, 6, 8, 10, 12});
  pb.insert(pb.end(), raw.begin(), raw.end());
  test::writeFileBytes(f.dir.file("want.pb"), pb);
  r = runCli(f.dir, f.bundle + " --input " + f.x + " --expect " +
                        f.dir.file("want.pb"));
  CHECK(r.exitCode == 0);
  CHECK(r.out == "output 0 'y': max_abs_err=0 ok\n");

  writeFloats(f.dir.file("near.npy"), {2, 4, 6, 8, 10, 12.005f});
  r = runCli(f.dir, f.bundle + " --input " + f.x + " --expect " +
                        f.dir.file("near.npy"));
  CHECK(r.exitCode == 0); // within atol + rtol * 12
  r = runCli(f.dir, f.bundle + " --input " + f.x + " --expect " +
                        f.dir.file("near.npy") + " --rtol 0");
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.out, Catch::Contains("output 0 'y': max_abs_err="));
  CHECK_THAT(r.out, Catch::Contains("MISMATCH (1 of 6 elements differ; first "
                                    "at index 5: got 12, want 12.0050001)"));
  CHECK(r.err == "coreai-run: " + f.bundle +
                     ": error: 1 of 1 outputs mismatch the expected values\n");
}

TEST_CASE("coreai-run --benchmark prints JSON last", "[cli]") {
  Fixture f;
  CliResult r =
      runCli(f.dir, f.bundle + " --input " + f.x +
                        " --benchmark 5 --threads 2 --expect " + f.want);
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  std::string json = lastLine(r.out);
  CHECK(json.front() == '{');
  CHECK(json.back() == '}');
  for (const char *key :
       {"\"median_ms\":", "\"min_ms\":", "\"mean_ms\":", "\"iterations\":5",
        "\"threads\":2", "\"specialize_ms\":", "\"open_ms\":"})
    CHECK_THAT(json, Catch::Contains(key));
}

TEST_CASE("coreai-run reports bad inputs on one line", "[cli]") {
  Fixture f;
  writeFloats(f.dir.file("small.npy"), {1, 2, 3}, {3});
  CliResult r = runCli(f.dir, f.bundle + " --input " + f.dir.file("small.npy") +
                                  " --output-dir " + f.dir.file("out"));
  CHECK(r.exitCode == 1);
  CHECK(r.err == "coreai-run: " + f.dir.file("small.npy") +
                     ": error: input 0 'x': expected float32 [2,3], got "
                     "float32 [3]\n");
  CHECK_FALSE(std::ifstream(f.dir.file("out/output_0.npy")).good());

  std::vector<uint8_t> cut = test::readFileBytes(f.x);
  cut.resize(cut.size() - 4);
  test::writeFileBytes(f.dir.file("cut.npy"), cut);
  r = runCli(f.dir, f.bundle + " --input " + f.dir.file("cut.npy"));
  CHECK(r.exitCode == 1);
  CHECK(r.err == "coreai-run: " + f.dir.file("cut.npy") +
                     ": error: truncated .npy data (expected 24 bytes, got "
                     "20)\n");

  r = runCli(f.dir, f.bundle + " --input " + f.x + " --input " + f.x);
  CHECK(r.exitCode == 1);
  CHECK(r.err == "coreai-run: " + f.bundle +
                     ": error: function 'main' takes 1 input ('x'), but 2 "
                     "--input files were given\n");

  std::vector<uint8_t> bad = test::readFileBytes(f.bundle);
  bad[bad.size() - 100] ^= 0x40;
  test::writeFileBytes(f.dir.file("bad.aimodel"), bad);
  r = runCli(f.dir, f.dir.file("bad.aimodel") + " --input " + f.x);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.err, Catch::StartsWith("coreai-run: " +
                                      f.dir.file("bad.aimodel") + ": error: "));
  CHECK_THAT(r.err, Catch::EndsWith(": the bundle is corrupt\n"));

  r = runCli(f.dir, f.bundle + " --compute gpu --input " + f.x);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.err, Catch::Contains("function 'main' has no GPU code: compile "
                                    "the model with --target gpu"));

  r = runCli(f.dir, f.bundle + " --function nope --input " + f.x);
  CHECK(r.exitCode == 1);
  CHECK_THAT(r.err, Catch::Contains("no function 'nope'"));
}

TEST_CASE("coreai-run usage errors exit 2", "[cli]") {
  Fixture f;
  CHECK(runCli(f.dir, "").exitCode == 2);
  CHECK(runCli(f.dir, f.bundle + " --bogus").exitCode == 2);
  CHECK(runCli(f.dir, f.bundle + " --benchmark 0").exitCode == 2);
  CHECK(runCli(f.dir, f.bundle + " --compute tpu").exitCode == 2);
  CliResult r = runCli(f.dir, "--help");
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out, Catch::Contains("--output-dir"));
}

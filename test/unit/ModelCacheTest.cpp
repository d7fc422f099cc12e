//===- ModelCacheTest.cpp - The model cache, alone and under specialize ---===//
#include "coreai/ModelCache.h"
#include "coreai/ModelAsset.h"
#include "lib/Bundle/BundleWriter.h"
#include "lib/Bundle/Hash.h"
#include "lib/Runtime/CPU/CpuExecutor.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace coreai;
using namespace coreai::runtime;
using coreai::test::TempDir;

namespace {

const CacheKey kKey{0x1234, "cpu-executable", "x86-64-v4 executable 0"};

std::vector<uint8_t> bytesOf(const std::string &s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

std::string store(const ModelCache &cache, const CacheKey &key,
                  const std::vector<uint8_t> &payload) {
  std::string error;
  std::string path =
      cache.store(key, "sample", payload.data(), payload.size(), error);
  INFO(error);
  REQUIRE(!path.empty());
  return path;
}

/// Files under `dir`, recursively, as paths relative to it, sorted.
std::vector<std::string> filesUnder(const std::string &dir) {
  std::vector<std::string> files;
  for (const auto &e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      files.push_back(std::filesystem::relative(e.path(), dir).string());
  std::sort(files.begin(), files.end());
  return files;
}

void setLastUse(const std::string &path, time_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

const SpecializationOptions cpuWithCache(const std::string &dir) {
  SpecializationOptions o;
  o.allowedUnits = {ComputeUnit::CPU};
  o.cache = std::make_shared<ModelCache>(dir);
  return o;
}

/// Runs the test kernel's main (y = x + [1..6]) and checks the result.
void checkRuns(const Model &model) {
  NDArray x(DType::F32, {2, 3});
  for (int i = 0; i < 6; ++i)
    x.dataAs<float>()[i] = 10.0f * (i + 1);
  std::vector<NDArray> out = model.function("main").run({x});
  REQUIRE(out.size() == 1);
  for (int i = 0; i < 6; ++i)
    CHECK(out[0].dataAs<float>()[i] == 11.0f * (i + 1));
}

/// Waits for every child; each must have exited with status 0.
void waitForSuccess(const std::vector<pid_t> &children) {
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
}

} // namespace

TEST_CASE("model cache entries round-trip and are listed", "[cache]") {
  TempDir dir;
  ModelCache cache(dir.file("cache"));
  CHECK(!cache.read(kKey));
  std::vector<uint8_t> payload = bytesOf("shared object bytes");
  std::string path = store(cache, kKey, payload);
  CHECK(path.rfind(dir.file("cache/0000000000001234/cpu-executable-"), 0) == 0);
  CHECK(cache.read(kKey) == payload);
  CHECK(cache.find(kKey, payload.size(),
                   bundle::hash64(payload.data(), payload.size())) == path);
  // The file starts with the payload (so a shared object loads in place).
  std::vector<uint8_t> file = test::readFileBytes(path);
  CHECK(std::equal(payload.begin(), payload.end(), file.begin()));

  // Another device or kind is another entry.
  CacheKey other = kKey;
  other.device = "x86-64-v3 executable 0";
  CHECK(!cache.read(other));
  store(cache, other, bytesOf("other"));
  std::vector<CacheEntryInfo> entries = cache.list();
  REQUIRE(entries.size() == 2);
  for (const CacheEntryInfo &e : entries) {
    CHECK(e.bundleHash == 0x1234);
    CHECK(e.model == "sample");
    CHECK(e.kind == "cpu-executable");
  }
  CHECK(cache.totalBytes() == entries[0].bytes + entries[1].bytes);

  // Removing another bundle's entries leaves these.
  CHECK(cache.remove(0x9999) == 0);
  CHECK(cache.remove(0x1234) == 2);
  CHECK(cache.list().empty());
  store(cache, kKey, payload);
  CHECK(cache.clear() == 1);
  CHECK(filesUnder(dir.file("cache")).empty());
}

TEST_CASE("a damaged model cache entry is deleted, never used", "[cache]") {
  TempDir dir;
  ModelCache cache(dir.path());
  std::vector<uint8_t> payload(4096);
  for (size_t i = 0; i < payload.size(); ++i)
    payload[i] = uint8_t(i * 7);
  uint64_t hash = bundle::hash64(payload.data(), payload.size());
  std::string path = store(cache, kKey, payload);
  std::vector<uint8_t> good = test::readFileBytes(path);

  SECTION("truncated") {
    test::writeFileBytes(path,
                         std::vector<uint8_t>(good.begin(), good.end() - 9));
  }
  SECTION("a flipped payload bit") {
    std::vector<uint8_t> bad = good;
    bad[1000] ^= 0x10;
    test::writeFileBytes(path, bad);
  }
  SECTION("a flipped key bit") {
    std::vector<uint8_t> bad = good;
    bad[payload.size() + 20] ^= 0x01;
    test::writeFileBytes(path, bad);
  }
  SECTION("empty") { test::writeFileBytes(path, {}); }
  SECTION("another key's entry in its place") {
    CacheKey other = kKey;
    other.kind = "vulkan-pipeline-cache";
    std::string otherPath = store(cache, other, payload);
    std::filesystem::copy_file(
        otherPath, path, std::filesystem::copy_options::overwrite_existing);
  }
  CHECK(!cache.read(kKey));
  CHECK(!std::filesystem::exists(path));
  // find() checks the same, and what the file holds against the caller's
  // hash.
  test::writeFileBytes(path, good);
  CHECK(cache.find(kKey, payload.size(), hash ^ 1).empty());
  CHECK(!std::filesystem::exists(path));
  store(cache, kKey, payload);
  CHECK(cache.find(kKey, payload.size(), hash) == path);
}

TEST_CASE("the model cache evicts least recently used entries", "[cache]") {
  TempDir dir;
  std::vector<uint8_t> payload(1000, 1);
  ModelCache big(dir.path());
  std::vector<std::string> paths;
  for (uint64_t b = 1; b <= 3; ++b) {
    CacheKey key = kKey;
    key.bundleHash = b;
    paths.push_back(store(big, key, payload));
  }
  uint64_t entryBytes = big.list().front().bytes;
  // Bundle 2 was used last, bundle 1 longest ago.
  setLastUse(paths[0], 1000);
  setLastUse(paths[1], 3000);
  setLastUse(paths[2], 2000);

  // Room for three: storing a fourth evicts bundle 1.
  ModelCache small(dir.path(), 3 * entryBytes + entryBytes / 2);
  CacheKey fourth = kKey;
  fourth.bundleHash = 4;
  store(small, fourth, payload);
  CHECK(!std::filesystem::exists(paths[0]));
  CHECK(std::filesystem::exists(paths[1]));
  CHECK(std::filesystem::exists(paths[2]));
  CHECK(small.totalBytes() <= small.maxBytes());

  // A read counts as a use: bundle 3 read now, so bundle 2 goes next.
  CacheKey third = kKey;
  third.bundleHash = 3;
  CHECK(small.read(third));
  CacheKey fifth = kKey;
  fifth.bundleHash = 5;
  store(small, fifth, payload);
  CHECK(!std::filesystem::exists(paths[1]));
  CHECK(std::filesystem::exists(paths[2]));

  // An entry larger than the whole cache is refused, and evicts nothing.
  std::string error;
  ModelCache tiny(dir.path(), 100);
  CHECK(tiny.store(kKey, "sample", payload.data(), payload.size(), error)
            .empty());
  CHECK(error.find("larger than the cache") != std::string::npos);
  CHECK(small.list().size() == 3);
}

TEST_CASE("processes writing one model cache entry at once leave one valid "
          "entry",
          "[cache]") {
  TempDir dir;
  std::vector<uint8_t> payload(1 << 20);
  for (size_t i = 0; i < payload.size(); ++i)
    payload[i] = uint8_t(i * 13 + 1);
  std::vector<pid_t> children;
  for (int c = 0; c < 4; ++c) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ModelCache cache(dir.path());
      std::string error;
      bool ok = true;
      for (int i = 0; i < 10 && ok; ++i) {
        ok = !cache.store(kKey, "sample", payload.data(), payload.size(), error)
                  .empty();
        // Readers never see a torn entry: a read either finds it whole or
        // (between another writer's rename and this one) finds it whole.
        std::optional<std::vector<uint8_t>> got = cache.read(kKey);
        ok = ok && (!got || *got == payload);
      }
      ::_exit(ok ? 0 : 1);
    }
    children.push_back(pid);
  }
  waitForSuccess(children);
  ModelCache cache(dir.path());
  CHECK(cache.read(kKey) == payload);
  CHECK(filesUnder(dir.path()).size() == 1); // no temporary files left
}

TEST_CASE("specialization keeps CPU code in the model cache", "[cache]") {
  registerCpuExecutor();
  TempDir dir;
  std::string bundlePath = dir.file("k.aimodel");
  REQUIRE(bundle::writeBundle(test::kernelContents(COREAI_TEST_KERNEL),
                              bundlePath) == "");
  std::string cacheDir = dir.file("cache");

  std::vector<CacheEntryInfo> entries;
  {
    Model cold =
        ModelAsset::open(bundlePath).specialize(cpuWithCache(cacheDir));
    CHECK(cold.cacheUse() == "miss");
    checkRuns(cold);
    entries = ModelCache(cacheDir).list();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].kind == "cpu-executable");
    CHECK(entries[0].bundleHash == ModelAsset::open(bundlePath).contentHash());

    // A second asset (as in a new process) finds it; both models run.
    Model warm =
        ModelAsset::open(bundlePath).specialize(cpuWithCache(cacheDir));
    CHECK(warm.cacheUse() == "hit");
    checkRuns(warm);
    checkRuns(cold);

    // Without a cache nothing is used.
    SpecializationOptions none;
    none.allowedUnits = {ComputeUnit::CPU};
    CHECK(ModelAsset::open(bundlePath).specialize(none).cacheUse() == "off");
  }

  // A bit flipped in the cached code: detected, rebuilt, and the model runs.
  // (Written to a new file and renamed over the entry, as anything that
  // replaces an entry must: the models above had the file mapped.)
  std::vector<uint8_t> bytes = test::readFileBytes(entries[0].path);
  bytes[bytes.size() / 3] ^= 0x40;
  test::writeFileBytes(dir.file("flipped"), bytes);
  std::filesystem::rename(dir.file("flipped"), entries[0].path);
  Model rebuilt =
      ModelAsset::open(bundlePath).specialize(cpuWithCache(cacheDir));
  CHECK(rebuilt.cacheUse() == "miss");
  checkRuns(rebuilt);
  CHECK(ModelCache(cacheDir).list().size() == 1);

  // A cache folder that cannot be created: the model still specializes.
  test::writeFileBytes(dir.file("file"), {1});
  Model uncached = ModelAsset::open(bundlePath)
                       .specialize(cpuWithCache(dir.file("file/cache")));
  CHECK(uncached.cacheUse() == "miss");
  checkRuns(uncached);
}

TEST_CASE("processes specializing one bundle at once share one cache entry",
          "[cache]") {
  registerCpuExecutor();
  TempDir dir;
  std::string bundlePath = dir.file("k.aimodel");
  REQUIRE(bundle::writeBundle(test::kernelContents(COREAI_TEST_KERNEL),
                              bundlePath) == "");
  std::string cacheDir = dir.file("cache");
  std::vector<pid_t> children;
  for (int c = 0; c < 2; ++c) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int status = 1;
      try {
        for (int i = 0; i < 5; ++i) {
          Model model =
              ModelAsset::open(bundlePath).specialize(cpuWithCache(cacheDir));
          NDArray x(DType::F32, {2, 3});
          std::vector<NDArray> out = model.function("main").run({x});
          if (out[0].dataAs<float>()[5] != 6.0f)
            ::_exit(1);
        }
        status = 0;
      } catch (...) {
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  waitForSuccess(children);
  std::vector<CacheEntryInfo> entries = ModelCache(cacheDir).list();
  REQUIRE(entries.size() == 1);
  CHECK(filesUnder(cacheDir).size() == 1);
  Model model = ModelAsset::open(bundlePath).specialize(cpuWithCache(cacheDir));
  CHECK(model.cacheUse() == "hit");
  checkRuns(model);
}

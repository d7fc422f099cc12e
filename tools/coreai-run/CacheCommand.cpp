//===- CacheCommand.cpp ---------------------------------------------------===//
//
//   coreai-run cache list [--json] [--cache-dir DIR]
//   coreai-run cache remove BUNDLE [--cache-dir DIR]
//   coreai-run cache clear [--cache-dir DIR]
//
//===----------------------------------------------------------------------===//
#include "tools/coreai-run/CacheCommand.h"

#include "coreai/ModelAsset.h"
#include "coreai/ModelCache.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

using namespace coreai::runtime;

namespace coreai::run {
namespace {

std::string hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)v);
  return buf;
}

std::string timeOf(int64_t seconds) {
  std::time_t t = (std::time_t)seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

int list(const ModelCache &cache, bool json) {
  std::vector<CacheEntryInfo> entries = cache.list();
  uint64_t total = 0;
  for (const CacheEntryInfo &e : entries)
    total += e.bytes;
  if (json) {
    nlohmann::ordered_json root;
    root["directory"] = cache.directory();
    root["total_bytes"] = total;
    root["entries"] = nlohmann::json::array();
    for (const CacheEntryInfo &e : entries)
      root["entries"].push_back({{"bundle_hash", hex16(e.bundleHash)},
                                 {"model", e.model},
                                 {"kind", e.kind},
                                 {"device", e.device},
                                 {"bytes", e.bytes},
                                 {"last_used", timeOf(e.lastUsed)},
                                 {"path", e.path}});
    std::cout << root.dump(1) << "\n";
    return 0;
  }
  std::cout << cache.directory() << ": " << entries.size() << " entries, "
            << total << " bytes\n";
  for (const CacheEntryInfo &e : entries)
    std::cout << hex16(e.bundleHash) << "  " << e.model << "  " << e.kind
              << "  " << e.device << "  " << e.bytes << " bytes  last used "
              << timeOf(e.lastUsed) << "\n";
  return 0;
}

} // namespace

int cacheCommand(int argc, char **argv) {
  CLI::App app{"Lists, clears or removes entries of the model cache, where "
               "coreai-run keeps specialized artifacts (CPU code, GPU "
               "pipeline caches) between runs.",
               "coreai-run cache"};
  app.require_subcommand(1);
  std::string dir = ModelCache::defaultDirectory();
  auto addDirOption = [&](CLI::App *cmd) {
    cmd->add_option("--cache-dir", dir,
                    "The cache folder (default: $XDG_CACHE_HOME/coreai, "
                    "else ~/.cache/coreai)");
  };
  bool json = false;
  CLI::App *listCmd = app.add_subcommand("list", "List the entries");
  listCmd->add_flag("--json", json, "As JSON");
  CLI::App *clearCmd = app.add_subcommand("clear", "Delete every entry");
  std::string bundlePath;
  CLI::App *removeCmd =
      app.add_subcommand("remove", "Delete the entries of one bundle");
  removeCmd->add_option("bundle", bundlePath, "The .aimodel bundle")
      ->required();
  for (CLI::App *cmd : {listCmd, clearCmd, removeCmd})
    addDirOption(cmd);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::string message = e.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::cerr << "coreai-run cache: error: " << message
              << " (see coreai-run cache --help)\n";
    return 2;
  }
  if (dir.empty()) {
    std::cerr << "coreai-run cache: error: no cache folder: neither "
                 "XDG_CACHE_HOME nor HOME is set (use --cache-dir)\n";
    return 2;
  }
  ModelCache cache(dir);
  if (listCmd->parsed())
    return list(cache, json);
  if (clearCmd->parsed()) {
    size_t n = cache.clear();
    std::cout << dir << ": removed " << n << " entries\n";
    return 0;
  }
  (void)removeCmd;
  try {
    ModelAsset asset = ModelAsset::open(bundlePath);
    size_t n = cache.remove(asset.contentHash());
    std::cout << dir << ": removed " << n << " entries of " << bundlePath
              << "\n";
    return 0;
  } catch (const AssetError &e) {
    std::cerr << "coreai-run: " << bundlePath << ": error: " << e.message()
              << "\n";
    return 1;
  }
}

} // namespace coreai::run

//===- ModelCache.h - Specialized artifacts kept between processes --------===//
//
// What specialization produces that is worth keeping (a CPU shared object to
// dlopen in place, a Vulkan pipeline cache) is stored in a folder, one file
// per entry, keyed by the bundle's content hash, the kind of artifact and a
// device signature (the CPU variant, the GPU's vendor, device, driver and
// pipeline-cache UUID). Like Core AI's AIModelCache, the app decides where it
// lives and how large it may grow, and can list, remove and clear entries.
//
// Processes share a cache safely: an entry is written to a temporary file in
// its folder and renamed into place, so readers see a whole entry or none,
// and two writers of one key leave one valid entry. Every entry ends with a
// trailer (key, payload size, payload hash) that is checked on each read; an
// entry that fails the check (truncated, bit-flipped, another key's) is
// deleted and reported missing, so the caller rebuilds it. The payload comes
// first, so a shared-object entry can be passed to dlopen as it is.
//
// Layout: DIR/<bundle hash, 16 hex>/<kind>-<device hash, 16 hex>.entry; the
// modification time is the last use, which eviction (least recently used
// first, down to maxBytes) reads.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_MODELCACHE_H
#define COREAI_MODELCACHE_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coreai::runtime {

/// What one entry is: the bundle, the kind of artifact ("cpu-shared-object",
/// "vulkan-pipeline-cache") and everything else its content depends on.
struct CacheKey {
  uint64_t bundleHash = 0;
  std::string kind;
  std::string device;
};

/// One entry as list() reports it.
struct CacheEntryInfo {
  std::string path;
  uint64_t bundleHash = 0;
  std::string model; // the bundle's model name when it was stored
  std::string kind;
  std::string device;
  uint64_t bytes = 0;   // the whole file
  int64_t lastUsed = 0; // seconds since the epoch
};

class ModelCache {
public:
  static constexpr uint64_t kDefaultMaxBytes = uint64_t(1) << 30; // 1 GiB

  /// $XDG_CACHE_HOME/coreai, else $HOME/.cache/coreai; empty when neither
  /// variable is set.
  static std::string defaultDirectory();

  /// A cache in `directory` (created when the first entry is stored) that
  /// evicts down to `maxBytes`.
  explicit ModelCache(std::string directory,
                      uint64_t maxBytes = kDefaultMaxBytes);

  const std::string &directory() const { return directory_; }
  uint64_t maxBytes() const { return maxBytes_; }

  /// The entry's payload when it exists and passes every check (and its
  /// use time is updated); a failing entry is deleted. Never throws.
  std::optional<std::vector<uint8_t>> read(const CacheKey &key) const;

  /// The path of the entry for `key` when it holds exactly `size` bytes
  /// whose XXH64 is `payloadHash` (its use time updated); else the entry,
  /// if any, is deleted and the result is empty. For artifacts used from
  /// the file itself (dlopen). Never throws.
  std::string find(const CacheKey &key, uint64_t size,
                   uint64_t payloadHash) const;

  /// Stores `size` bytes at `data` for `key` (replacing any entry
  /// atomically), then evicts least recently used entries other than this
  /// one while the cache is larger than maxBytes. `model` is a name for
  /// list(). Returns the entry's path, or empty with `error` set (the
  /// folder cannot be written, or the payload alone exceeds maxBytes).
  /// Never throws.
  std::string store(const CacheKey &key, const std::string &model,
                    const void *data, uint64_t size, std::string &error) const;

  /// Every entry, most recently used first (entries whose trailer cannot
  /// be read are left out). Never throws.
  std::vector<CacheEntryInfo> list() const;
  /// Bytes of every entry, as eviction counts them.
  uint64_t totalBytes() const;

  /// Deletes the entries of one bundle; returns how many. Never throws.
  size_t remove(uint64_t bundleHash) const;
  /// Deletes every entry (and leftover temporary files); returns how many
  /// entries. Never throws.
  size_t clear() const;

  /// Where the entry for `key` lives (whether or not it exists).
  std::string pathFor(const CacheKey &key) const;

private:
  /// The payload of the entry at `path` when it passes every check for
  /// `key` (its use time then updated, `payloadHash` set to its verified
  /// XXH64); a failing entry is deleted.
  std::optional<std::vector<uint8_t>> readChecked(const CacheKey &key,
                                                  const std::string &path,
                                                  uint64_t &payloadHash) const;
  void evict(const std::string &keep) const;

  std::string directory_;
  uint64_t maxBytes_;
};

} // namespace coreai::runtime

#endif // COREAI_MODELCACHE_H

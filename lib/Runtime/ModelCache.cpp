//===- ModelCache.cpp -----------------------------------------------------===//
#include "coreai/ModelCache.h"

#include "lib/Bundle/Hash.h"
#include "lib/Runtime/FileIO.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace coreai::runtime {
namespace {

constexpr char kMagic[8] = {'C', 'A', 'I', 'E', 'N', 'T', 'R', 'Y'};
constexpr char kSuffix[] = ".entry";
constexpr char kTempMarker[] = ".tmp.";
// The key text is a few short lines; anything longer is not ours.
constexpr uint64_t kMaxKeyText = 1 << 16;
// Temporary files older than this were left by a process that died.
constexpr int64_t kStaleTempSeconds = 3600;

/// The last bytes of every entry.
struct Footer {
  char magic[8];
  uint64_t payloadBytes;
  uint64_t keyBytes;
  uint64_t payloadHash;
  uint64_t keyHash;
};
static_assert(sizeof(Footer) == 40, "the footer is packed by layout");

std::string hex16(uint64_t v) {
  static const char digits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4)
    s[i] = digits[v & 15];
  return s;
}

std::optional<uint64_t> parseHex16(const std::string &s) {
  if (s.size() != 16)
    return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                   : -1;
    if (d < 0)
      return std::nullopt;
    v = v << 4 | (uint64_t)d;
  }
  return v;
}

std::string keyText(const CacheKey &key, const std::string &model) {
  return "coreai-cache 1\nbundle " + hex16(key.bundleHash) + "\nkind " +
         key.kind + "\ndevice " + key.device + "\nmodel " + model + "\n";
}

/// The value of `field` ("kind") in a key text, or nullopt.
std::optional<std::string> fieldOf(const std::string &text,
                                   const std::string &field) {
  std::string prefix = "\n" + field + " ";
  size_t at = text.find(prefix);
  if (at == std::string::npos)
    return std::nullopt;
  at += prefix.size();
  size_t end = text.find('\n', at);
  if (end == std::string::npos)
    return std::nullopt;
  return text.substr(at, end - at);
}

/// An open entry whose footer and key text passed their checks.
struct OpenEntry {
  int fd = -1;
  Footer footer{};
  std::string keyText;
  uint64_t fileBytes = 0;
  ~OpenEntry() {
    if (fd >= 0)
      ::close(fd);
  }
};

/// Opens `path` and checks its footer and key text (not the payload).
bool openEntry(const std::string &path, OpenEntry &e) {
  e.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (e.fd < 0)
    return false;
  struct stat st {};
  if (::fstat(e.fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      (uint64_t)st.st_size < sizeof(Footer))
    return false;
  e.fileBytes = (uint64_t)st.st_size;
  if (!readAt(e.fd, &e.footer, sizeof(Footer), e.fileBytes - sizeof(Footer)))
    return false;
  const Footer &f = e.footer;
  if (std::memcmp(f.magic, kMagic, sizeof(kMagic)) != 0 ||
      f.keyBytes > kMaxKeyText || f.payloadBytes > e.fileBytes ||
      f.payloadBytes + f.keyBytes + sizeof(Footer) != e.fileBytes)
    return false;
  e.keyText.resize(f.keyBytes);
  if (!readAt(e.fd, e.keyText.data(), f.keyBytes, f.payloadBytes))
    return false;
  return bundle::hash64(e.keyText.data(), e.keyText.size()) == f.keyHash;
}

/// Whether a checked key text names `key`.
bool matches(const std::string &text, const CacheKey &key) {
  return fieldOf(text, "bundle") == hex16(key.bundleHash) &&
         fieldOf(text, "kind") == key.kind &&
         fieldOf(text, "device") == key.device;
}

void touch(const std::string &path) {
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
}

void removeQuietly(const std::string &path) {
  std::error_code ec;
  fs::remove(path, ec);
}

int64_t modifiedSeconds(const struct stat &st) { return (int64_t)st.st_mtime; }

bool isEntryName(const std::string &name) {
  return name.size() > sizeof(kSuffix) - 1 &&
         name.compare(name.size() - (sizeof(kSuffix) - 1), std::string::npos,
                      kSuffix) == 0;
}

} // namespace

std::string ModelCache::defaultDirectory() {
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
    return (fs::path(xdg) / "coreai").string();
  if (const char *home = std::getenv("HOME"); home && *home)
    return (fs::path(home) / ".cache" / "coreai").string();
  return "";
}

ModelCache::ModelCache(std::string directory, uint64_t maxBytes)
    : directory_(std::move(directory)), maxBytes_(maxBytes) {}

std::string ModelCache::pathFor(const CacheKey &key) const {
  return (fs::path(directory_) / hex16(key.bundleHash) /
          (key.kind + "-" +
           hex16(bundle::hash64(key.device.data(), key.device.size())) +
           kSuffix))
      .string();
}

std::optional<std::vector<uint8_t>>
ModelCache::readChecked(const CacheKey &key, const std::string &path,
                        uint64_t &payloadHash) const {
  OpenEntry e;
  std::vector<uint8_t> payload;
  bool ok = openEntry(path, e) && matches(e.keyText, key);
  if (ok) {
    payload.resize(e.footer.payloadBytes);
    ok = readAt(e.fd, payload.data(), payload.size(), 0) &&
         bundle::hash64(payload.data(), payload.size()) == e.footer.payloadHash;
  }
  if (!ok) {
    if (e.fd >= 0) // it exists, but is not a valid entry for `key`
      removeQuietly(path);
    return std::nullopt;
  }
  touch(path);
  payloadHash = e.footer.payloadHash;
  return payload;
}

std::optional<std::vector<uint8_t>>
ModelCache::read(const CacheKey &key) const {
  uint64_t hash;
  return readChecked(key, pathFor(key), hash);
}

std::string ModelCache::find(const CacheKey &key, uint64_t size,
                             uint64_t payloadHash) const {
  std::string path = pathFor(key);
  uint64_t hash;
  std::optional<std::vector<uint8_t>> payload = readChecked(key, path, hash);
  if (!payload)
    return "";
  // A valid entry, but of other bytes than the caller's.
  if (payload->size() != size || hash != payloadHash) {
    removeQuietly(path);
    return "";
  }
  return path;
}

std::string ModelCache::store(const CacheKey &key, const std::string &model,
                              const void *data, uint64_t size,
                              std::string &error) const {
  if (directory_.empty()) {
    error = "no cache folder";
    return "";
  }
  std::string text = keyText(key, model);
  Footer footer{};
  std::memcpy(footer.magic, kMagic, sizeof(kMagic));
  footer.payloadBytes = size;
  footer.keyBytes = text.size();
  footer.payloadHash = bundle::hash64(data, size);
  footer.keyHash = bundle::hash64(text.data(), text.size());
  uint64_t bytes = size + text.size() + sizeof(Footer);
  if (bytes > maxBytes_) {
    error = "the entry (" + std::to_string(bytes) +
            " bytes) is larger than the cache (" + std::to_string(maxBytes_) +
            " bytes)";
    return "";
  }
  std::string path = pathFor(key);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) {
    error = "cannot create " + fs::path(path).parent_path().string() + ": " +
            ec.message();
    return "";
  }
  static std::atomic<uint64_t> counter{0};
  std::string temp = path + kTempMarker + std::to_string(::getpid()) + "." +
                     std::to_string(counter++);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create " + temp + ": " + std::strerror(errno);
    return "";
  }
  bool written = writeAll(fd, data, size) &&
                 writeAll(fd, text.data(), text.size()) &&
                 writeAll(fd, &footer, sizeof(footer));
  int writeErrno = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    writeErrno = errno;
  }
  // No fsync: an entry torn by a crash fails its check and is rebuilt.
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path + ": " +
            std::strerror(written ? errno : writeErrno);
    removeQuietly(temp);
    return "";
  }
  evict(path);
  return path;
}

std::vector<CacheEntryInfo> ModelCache::list() const {
  std::vector<CacheEntryInfo> entries;
  std::error_code ec;
  for (const fs::directory_entry &dir :
       fs::directory_iterator(directory_, ec)) {
    std::optional<uint64_t> bundleHash =
        parseHex16(dir.path().filename().string());
    if (!bundleHash || !dir.is_directory(ec))
      continue;
    std::error_code inner;
    for (const fs::directory_entry &file :
         fs::directory_iterator(dir.path(), inner)) {
      std::string name = file.path().filename().string();
      if (!isEntryName(name))
        continue;
      OpenEntry e;
      struct stat st {};
      if (!openEntry(file.path().string(), e) || ::fstat(e.fd, &st) != 0)
        continue;
      CacheEntryInfo info;
      info.path = file.path().string();
      info.bundleHash = *bundleHash;
      info.model = fieldOf(e.keyText, "model").value_or("");
      info.kind = fieldOf(e.keyText, "kind").value_or("");
      info.device = fieldOf(e.keyText, "device").value_or("");
      info.bytes = e.fileBytes;
      info.lastUsed = modifiedSeconds(st);
      entries.push_back(std::move(info));
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const CacheEntryInfo &a, const CacheEntryInfo &b) {
                     if (a.lastUsed != b.lastUsed)
                       return a.lastUsed > b.lastUsed;
                     return a.path < b.path;
                   });
  return entries;
}

uint64_t ModelCache::totalBytes() const {
  uint64_t total = 0;
  for (const CacheEntryInfo &e : list())
    total += e.bytes;
  return total;
}

void ModelCache::evict(const std::string &keep) const {
  // Sizes and use times from stat alone: storing must stay cheap in a
  // cache of thousands of entries.
  struct File {
    std::string path;
    uint64_t bytes;
    int64_t lastUsed;
  };
  std::vector<File> files;
  uint64_t total = 0;
  int64_t now = (int64_t)std::time(nullptr);
  std::error_code ec;
  for (const fs::directory_entry &dir :
       fs::directory_iterator(directory_, ec)) {
    if (!parseHex16(dir.path().filename().string()))
      continue;
    std::error_code inner;
    for (const fs::directory_entry &file :
         fs::directory_iterator(dir.path(), inner)) {
      std::string name = file.path().filename().string();
      struct stat st {};
      if (::stat(file.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        continue;
      if (isEntryName(name)) {
        files.push_back(
            {file.path().string(), (uint64_t)st.st_size, modifiedSeconds(st)});
        total += (uint64_t)st.st_size;
      } else if (name.find(kTempMarker) != std::string::npos &&
                 now - modifiedSeconds(st) > kStaleTempSeconds) {
        // Left by a process that died while writing.
        removeQuietly(file.path().string());
      }
    }
  }
  if (total <= maxBytes_)
    return;
  std::sort(files.begin(), files.end(), [](const File &a, const File &b) {
    return a.lastUsed != b.lastUsed ? a.lastUsed < b.lastUsed : a.path < b.path;
  });
  for (const File &f : files) {
    if (total <= maxBytes_)
      break;
    if (f.path == keep)
      continue;
    removeQuietly(f.path);
    total -= f.bytes;
  }
}

size_t ModelCache::remove(uint64_t bundleHash) const {
  size_t removed = 0;
  std::error_code ec;
  fs::path dir = fs::path(directory_) / hex16(bundleHash);
  for (const fs::directory_entry &file : fs::directory_iterator(dir, ec))
    if (isEntryName(file.path().filename().string()))
      removed += fs::remove(file.path(), ec) ? 1 : 0;
  fs::remove(dir, ec); // only when empty (a writer may be adding to it)
  return removed;
}

size_t ModelCache::clear() const {
  size_t removed = 0;
  std::error_code ec;
  for (const fs::directory_entry &dir :
       fs::directory_iterator(directory_, ec)) {
    if (!parseHex16(dir.path().filename().string()))
      continue; // not ours
    std::error_code inner;
    for (const fs::directory_entry &file :
         fs::directory_iterator(dir.path(), inner)) {
      std::string name = file.path().filename().string();
      bool entry = isEntryName(name);
      if (entry || name.find(kTempMarker) != std::string::npos)
        removed += fs::remove(file.path(), inner) && entry ? 1 : 0;
    }
    fs::remove(dir.path(), inner);
  }
  return removed;
}

} // namespace coreai::runtime

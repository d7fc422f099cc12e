//===- FileIO.h - Whole reads and writes on file descriptors (internal) ---===//
//
// read(2)/write(2) may move fewer bytes than asked and be interrupted; these
// loop until all bytes moved, or fail.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_FILEIO_H
#define COREAI_RUNTIME_FILEIO_H

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <sys/types.h>
#include <unistd.h>

namespace coreai::runtime {

/// Writes `size` bytes at `data` to `fd`; false on any error (errno set).
inline bool writeAll(int fd, const void *data, uint64_t size) {
  auto *p = static_cast<const uint8_t *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, std::min<uint64_t>(size, 1u << 30));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= (uint64_t)n;
  }
  return true;
}

/// Reads exactly `size` bytes at `offset` of `fd` into `out`; false on an
/// error or a short file.
inline bool readAt(int fd, void *out, uint64_t size, uint64_t offset) {
  auto *p = static_cast<uint8_t *>(out);
  while (size > 0) {
    ssize_t n = ::pread(fd, p, std::min<uint64_t>(size, 1u << 30),
                        (off_t)offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= (uint64_t)n;
    offset += (uint64_t)n;
  }
  return true;
}

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_FILEIO_H

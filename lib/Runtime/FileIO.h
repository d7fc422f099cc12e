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

/// Calls `move(done, chunk)`, one read or write of `chunk` bytes (at most
/// 1 GiB) after the `done` already moved, until `size` bytes moved. Retries
/// when interrupted; false on an error (errno set) or on 0 bytes moved (end
/// of file).
template <typename Move> inline bool moveAll(uint64_t size, Move move) {
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = move(done, std::min<uint64_t>(size - done, 1u << 30));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += (uint64_t)n;
  }
  return true;
}

/// Writes `size` bytes at `data` to `fd`; false on any error (errno set).
inline bool writeAll(int fd, const void *data, uint64_t size) {
  auto *p = static_cast<const uint8_t *>(data);
  return moveAll(size, [&](uint64_t done, uint64_t chunk) {
    return ::write(fd, p + done, chunk);
  });
}

/// Reads exactly `size` bytes at `offset` of `fd` into `out`; false on an
/// error or a short file.
inline bool readAt(int fd, void *out, uint64_t size, uint64_t offset) {
  auto *p = static_cast<uint8_t *>(out);
  return moveAll(size, [&](uint64_t done, uint64_t chunk) {
    return ::pread(fd, p + done, chunk, (off_t)(offset + done));
  });
}

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_FILEIO_H

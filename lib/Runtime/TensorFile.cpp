//===- TensorFile.cpp - Reading and writing tensor files ------------------===//
#include "coreai/TensorIO.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coreai::runtime {
namespace {

std::string errnoText() { return std::strerror(errno); }

std::vector<uint8_t> readFile(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw TensorFileError(errno == ENOENT ? "no such file"
                                          : "cannot open: " + errnoText());
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw TensorFileError("not a regular file");
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      std::string err = n < 0 ? errnoText() : "file shrank while reading";
      ::close(fd);
      throw TensorFileError("cannot read: " + err);
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return bytes;
}

} // namespace

NDArray readTensorFile(const std::string &path, std::string *name) {
  std::vector<uint8_t> bytes = readFile(path);
  if (bytes.size() >= 6 && std::memcmp(bytes.data(), "\x93NUMPY", 6) == 0) {
    if (name)
      name->clear();
    return parseNpy(bytes.data(), bytes.size());
  }
  return parseTensorProto(bytes.data(), bytes.size(), name);
}

void writeNpy(const std::string &path, const NDArray &array) {
  std::vector<uint8_t> bytes = encodeNpy(array);
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    throw TensorFileError("cannot create: " + errnoText());
  size_t done = 0;
  std::string err;
  while (done < bytes.size() && err.empty()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      err = errnoText();
    else
      done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 && err.empty())
    err = errnoText();
  if (err.empty() && ::rename(tmp.c_str(), path.c_str()) != 0)
    err = errnoText();
  if (!err.empty()) {
    ::unlink(tmp.c_str());
    throw TensorFileError("cannot write: " + err);
  }
}

} // namespace coreai::runtime

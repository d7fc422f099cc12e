//===- SharedObject.cpp ---------------------------------------------------===//
#include "lib/Runtime/CPU/SharedObject.h"

#include "coreai/AssetError.h"
#include "lib/Runtime/FileIO.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

// Linux 6.3+: without it, a kernel with vm.memfd_noexec=1 makes the memfd
// non-executable. Older kernels reject the flag, which we retry without.
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

namespace coreai::runtime {
namespace {

std::string lastDlError() {
  const char *e = ::dlerror();
  return e ? e : "unknown dlopen error";
}

void *dlopenPath(const std::string &path, std::string &error) {
  ::dlerror(); // clear any stale message
  void *h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h)
    error = lastDlError();
  return h;
}

int createMemfd() {
  int fd = ::memfd_create("coreai-kernel", MFD_CLOEXEC | MFD_EXEC);
  if (fd < 0 && errno == EINVAL)
    fd = ::memfd_create("coreai-kernel", MFD_CLOEXEC);
  return fd;
}

} // namespace

std::unique_ptr<SharedObject> SharedObject::load(const uint8_t *bytes,
                                                 uint64_t size,
                                                 const std::string &label) {
  std::unique_ptr<SharedObject> so(new SharedObject());
  std::string error;

  // COREAI_DLOPEN_TMPFILE=1 skips memfd, to test or debug the fallback.
  const char *forceTmp = std::getenv("COREAI_DLOPEN_TMPFILE");
  bool useMemfd = !(forceTmp && *forceTmp && std::strcmp(forceTmp, "0") != 0);
  int fd = useMemfd ? createMemfd() : -1;
  if (!useMemfd) {
    error = "memfd disabled by COREAI_DLOPEN_TMPFILE";
  } else if (fd >= 0) {
    if (writeAll(fd, bytes, size)) {
      so->handle_ = dlopenPath("/proc/self/fd/" + std::to_string(fd), error);
      if (so->handle_) {
        so->fd_ = fd;
        return so;
      }
    } else {
      error = std::string("cannot write memfd: ") + std::strerror(errno);
    }
    ::close(fd);
  } else {
    error = std::string("memfd_create: ") + std::strerror(errno);
  }

  // Fallback: a temporary file.
  const char *dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") +
                     "/coreai-kernel-XXXXXX.so";
  fd = ::mkstemps(path.data(), 3);
  if (fd < 0)
    throw AssetError(AssetError::Code::Unsupported,
                     "cannot load " + label + ": " + error +
                         "; and cannot create a temporary file: " +
                         std::strerror(errno));
  bool written = writeAll(fd, bytes, size);
  int writeErrno = errno;
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    throw AssetError(AssetError::Code::Unsupported,
                     "cannot load " + label + ": " + error +
                         "; and cannot write a temporary file: " +
                         std::strerror(writeErrno));
  }
  so->handle_ = dlopenPath(path, error);
  if (!so->handle_) {
    ::unlink(path.c_str());
    throw AssetError(AssetError::Code::Unsupported,
                     "cannot load " + label + ": " + error);
  }
  so->tempPath_ = std::move(path);
  return so;
}

std::unique_ptr<SharedObject> SharedObject::loadFile(const std::string &path,
                                                     const std::string &label) {
  std::unique_ptr<SharedObject> so(new SharedObject());
  std::string error;
  so->handle_ = dlopenPath(path, error);
  if (!so->handle_)
    throw AssetError(AssetError::Code::Unsupported,
                     "cannot load " + label + " from " + path + ": " + error);
  return so;
}

SharedObject::~SharedObject() {
  if (handle_)
    ::dlclose(handle_);
  if (fd_ >= 0)
    ::close(fd_);
  if (!tempPath_.empty())
    ::unlink(tempPath_.c_str());
}

void *SharedObject::symbol(const char *name) const {
  return ::dlsym(handle_, name);
}

} // namespace coreai::runtime

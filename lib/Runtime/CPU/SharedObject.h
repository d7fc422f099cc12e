//===- SharedObject.h - dlopen a shared object held in memory -------------===//
//
// CPU executables are ELF shared objects stored inside the bundle. To load
// one without leaving files behind, its bytes go into an anonymous memory file
// (memfd_create) that is dlopen-ed through /proc/self/fd/N. Where that is not
// possible (no memfd, no /proc, or a kernel that forbids executable memfds)
// it falls back to a temporary file, deleted when the object is unloaded.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_CPU_SHAREDOBJECT_H
#define COREAI_RUNTIME_CPU_SHAREDOBJECT_H

#include <cstdint>
#include <memory>
#include <string>

namespace coreai::runtime {

class SharedObject {
public:
  /// Loads `size` bytes as a shared object (RTLD_NOW | RTLD_LOCAL). `label`
  /// names it in messages. Throws AssetError (Unsupported) with dlopen's
  /// message on failure.
  static std::unique_ptr<SharedObject> load(const uint8_t *bytes,
                                            uint64_t size,
                                            const std::string &label);
  /// Loads the shared object at `path` in place (a model-cache entry).
  /// Throws AssetError (Unsupported) with dlopen's message on failure.
  static std::unique_ptr<SharedObject> loadFile(const std::string &path,
                                                const std::string &label);
  ~SharedObject();
  SharedObject(const SharedObject &) = delete;
  SharedObject &operator=(const SharedObject &) = delete;

  /// The address of `name`, or null.
  void *symbol(const char *name) const;

private:
  SharedObject() = default;

  void *handle_ = nullptr;
  // The memfd stays open while the object is loaded: dlopen identifies
  // objects by path, so a reused "/proc/self/fd/N" must never name a
  // different live object.
  int fd_ = -1;
  // For the same reason the fallback file is only removed after dlclose.
  std::string tempPath_;
};

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_CPU_SHAREDOBJECT_H

//===- Signing.cpp - coreai-build keygen, sign and compile --sign ---------===//
#include "Signing.h"

#include "lib/Bundle/BundleReader.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace coreai {
namespace {

bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

/// Writes `text` to a new file with `mode` (the secret key: 0600 from the
/// start, never briefly readable by others).
SigningError writeNewFile(const std::string &path, const std::string &text,
                          mode_t mode) {
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return {path, std::string("cannot create: ") + std::strerror(errno)};
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return {path, "cannot write the key"};
  }
  return {};
}

} // namespace

SigningError generateKeyFiles(const std::string &keyPath, bool force) {
  std::string pubPath = keyPath + ".pub";
  if (!bundle::signaturesSupported())
    return {"", "this coreai-build cannot sign: it was built without "
                "libsodium"};
  for (const std::string &path : {keyPath, pubPath})
    if (!force && exists(path))
      return {path, "exists; not replacing a key (--force replaces it)"};
  bundle::SecretKey secret;
  bundle::PublicKey publicKey;
  if (!bundle::generateKeyPair(secret, publicKey))
    return {"", "could not generate a key pair"};
  if (SigningError e =
          writeNewFile(keyPath, bundle::formatSecretKey(secret), 0600);
      !e.message.empty())
    return e;
  if (SigningError e =
          writeNewFile(pubPath, bundle::formatPublicKey(publicKey), 0644);
      !e.message.empty()) {
    ::unlink(keyPath.c_str());
    return e;
  }
  std::cout << "wrote " << keyPath << " (secret: keep it private) and "
            << pubPath << " (public: give it to the apps that trust you); key "
            << bundle::keyId(publicKey) << "\n";
  return {};
}

SigningError readSecretKeyFile(const std::string &path,
                               bundle::SecretKey &key) {
  std::ifstream in(path);
  if (!in)
    return {path, std::string("cannot open the key: ") + std::strerror(errno)};
  std::stringstream text;
  text << in.rdbuf();
  if (std::string err = bundle::parseSecretKey(text.str(), key); !err.empty())
    return {path, err};
  if (!bundle::signaturesSupported())
    return {"", "this coreai-build cannot sign: it was built without "
                "libsodium"};
  return {};
}

SigningError signBundleFile(const std::string &bundlePath,
                            const std::string &keyPath,
                            const std::string &outputPath) {
  bundle::SecretKey key;
  if (SigningError e = readSecretKeyFile(keyPath, key); !e.message.empty())
    return e;
  // Only a whole bundle is signed: a signature vouches for what it covers.
  bundle::ReadError error;
  std::unique_ptr<bundle::BundleFile> file =
      bundle::BundleFile::open(bundlePath, error);
  if (!file)
    return {bundlePath, error.message};
  std::vector<uint8_t> bytes(file->data(), file->data() + file->size());
  file.reset();
  if (std::string err = bundle::signBundleBytes(bytes, key); !err.empty())
    return {bundlePath, err};
  const std::string &out = outputPath.empty() ? bundlePath : outputPath;
  if (std::string err = bundle::writeBundleBytes(bytes, out); !err.empty())
    return {out, err};
  return {};
}

} // namespace coreai

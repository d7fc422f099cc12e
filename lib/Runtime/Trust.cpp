//===- Trust.cpp - Which bundles' code a specialization runs --------------===//
#include "coreai/Trust.h"

#include "coreai/AssetError.h"
#include "lib/Bundle/Signature.h"
#include "lib/Runtime/TrustCheck.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace coreai::runtime {

TrustedKey readTrustedKey(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    throw AssetError(AssetError::Code::NotFound,
                     path + ": cannot open the public key");
  std::stringstream text;
  text << in.rdbuf();
  TrustedKey key;
  key.origin = path;
  if (std::string err = bundle::parsePublicKey(text.str(), key.bytes);
      !err.empty())
    throw AssetError(AssetError::Code::InvalidArgument, path + ": " + err);
  return key;
}

std::vector<TrustedKey> defaultTrustedKeys() {
  std::vector<std::string> dirs;
  if (const char *list = std::getenv("COREAI_TRUSTED_KEYS_PATH")) {
    std::stringstream ss(list);
    for (std::string dir; std::getline(ss, dir, ':');)
      if (!dir.empty())
        dirs.push_back(dir);
  } else {
    if (const char *xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
      dirs.push_back(std::string(xdg) + "/coreai/trusted-keys");
    else if (const char *home = std::getenv("HOME"); home && *home)
      dirs.push_back(std::string(home) + "/.config/coreai/trusted-keys");
    dirs.push_back("/etc/coreai/trusted-keys");
  }
  std::vector<TrustedKey> keys;
  for (const std::string &dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      continue;
    std::vector<std::string> files;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec))
      if (entry.path().extension() == ".pub")
        files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    for (const std::string &file : files)
      keys.push_back(readTrustedKey(file));
  }
  return keys;
}

const char *trustPolicyName(TrustPolicy policy) {
  switch (policy) {
  case TrustPolicy::AllowUnsigned:
    return "allow-unsigned";
  case TrustPolicy::RequireSignature:
    return "require-signature";
  case TrustPolicy::NoUnsignedNativeCode:
    return "no-unsigned-native-code";
  }
  return "unknown";
}

bool checkTrust(const bundle::BundleFile &file,
                const SpecializationOptions &options) {
  const bundle::BundleFile::Signature *sig = file.signature();
  std::string policy =
      std::string(" (trust policy ") + trustPolicyName(options.trust) + ")";
  bool trusted = false;
  if (sig) {
    switch (file.signatureStatus()) {
    case bundle::SignatureStatus::Invalid:
      // Whatever the policy: the bytes changed after they were signed.
      throw AssetError(AssetError::Code::Untrusted,
                       "the bundle's signature (key " +
                           bundle::keyId(sig->signer) +
                           ") does not match its contents: it was changed "
                           "after signing");
    case bundle::SignatureStatus::Unverifiable:
      if (options.trust != TrustPolicy::AllowUnsigned)
        throw AssetError(AssetError::Code::Untrusted,
                         "this runtime cannot verify signatures (built "
                         "without libsodium)" +
                             policy);
      return false;
    case bundle::SignatureStatus::Valid:
      trusted = std::any_of(
          options.trustedKeys.begin(), options.trustedKeys.end(),
          [&](const TrustedKey &k) { return k.bytes == sig->signer; });
      break;
    case bundle::SignatureStatus::Unsigned:
      break;
    }
  }
  if (trusted || options.trust != TrustPolicy::RequireSignature)
    return trusted;
  if (!sig)
    throw AssetError(AssetError::Code::Untrusted,
                     "the bundle is not signed" + policy);
  throw AssetError(AssetError::Code::Untrusted,
                   "the bundle is signed by key " + bundle::keyId(sig->signer) +
                       ", which is not among the " +
                       std::to_string(options.trustedKeys.size()) +
                       " trusted keys" + policy);
}

} // namespace coreai::runtime

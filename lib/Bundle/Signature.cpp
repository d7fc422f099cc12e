//===- Signature.cpp - ed25519 signatures of .aimodel bundles -------------===//
#include "lib/Bundle/Signature.h"

#include "lib/Bundle/BundleFormat.h"
#include "lib/Bundle/Hash.h"

#include <cstring>

#if COREAI_HAVE_SODIUM
#include <sodium.h>
#endif

namespace coreai::bundle {
namespace {

constexpr char kContext[] = "coreai-bundle-signature-v1";
constexpr char kSecretPrefix[] = "coreai-secret-key-v1 ";
constexpr char kPublicPrefix[] = "coreai-public-key-v1 ";

/// "PREFIX HEX" (one line, a trailing newline allowed) into `out`.
std::string parseKey(const std::string &text, const char *prefix, uint8_t *out,
                     size_t n, const char *what) {
  std::string line = text;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.pop_back();
  size_t plen = std::strlen(prefix);
  if (line.compare(0, plen, prefix) != 0)
    return std::string("not a coreai ") + what +
           " key file (it must start "
           "with '" +
           std::string(prefix, plen - 1) + "')";
  std::string digits = line.substr(plen);
  // A comment may follow the key (public keys: who it belongs to).
  if (size_t space = digits.find(' '); space != std::string::npos)
    digits.resize(space);
  if (digits.size() != 2 * n)
    return std::string("the ") + what + " key must be " +
           std::to_string(2 * n) + " hex digits";
  for (size_t i = 0; i < n; ++i) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9')
        return c - '0';
      if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
      if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
      return -1;
    };
    int hi = nibble(digits[2 * i]), lo = nibble(digits[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return std::string("the ") + what + " key is not hex";
    out[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return "";
}

#if COREAI_HAVE_SODIUM
bool sodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

/// The signed message of a bundle whose signature block (of this size) is
/// at `blockOffset`: the context, the bytes before the block, the trailer's
/// first 24 bytes.
void hashMessage(crypto_sign_state &state, const uint8_t *data,
                 uint64_t blockOffset, const uint8_t *trailer) {
  crypto_sign_init(&state);
  crypto_sign_update(&state, reinterpret_cast<const uint8_t *>(kContext),
                     sizeof(kContext) - 1);
  crypto_sign_update(&state, data, blockOffset);
  crypto_sign_update(&state, trailer, 24);
}
#endif

} // namespace

bool signaturesSupported() {
#if COREAI_HAVE_SODIUM
  return sodiumReady();
#else
  return false;
#endif
}

SignatureStatus verifySignature(const uint8_t *data, uint64_t size,
                                uint64_t blockOffset, const PublicKey &key,
                                const SignatureBytes &signature) {
#if COREAI_HAVE_SODIUM
  if (!sodiumReady())
    return SignatureStatus::Unverifiable;
  crypto_sign_state state;
  hashMessage(state, data, blockOffset, data + size - kTrailerSize);
  return crypto_sign_final_verify(&state, signature.data(), key.data()) == 0
             ? SignatureStatus::Valid
             : SignatureStatus::Invalid;
#else
  (void)data, (void)size, (void)blockOffset, (void)key, (void)signature;
  return SignatureStatus::Unverifiable;
#endif
}

bool generateKeyPair(SecretKey &secret, PublicKey &publicKey) {
#if COREAI_HAVE_SODIUM
  return sodiumReady() &&
         crypto_sign_keypair(publicKey.data(), secret.data()) == 0;
#else
  (void)secret, (void)publicKey;
  return false;
#endif
}

std::string keyId(const PublicKey &key) { return hexBytes(key.data(), 8); }

std::string formatSecretKey(const SecretKey &key) {
  return kSecretPrefix + hexBytes(key.data(), key.size()) + "\n";
}

std::string formatPublicKey(const PublicKey &key) {
  return kPublicPrefix + hexBytes(key.data(), key.size()) + "\n";
}

std::string parseSecretKey(const std::string &text, SecretKey &key) {
  return parseKey(text, kSecretPrefix, key.data(), key.size(), "secret");
}

std::string parsePublicKey(const std::string &text, PublicKey &key) {
  return parseKey(text, kPublicPrefix, key.data(), key.size(), "public");
}

std::string signBundleBytes(std::vector<uint8_t> &bytes, const SecretKey &key) {
#if COREAI_HAVE_SODIUM
  if (!sodiumReady())
    return "libsodium could not be initialized";
  if (bytes.size() < kTrailerSize + 64 ||
      std::memcmp(bytes.data() + bytes.size() - 8, kTrailerMagic, 8) != 0)
    return "not a .aimodel bundle (no trailer)";
  uint8_t trailer[kTrailerSize];
  std::memcpy(trailer, bytes.data() + bytes.size() - kTrailerSize,
              kTrailerSize);
  uint64_t oldBlock = loadLE64(trailer + 16);
  if (oldBlock != 0 && oldBlock != kSignatureBlockSize)
    return "the trailer's signature field is neither 0 nor " +
           std::to_string(kSignatureBlockSize) + ": the bundle is corrupt";
  if (bytes.size() < kTrailerSize + oldBlock)
    return "the bundle is truncated";
  uint64_t blockOffset = bytes.size() - kTrailerSize - oldBlock;
  storeLE64(trailer + 16, kSignatureBlockSize);

  uint8_t block[kSignatureBlockSize] = {};
  std::memcpy(block, kSignatureMagic, 8);
  // The public key is the secret key's second half (libsodium's layout).
  std::memcpy(block + 8, key.data() + 32, 32);
  crypto_sign_state state;
  hashMessage(state, bytes.data(), blockOffset, trailer);
  if (crypto_sign_final_create(&state, block + 40, nullptr, key.data()) != 0)
    return "signing failed";
  bytes.resize(blockOffset);
  bytes.insert(bytes.end(), block, block + kSignatureBlockSize);
  bytes.insert(bytes.end(), trailer, trailer + kTrailerSize);
  return "";
#else
  (void)bytes, (void)key;
  return "this build of coreai cannot sign (it was built without libsodium)";
#endif
}

} // namespace coreai::bundle

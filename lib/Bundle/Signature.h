//===- Signature.h - ed25519 signatures of .aimodel bundles ---------------===//
//
// A signed bundle has a signature block between its segment area and its
// trailer, and the trailer's third field (reserved, 0 in unsigned bundles)
// holds the block's size:
//
//   [metadata][segments][signature block, 128 bytes][trailer, 32 bytes]
//   block: "AIMDSIG1", the signer's ed25519 public key (32), the signature
//          (64), 24 zero bytes
//
// The signature is Ed25519ph (libsodium's crypto_sign_init/update/final)
// over "coreai-bundle-signature-v1", every byte before the block and the
// trailer's first 24 bytes. It covers the bytes themselves, not the XXH64
// hashes the format keeps for accidents: XXH64 is not collision resistant,
// so a signature over it would not stop a crafted replacement segment.
//
// Signatures need libsodium (COREAI_HAVE_SODIUM); a build without it reads
// signed bundles but cannot verify them (SignatureStatus::Unverifiable),
// which every trust policy but allow-unsigned refuses.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_SIGNATURE_H
#define COREAI_BUNDLE_SIGNATURE_H

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace coreai::bundle {

constexpr uint64_t kSignatureBlockSize = 128;
constexpr char kSignatureMagic[8] = {'A', 'I', 'M', 'D', 'S', 'I', 'G', '1'};

using PublicKey = std::array<uint8_t, 32>;
using SignatureBytes = std::array<uint8_t, 64>;
/// libsodium's ed25519 secret key: the seed, then the public key.
using SecretKey = std::array<uint8_t, 64>;

enum class SignatureStatus {
  Unsigned,     // no signature block
  Valid,        // the signature verifies with the block's public key
  Invalid,      // it does not: the bytes were changed after signing
  Unverifiable, // this build has no ed25519 (no libsodium)
};

/// Whether this build can sign and verify.
bool signaturesSupported();

/// Verifies a signature block at `blockOffset` of `data` (a bundle of `size`
/// bytes whose layout was already checked).
SignatureStatus verifySignature(const uint8_t *data, uint64_t size,
                                uint64_t blockOffset, const PublicKey &key,
                                const SignatureBytes &signature);

/// A new key pair. False when signatures are not supported.
bool generateKeyPair(SecretKey &secret, PublicKey &publicKey);

/// The first 8 bytes of a public key in hex: how messages name a signer.
std::string keyId(const PublicKey &key);

/// Key files: "coreai-secret-key-v1 HEX\n" (the 64-byte secret key) and
/// "coreai-public-key-v1 HEX\n" (32 bytes). Parsing returns an empty string
/// or what is wrong.
std::string formatSecretKey(const SecretKey &key);
std::string formatPublicKey(const PublicKey &key);
std::string parseSecretKey(const std::string &text, SecretKey &key);
std::string parsePublicKey(const std::string &text, PublicKey &key);

/// Signs a serialized bundle in place: drops a signature block it has and
/// appends a new one. Returns an empty string, or what is wrong (not a
/// bundle's layout, no signature support).
std::string signBundleBytes(std::vector<uint8_t> &bytes, const SecretKey &key);

} // namespace coreai::bundle

#endif // COREAI_BUNDLE_SIGNATURE_H

//===- Trust.h - Which bundles' code a specialization runs ----------------===//
//
// A bundle carries native code (CPU shared objects) that the runtime maps
// and executes. coreai-build can sign a bundle (coreai-build keygen, compile
// --sign, sign); an app chooses whose signatures it trusts and what runs
// without one. docs/security.md states the whole trust model.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TRUST_H
#define COREAI_TRUST_H

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace coreai::runtime {

/// What specialization runs, by who signed the bundle. Whatever the policy,
/// a signature that does not verify (the bundle changed after signing) is
/// refused.
enum class TrustPolicy {
  /// Development (the default): unsigned bundles, and bundles signed by a
  /// key not in SpecializationOptions::trustedKeys, run like signed ones.
  AllowUnsigned,
  /// Only bundles signed by a trusted key: anything else is refused before
  /// any of its executables is loaded.
  RequireSignature,
  /// Bundles signed by a trusted key run whole; others run only what the
  /// runtime checks rather than executes natively (GPU SPIR-V, validated by
  /// the driver; engine command streams, interpreted): their CPU code is
  /// refused, so a function needs a schedule without CPU steps.
  NoUnsignedNativeCode,
};

/// An ed25519 public key, as `coreai-build keygen` writes it to KEY.pub.
struct TrustedKey {
  std::array<uint8_t, 32> bytes{};
  std::string origin; // the file it was read from, for messages
};

/// Reads a KEY.pub file. Throws AssetError (NotFound, InvalidArgument).
TrustedKey readTrustedKey(const std::string &path);

/// The keys in the trust directories, every `*.pub` file in: each folder of
/// $COREAI_TRUSTED_KEYS_PATH (colon-separated) when it is set, else
/// $XDG_CONFIG_HOME/coreai/trusted-keys (or ~/.config/coreai/trusted-keys)
/// and /etc/coreai/trusted-keys. Missing folders are skipped; a malformed
/// key file throws AssetError naming it.
std::vector<TrustedKey> defaultTrustedKeys();

/// "allow-unsigned", "require-signature", "no-unsigned-native-code".
const char *trustPolicyName(TrustPolicy policy);

} // namespace coreai::runtime

#endif // COREAI_TRUST_H

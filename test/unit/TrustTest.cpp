//===- TrustTest.cpp - Signed bundles and the trust policy ----------------===//
//
// The attacker's edit, as the trust model must stop it: a signed bundle
// whose CPU executable was replaced and whose hashes were re-sealed (here:
// the replacement serialized afresh, so every hash is right, with the
// original signature block put back) is refused before the replacement's
// code can run, under every policy; a bundle signed by a trusted key runs;
// one flipped bit of a signed bundle is caught.
//
//===----------------------------------------------------------------------===//
#include "coreai/Executors.h"
#include "coreai/ModelAsset.h"
#include "lib/Bundle/BundleFormat.h"
#include "lib/Bundle/BundleReader.h"
#include "lib/Bundle/Signature.h"
#include "test/unit/TestUtil.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <sys/stat.h>

using namespace coreai;
using namespace coreai::runtime;
using coreai::test::TempDir;

namespace {

struct KeyPair {
  bundle::SecretKey secret;
  TrustedKey trusted;
};

KeyPair newKeys() {
  KeyPair k;
  REQUIRE(bundle::generateKeyPair(k.secret, k.trusted.bytes));
  k.trusted.origin = "test";
  return k;
}

std::vector<uint8_t> signedKernelBundle(const std::string &kernel,
                                        const KeyPair &keys) {
  std::vector<uint8_t> bytes =
      bundle::serializeBundle(test::kernelContents(kernel));
  REQUIRE(bundle::signBundleBytes(bytes, keys.secret) == "");
  return bytes;
}

/// Specializes the bundle at `path` under `policy`; the AssetError's code
/// and message, or Code::Internal and "" when it specialized.
std::pair<AssetError::Code, std::string>
trySpecialize(const std::string &path, TrustPolicy policy,
              std::vector<TrustedKey> keys) {
  registerCpuExecutor();
  SpecializationOptions options;
  options.allowedUnits = {ComputeUnit::CPU};
  options.trust = policy;
  options.trustedKeys = std::move(keys);
  try {
    ModelAsset::open(path).specialize(options);
    return {AssetError::Code::Internal, ""};
  } catch (const AssetError &e) {
    return {e.code(), e.message()};
  }
}

bool exists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

} // namespace

// Built with libsodium (lib/Bundle/CMakeLists.txt), as every build that
// runs CI is; without it, signing is refused and these cannot run.
#if COREAI_TEST_SIGNATURES
TEST_CASE("signing is supported", "[trust]") {
  CHECK(bundle::signaturesSupported());
}

TEST_CASE("a signed bundle verifies and runs under require-signature",
          "[trust]") {
  TempDir dir;
  KeyPair keys = newKeys();
  std::string path = dir.file("signed.aimodel");
  test::writeFileBytes(path, signedKernelBundle(COREAI_TEST_KERNEL, keys));
  bundle::ReadError error;
  auto file = bundle::BundleFile::open(path, error);
  REQUIRE(file);
  REQUIRE(file->signature());
  CHECK(file->signature()->signer == keys.trusted.bytes);
  CHECK(file->signatureStatus() == bundle::SignatureStatus::Valid);

  auto [code, message] =
      trySpecialize(path, TrustPolicy::RequireSignature, {keys.trusted});
  CHECK(message == "");
  // Signing twice replaces the signature: still one block, still valid.
  std::vector<uint8_t> twice = test::readFileBytes(path);
  size_t once = twice.size();
  KeyPair other = newKeys();
  REQUIRE(bundle::signBundleBytes(twice, other.secret) == "");
  CHECK(twice.size() == once);
  test::writeFileBytes(path, twice);
  CHECK(trySpecialize(path, TrustPolicy::RequireSignature, {other.trusted})
            .second == "");
  // By a key that is not trusted: refused, naming the key.
  std::tie(code, message) =
      trySpecialize(path, TrustPolicy::RequireSignature, {keys.trusted});
  CHECK(code == AssetError::Code::Untrusted);
  CHECK(message == "the bundle is signed by key " +
                       bundle::keyId(other.trusted.bytes) +
                       ", which is not among the 1 trusted keys (trust "
                       "policy require-signature)");
}

#endif // COREAI_TEST_SIGNATURES

TEST_CASE("unsigned bundles under each policy", "[trust]") {
  TempDir dir;
  std::string path = dir.file("unsigned.aimodel");
  REQUIRE(bundle::writeBundle(test::kernelContents(COREAI_TEST_KERNEL), path) ==
          "");
  CHECK(trySpecialize(path, TrustPolicy::AllowUnsigned, {}).second == "");
  auto [code, message] = trySpecialize(path, TrustPolicy::RequireSignature, {});
  CHECK(code == AssetError::Code::Untrusted);
  CHECK(message == "the bundle is not signed (trust policy require-signature)");
  // Its only code is native: nothing to run without it.
  std::tie(code, message) =
      trySpecialize(path, TrustPolicy::NoUnsignedNativeCode, {});
  CHECK(code == AssetError::Code::Untrusted);
  CHECK(message.find("needs the bundle's CPU code") != std::string::npos);
}

#if COREAI_TEST_SIGNATURES
TEST_CASE("a replaced executable in a re-sealed signed bundle never runs",
          "[trust]") {
  TempDir dir;
  KeyPair keys = newKeys();
  std::vector<uint8_t> good = signedKernelBundle(COREAI_TEST_KERNEL, keys);
  // The attacker's bundle: the marker kernel in place of the real one,
  // every hash right, the original signature block copied in.
  std::vector<uint8_t> evil =
      bundle::serializeBundle(test::kernelContents(COREAI_TEST_KERNEL_MARKER));
  const uint64_t block = bundle::kSignatureBlockSize;
  std::vector<uint8_t> sigBlock(good.end() - bundle::kTrailerSize - block,
                                good.end() - bundle::kTrailerSize);
  evil.insert(evil.end() - bundle::kTrailerSize, sigBlock.begin(),
              sigBlock.end());
  bundle::storeLE64(evil.data() + evil.size() - bundle::kTrailerSize + 16,
                    block);
  std::string path = dir.file("evil.aimodel");
  test::writeFileBytes(path, evil);

  // Structurally whole, so it opens; its signature does not verify.
  bundle::ReadError error;
  auto file = bundle::BundleFile::open(path, error);
  REQUIRE(file);
  CHECK(file->signatureStatus() == bundle::SignatureStatus::Invalid);

  std::string marker = dir.file("constructor-ran");
  ::setenv("COREAI_TEST_MARKER", marker.c_str(), 1);
  for (TrustPolicy policy :
       {TrustPolicy::RequireSignature, TrustPolicy::NoUnsignedNativeCode,
        TrustPolicy::AllowUnsigned}) {
    auto [code, message] = trySpecialize(path, policy, {keys.trusted});
    CHECK(code == AssetError::Code::Untrusted);
    CHECK(message == "the bundle's signature (key " +
                         bundle::keyId(keys.trusted.bytes) +
                         ") does not match its contents: it was changed "
                         "after signing");
  }
  CHECK_FALSE(exists(marker));
  // The marker works: the same kernel unsigned under allow-unsigned runs
  // its constructor.
  std::string plain = dir.file("plain.aimodel");
  REQUIRE(bundle::writeBundle(test::kernelContents(COREAI_TEST_KERNEL_MARKER),
                              plain) == "");
  CHECK(trySpecialize(plain, TrustPolicy::AllowUnsigned, {}).second == "");
  CHECK(exists(marker));
  ::unsetenv("COREAI_TEST_MARKER");
}

TEST_CASE("every flipped bit of a signed bundle's signature is caught",
          "[trust]") {
  KeyPair keys = newKeys();
  std::vector<uint8_t> good = signedKernelBundle(COREAI_TEST_KERNEL, keys);
  // The signature block and the trailer: what the segment and metadata
  // hashes do not cover (flips elsewhere are the corruption tests').
  size_t first =
      good.size() - bundle::kTrailerSize - bundle::kSignatureBlockSize;
  int refusedAtOpen = 0, invalid = 0;
  for (size_t byte = first; byte < good.size(); ++byte)
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> b = good;
      b[byte] ^= uint8_t(1u << bit);
      bundle::ReadError error;
      auto file = bundle::BundleFile::fromBytes(std::move(b), error);
      if (!file) {
        ++refusedAtOpen;
        continue;
      }
      // Opened: the flip is in the key or the signature, which must then
      // fail to verify.
      REQUIRE(file->signatureStatus() == bundle::SignatureStatus::Invalid);
      ++invalid;
    }
  CHECK(invalid == (32 + 64) * 8);
  CHECK(refusedAtOpen + invalid ==
        int(bundle::kSignatureBlockSize + bundle::kTrailerSize) * 8);
}

#endif // COREAI_TEST_SIGNATURES

TEST_CASE("key files round-trip and malformed ones are named", "[trust]") {
  KeyPair keys;
  for (size_t i = 0; i < keys.secret.size(); ++i)
    keys.secret[i] = uint8_t(i * 7);
  for (size_t i = 0; i < keys.trusted.bytes.size(); ++i)
    keys.trusted.bytes[i] = uint8_t(255 - i);
  bundle::SecretKey secret;
  bundle::PublicKey pub;
  CHECK(bundle::parseSecretKey(bundle::formatSecretKey(keys.secret), secret) ==
        "");
  CHECK(secret == keys.secret);
  // A comment may follow the key on its line.
  std::string line = bundle::formatPublicKey(keys.trusted.bytes);
  line.pop_back();
  CHECK(bundle::parsePublicKey(line + " alice@example.com\n", pub) == "");
  CHECK(pub == keys.trusted.bytes);
  CHECK(bundle::keyId(pub) == "fffefdfcfbfaf9f8");
  CHECK(bundle::parsePublicKey("ssh-ed25519 AAAA", pub) ==
        "not a coreai public key file (it must start with "
        "'coreai-public-key-v1')");
  CHECK(bundle::parsePublicKey("coreai-public-key-v1 00ff", pub) ==
        "the public key must be 64 hex digits");
  CHECK(bundle::parseSecretKey(bundle::formatPublicKey(pub), secret)
            .find("not a coreai secret key file") == 0);

  TempDir dir;
  test::writeFileBytes(dir.file("bad.pub"), {'x', '\n'});
  try {
    readTrustedKey(dir.file("bad.pub"));
    FAIL("a malformed key was read");
  } catch (const AssetError &e) {
    CHECK(e.code() == AssetError::Code::InvalidArgument);
    CHECK(e.message() == dir.file("bad.pub") +
                             ": not a coreai public key file (it must start "
                             "with 'coreai-public-key-v1')");
  }
  // The trust directories: every *.pub of each folder in the path.
  std::string keysDir = dir.file("keys");
  ::mkdir(keysDir.c_str(), 0755);
  std::string text = bundle::formatPublicKey(keys.trusted.bytes);
  test::writeFileBytes(keysDir + "/a.pub",
                       std::vector<uint8_t>(text.begin(), text.end()));
  test::writeFileBytes(keysDir + "/notes.txt", {'x'});
  ::setenv("COREAI_TRUSTED_KEYS_PATH", (keysDir + ":/nonexistent").c_str(), 1);
  std::vector<TrustedKey> found = defaultTrustedKeys();
  ::unsetenv("COREAI_TRUSTED_KEYS_PATH");
  REQUIRE(found.size() == 1);
  CHECK(found[0].bytes == keys.trusted.bytes);
  CHECK(found[0].origin == keysDir + "/a.pub");
}

//===- Signing.h - coreai-build keygen, sign and compile --sign -----------===//
//
// The compiler's side of signed bundles (lib/Bundle/Signature.h,
// docs/security.md): a key pair in two files (KEY secret, KEY.pub public),
// and signing a bundle as it is written or afterwards.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_COREAI_BUILD_SIGNING_H
#define COREAI_TOOLS_COREAI_BUILD_SIGNING_H

#include "lib/Bundle/Signature.h"

#include <string>

namespace coreai {

/// A failure of a signing command: the file it concerns and why.
struct SigningError {
  std::string file, message;
};

/// coreai-build keygen -o KEY: writes KEY (mode 0600) and KEY.pub; refuses
/// to replace either unless `force`. Prints the key's id.
SigningError generateKeyFiles(const std::string &keyPath, bool force);

/// Reads a secret key file (KEY, as keygen writes it).
SigningError readSecretKeyFile(const std::string &path, bundle::SecretKey &key);

/// coreai-build sign BUNDLE --key KEY [-o OUT]: checks that BUNDLE is a
/// whole bundle, then writes it signed to OUT (default: in place).
SigningError signBundleFile(const std::string &bundlePath,
                            const std::string &keyPath,
                            const std::string &outputPath);

} // namespace coreai

#endif // COREAI_TOOLS_COREAI_BUILD_SIGNING_H

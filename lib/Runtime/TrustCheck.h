//===- TrustCheck.h - The trust policy applied at specialization ----------===//
#ifndef COREAI_LIB_RUNTIME_TRUSTCHECK_H
#define COREAI_LIB_RUNTIME_TRUSTCHECK_H

#include "coreai/ModelAsset.h"
#include "lib/Bundle/BundleReader.h"

namespace coreai::runtime {

/// Applies options.trust to `file` before anything of it is loaded: throws
/// AssetError (Untrusted) when the policy refuses the bundle. Returns
/// whether a trusted key signed it (NoUnsignedNativeCode then allows its
/// CPU code).
bool checkTrust(const bundle::BundleFile &file,
                const SpecializationOptions &options);

} // namespace coreai::runtime

#endif // COREAI_LIB_RUNTIME_TRUSTCHECK_H

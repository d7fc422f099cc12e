//===- BundleFormat.h - Constants of the .aimodel file layout -------------===//
//
// Shared by the writer and the reader so the two cannot drift apart. The
// layout itself is described in docs/bundle-format.md.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_BUNDLEFORMAT_H
#define COREAI_BUNDLE_BUNDLEFORMAT_H

#include <cstdint>

namespace coreai::bundle {

constexpr uint32_t kFormatMajor = 1;
constexpr uint32_t kFormatMinor = 5;

/// Segments (and the segment area) start at multiples of this, which is a
/// cache line and enough for any SIMD load of constants used in place.
constexpr uint64_t kSegmentAlignment = 64;

/// Fixed trailer at the very end of the file:
///   u64 metadata_size, u64 metadata_hash, u64 signature block size (0 or
///   kSignatureBlockSize, Signature.h), "AIMDTAIL".
constexpr uint64_t kTrailerSize = 32;
constexpr char kTrailerMagic[8] = {'A', 'I', 'M', 'D', 'T', 'A', 'I', 'L'};

/// FlatBuffers buffers must be smaller than 2 GiB - 1; weights live in
/// segments, so only the table of contents is bound by this.
constexpr uint64_t kMaxMetadataSize = (1ULL << 31) - 2;

/// The trailer's fields are little-endian on every host.
inline uint64_t loadLE64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}
inline void storeLE64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = static_cast<uint8_t>(v >> (8 * i));
}

inline uint64_t alignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

} // namespace coreai::bundle

#endif // COREAI_BUNDLE_BUNDLEFORMAT_H

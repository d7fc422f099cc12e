//===- Hash.h - The content hash of .aimodel bundles ----------------------===//
//
// A fast 64-bit non-cryptographic hash (the XXH64 algorithm, seed 0), used for
// the metadata and every segment of a bundle. It guards against corruption,
// not against tampering. XXH64 was chosen because it runs at memory speed, is
// well studied, and anyone can check a bundle with an off-the-shelf xxhash
// tool; and because every step of it is a bijection of the running state for
// fixed input, a change confined to one 32-byte stripe or the tail (in
// particular any single flipped bit) always changes the result.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_HASH_H
#define COREAI_BUNDLE_HASH_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace coreai::bundle {

/// XXH64 of `size` bytes at `data` with the given seed.
uint64_t hash64(const void *data, size_t size, uint64_t seed = 0);

/// `size` bytes as lowercase hex, two digits each in order (key files, key
/// ids, device cache keys).
std::string hexBytes(const uint8_t *bytes, size_t size);

} // namespace coreai::bundle

#endif // COREAI_BUNDLE_HASH_H

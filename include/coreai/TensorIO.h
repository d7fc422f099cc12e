//===- TensorIO.h - Tensors from and to .npy and ONNX TensorProto files ---===//
//
// The file formats tools exchange tensors in: numpy's .npy (versions 1-3,
// little-endian, C order) and ONNX's serialized TensorProto (.pb, as in the
// ONNX backend test data). The TensorProto parser reads the protobuf wire
// format directly, so the runtime needs no protobuf library.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TENSORIO_H
#define COREAI_TENSORIO_H

#include "coreai/NDArray.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace coreai::runtime {

/// A file that cannot be read or written. The message names the problem, not
/// the file (the caller prefixes the path), e.g.
/// "truncated .npy data (expected 256 bytes, got 100)".
class TensorFileError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Parses a .npy file's bytes.
NDArray parseNpy(const uint8_t *data, size_t size);
/// Parses a serialized onnx.TensorProto; `name` (optional) receives its name.
NDArray parseTensorProto(const uint8_t *data, size_t size,
                         std::string *name = nullptr);
/// Reads a .npy or .pb file (recognized by the .npy magic, not the name).
NDArray readTensorFile(const std::string &path, std::string *name = nullptr);

/// The .npy (version 1.0) encoding of `array`. Throws for bfloat16, which
/// numpy has no type for.
std::vector<uint8_t> encodeNpy(const NDArray &array);
/// Writes `array` as .npy atomically (temporary file, then rename).
void writeNpy(const std::string &path, const NDArray &array);

} // namespace coreai::runtime

#endif // COREAI_TENSORIO_H

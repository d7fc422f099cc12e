//===- FuzzTensorFiles.cpp - libFuzzer: .npy and TensorProto readers ------===//
//
// Any bytes as a .npy file and as an ONNX TensorProto: a tensor or a
// TensorFileError, nothing else.
//
//===----------------------------------------------------------------------===//
#include "coreai/TensorIO.h"

#include <cstdint>

using namespace coreai::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  try {
    parseNpy(data, size);
  } catch (const TensorFileError &) {
  }
  try {
    parseTensorProto(data, size);
  } catch (const TensorFileError &) {
  }
  return 0;
}

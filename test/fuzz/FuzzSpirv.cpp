//===- FuzzSpirv.cpp - libFuzzer: the GPU kernels' SPIR-V interface -------===//
//
// Any bytes as a SPIR-V module with a GLCompute entry point "main": its
// buffers read (the container, decorations, types, stores), then checked
// against a step's bindings. An interface or an AssetError, nothing else;
// the driver is never called.
//
//===----------------------------------------------------------------------===//
#include "coreai/AssetError.h"
#include "lib/Runtime/GPU/SpirvInterface.h"

#include <cstdint>
#include <cstring>
#include <vector>

using namespace coreai::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<uint32_t> words(size / 4);
  if (!words.empty())
    std::memcpy(words.data(), data, words.size() * 4);
  spirv::Interface interface;
  try {
    interface = spirv::readInterface(words.data(), words.size(), "main", "k");
  } catch (const AssetError &) {
    return 0;
  }
  // A step binding an input, a constant, an output and scratch.
  const std::vector<BoundBuffer> bound = {{4000, false, true, "input"},
                                          {80, false, true, "constant"},
                                          {4000, true, true, "output"},
                                          {256, true, false, "scratch"}};
  try {
    spirv::checkBindings(interface, bound, "k");
  } catch (const AssetError &) {
  }
  return 0;
}

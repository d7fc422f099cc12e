//===- EngineDescription.h - A neural engine, as described in JSON --------===//
//
// targets/ane/*.json describe the modeled engines: their compute array, SRAM,
// DMA and the ops they take with their limits. The compiler checks ops and
// tiles layers against a description; the simulator's cycle model times
// layers with it.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_ANE_ENGINEDESCRIPTION_H
#define COREAI_RUNTIME_ANE_ENGINEDESCRIPTION_H

#include <cstdint>
#include <map>
#include <string>

namespace coreai::runtime::ane {

/// The limits of one op kind ("conv", "max_pool", ...); 0 = no limit.
struct OpLimits {
  int64_t maxKernel = 0;
  int64_t maxStride = 0;
  int64_t maxDilation = 0;
  int64_t tableEntries = 0; // table-driven activations: entries
  int64_t maxAxisDim = 0;   // softmax: longest axis
};

struct EngineDescription {
  std::string name;
  int64_t cores = 0;
  int64_t macsPerCorePerCycle = 0;
  double clockMHz = 0;
  int64_t sramBytes = 0;
  int64_t dmaBytesPerCycle = 0;
  int64_t rowAlignmentBytes = 64;
  int64_t layerOverheadCycles = 0;
  bool fp32Accumulator = true; // "accumulator": "fp32" or "fp16"
  int64_t maxRank = 4;
  int64_t maxDim = 0;
  std::map<std::string, OpLimits> ops; // supported ops

  bool supports(const std::string &op) const { return ops.count(op) != 0; }
};

/// Parses a description (the JSON text of targets/ane/NAME.json). On
/// failure returns false and sets `error` to one line naming the field.
bool parseEngineDescription(const std::string &json, EngineDescription &out,
                            std::string &error);

} // namespace coreai::runtime::ane

#endif // COREAI_RUNTIME_ANE_ENGINEDESCRIPTION_H

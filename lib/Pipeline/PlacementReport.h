//===- PlacementReport.h - Where every op of a model went, and why --------===//
//
// What `coreai-build compile --report FILE.json` writes: every graph op
// after the graph passes (each naming the source nodes it stands for, so a
// node fused or folded into another op is listed inside it), the unit it
// runs on in the function's first schedule, why each other unit of --target
// refused it, and the cost model's estimate on every unit that can run it;
// the partitions (runs of ops on one unit) with their estimated time; and
// the memory of each function's schedules.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_PIPELINE_PLACEMENTREPORT_H
#define COREAI_LIB_PIPELINE_PLACEMENTREPORT_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace coreai {

struct PlacementReport {
  struct Op {
    std::string function;
    std::string op;     // e.g. "aigraph.conv"
    std::string source; // e.g. "conv1 (Conv, opset 17); relu1 (Relu, ...)"
    std::string unit;   // "cpu", "gpu", "ane"
    std::vector<std::pair<std::string, std::string>> refused; // unit, reason
    std::vector<std::pair<std::string, double>> estimatedUs;  // unit, time
    std::string location; // the exporter's source location ("net.py:42")
    std::vector<uint32_t> inputs; // earlier ops of the function it reads
    double flops = 0;             // floating-point operations of one run
  };
  struct Partition {
    std::string function;
    std::string unit;
    size_t ops = 0;
    double estimatedUs = 0;
  };
  struct Schedule {
    std::string function;
    std::vector<std::string> units; // what its steps run on
    size_t steps = 0;
    uint64_t inputBytes = 0, outputBytes = 0, constantBytes = 0,
             scratchBytes = 0;
  };
  std::string strategy; // "cost" or "preference"
  std::vector<Op> ops;
  std::vector<Partition> partitions;
  std::vector<Schedule> schedules;
  /// Sum of the partitions' estimates plus the unit switches, per function.
  std::vector<std::pair<std::string, double>> estimatedUs;
};

} // namespace coreai

#endif // COREAI_LIB_PIPELINE_PLACEMENTREPORT_H

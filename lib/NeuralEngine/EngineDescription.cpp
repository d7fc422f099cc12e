//===- EngineDescription.cpp - Parse targets/ane/*.json -------------------===//
#include "lib/NeuralEngine/EngineDescription.h"

#include <nlohmann/json.hpp>

namespace coreai::runtime::ane {

bool parseEngineDescription(const std::string &text, EngineDescription &out,
                            std::string &error) {
  nlohmann::json j =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    error = "not a JSON object";
    return false;
  }
  auto positive = [&](const char *key, int64_t &field) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer() || it->get<int64_t>() <= 0) {
      error = std::string("'") + key + "' must be a positive integer";
      return false;
    }
    field = it->get<int64_t>();
    return true;
  };
  EngineDescription d;
  if (!j.contains("name") || !j["name"].is_string() ||
      j["name"].get<std::string>().empty()) {
    error = "'name' must be a non-empty string";
    return false;
  }
  d.name = j["name"].get<std::string>();
  if (!positive("cores", d.cores) ||
      !positive("macs_per_core_per_cycle", d.macsPerCorePerCycle) ||
      !positive("sram_bytes", d.sramBytes) ||
      !positive("dma_bytes_per_cycle", d.dmaBytesPerCycle) ||
      !positive("row_alignment_bytes", d.rowAlignmentBytes) ||
      !positive("max_rank", d.maxRank) || !positive("max_dim", d.maxDim))
    return false;
  if (!j.contains("clock_mhz") || !j["clock_mhz"].is_number() ||
      j["clock_mhz"].get<double>() <= 0) {
    error = "'clock_mhz' must be a positive number";
    return false;
  }
  d.clockMHz = j["clock_mhz"].get<double>();
  if (j.contains("layer_overhead_cycles")) {
    if (!j["layer_overhead_cycles"].is_number_integer() ||
        j["layer_overhead_cycles"].get<int64_t>() < 0) {
      error = "'layer_overhead_cycles' must be a non-negative integer";
      return false;
    }
    d.layerOverheadCycles = j["layer_overhead_cycles"].get<int64_t>();
  }
  std::string acc = "fp32";
  if (j.contains("accumulator")) {
    if (!j["accumulator"].is_string()) {
      error = "'accumulator' must be \"fp32\" or \"fp16\"";
      return false;
    }
    acc = j["accumulator"].get<std::string>();
  }
  if (acc != "fp32" && acc != "fp16") {
    error = "'accumulator' must be \"fp32\" or \"fp16\"";
    return false;
  }
  d.fp32Accumulator = acc == "fp32";
  if (!j.contains("ops") || !j["ops"].is_object()) {
    error = "'ops' must be an object of op names";
    return false;
  }
  for (auto &[name, limits] : j["ops"].items()) {
    if (!limits.is_object()) {
      error = "ops." + name + " must be an object";
      return false;
    }
    OpLimits l;
    for (auto [key, field] :
         {std::pair<const char *, int64_t *>{"max_kernel", &l.maxKernel},
          {"max_stride", &l.maxStride},
          {"max_dilation", &l.maxDilation},
          {"table_entries", &l.tableEntries},
          {"max_axis_dim", &l.maxAxisDim}}) {
      if (!limits.contains(key))
        continue;
      if (!limits[key].is_number_integer() || limits[key].get<int64_t>() <= 0) {
        error = "ops." + name + "." + key + " must be a positive integer";
        return false;
      }
      *field = limits[key].get<int64_t>();
    }
    d.ops[name] = l;
  }
  out = std::move(d);
  return true;
}

} // namespace coreai::runtime::ane

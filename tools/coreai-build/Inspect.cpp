//===- Inspect.cpp --------------------------------------------------------===//
#include "Inspect.h"

#include "lib/Bundle/BundleReader.h"
#include "lib/Bundle/Shape.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <set>

namespace coreai {
namespace {

using nlohmann::ordered_json;

std::string hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)v);
  return buf;
}

std::string megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f MB", bytes / 1e6);
  return buf;
}

/// The source nodes a step lists ("conv1 (Conv, opset 17); relu1 (Relu,
/// opset 17); ... (3 more)"): each node as "name (Type", and how many more
/// it counts without listing them.
struct StepSources {
  std::vector<std::pair<std::string, std::string>> nodes; // (node, op type)
  size_t unlisted = 0;
};

StepSources sourcesOf(const std::string &source) {
  StepSources out;
  for (size_t start = 0; start < source.size();) {
    size_t end = source.find("; ", start);
    std::string node = source.substr(start, end - start);
    start = end == std::string::npos ? source.size() : end + 2;
    unsigned long long more = 0;
    if (std::sscanf(node.c_str(), "... (%llu more)", &more) == 1) {
      out.unlisted += more;
      continue;
    }
    size_t open = node.rfind(" (");
    if (open == std::string::npos)
      continue;
    size_t close = node.find_first_of(",)", open + 2);
    out.nodes.push_back(
        {node.substr(0, close), node.substr(open + 2, close - open - 2)});
  }
  return out;
}

ordered_json tensorJson(const bundle::TensorDesc &t) {
  ordered_json j = {
      {"name", t.name}, {"dtype", dtypeName(t.dtype)}, {"shape", t.shape}};
  if (!t.dimNames.empty())
    j["dim_names"] = t.dimNames;
  if (t.runtimeShapeFrom >= 0) { // its shape is the bound
    j["runtime_shape_from"] = t.runtimeShapeFrom;
    j["runtime_reshape"] = t.runtimeReshape;
  }
  if (t.image) // the reader checked the shape: [N, H, W, bytes per pixel]
    j["image"] = {{"format", t.image->format}, {"width", t.shape[2]},
                  {"height", t.shape[1]},      {"mean", t.image->mean},
                  {"std", t.image->std},       {"scale", t.image->scale}};
  return j;
}

/// One schedule of a function: steps and source nodes by unit.
struct Placement {
  std::map<std::string, size_t> steps; // unit -> steps
  // unit -> op type -> source nodes (each counted once per unit)
  std::map<std::string, std::map<std::string, size_t>> ops;
  std::map<std::string, size_t> unlisted; // unit -> nodes not named
  size_t slots = 0;
  uint64_t scratchBytes = 0;
};

Placement placementOf(const bundle::ScheduleData &s) {
  Placement p;
  p.slots = s.slots.size();
  for (const bundle::SlotData &slot : s.slots)
    if (slot.kind == bundle::SlotKind::Scratch)
      p.scratchBytes += slot.size;
  std::map<std::string, std::set<std::string>> seen; // unit -> nodes
  for (const bundle::StepData &step : s.steps) {
    ++p.steps[step.unit];
    StepSources sources = sourcesOf(step.source);
    for (const auto &[node, type] : sources.nodes)
      if (seen[step.unit].insert(node).second)
        ++p.ops[step.unit][type];
    if (sources.unlisted)
      p.unlisted[step.unit] += sources.unlisted;
  }
  return p;
}

ordered_json inspectJson(const std::string &path,
                         const bundle::BundleFile &file) {
  const bundle::BundleMetadata &m = file.metadata();
  ordered_json j;
  j["path"] = path;
  j["format"] =
      std::to_string(m.formatMajor) + "." + std::to_string(m.formatMinor);
  j["bytes"] = file.size();
  j["content_hash"] = hex16(file.contentHash());
  j["model"] = m.name;
  j["producer"] = m.producer;
  j["source_hash"] = m.sourceHash;
  j["compile_options"] = m.compileOptions;
  // Whether the signature verifies; whether its signer is trusted is the
  // runtime's policy (docs/security.md).
  if (const bundle::BundleFile::Signature *sig = file.signature()) {
    bundle::SignatureStatus status = file.signatureStatus();
    j["signature"] = {{"signer", bundle::keyId(sig->signer)},
                      {"status", status == bundle::SignatureStatus::Valid
                                     ? "valid"
                                 : status == bundle::SignatureStatus::Invalid
                                     ? "invalid"
                                     : "unverifiable"}};
  } else {
    j["signature"] = nullptr;
  }
  j["functions"] = ordered_json::array();
  for (const bundle::FunctionInfo &fn : file.functions()) {
    ordered_json f;
    f["name"] = fn.name;
    if (!fn.variantOf.empty()) // enumerated shapes
      f["variant_of"] = fn.variantOf;
    f["inputs"] = ordered_json::array();
    for (const bundle::TensorDesc &t : fn.inputs)
      f["inputs"].push_back(tensorJson(t));
    f["outputs"] = ordered_json::array();
    for (const bundle::TensorDesc &t : fn.outputs)
      f["outputs"].push_back(tensorJson(t));
    if (!fn.states.empty()) { // --state
      f["states"] = ordered_json::array();
      for (const bundle::StatePair &sp : fn.states)
        f["states"].push_back({{"name", fn.inputs[sp.input].name},
                               {"input", sp.input},
                               {"output", sp.output}});
    }
    // Best first, as the runtime tries them; the whole function is the
    // CPU's last resort.
    f["schedules"] = ordered_json::array();
    for (const bundle::ScheduleData &schedule : fn.schedule) {
      Placement p = placementOf(schedule);
      ordered_json placement;
      placement["slots"] = p.slots;
      placement["scratch_bytes"] = p.scratchBytes;
      placement["steps"] = p.steps;
      placement["source_ops"] = p.ops;
      placement["unlisted_source_nodes"] = p.unlisted;
      f["schedules"].push_back(std::move(placement));
    }
    j["functions"].push_back(std::move(f));
  }
  j["executables"] = ordered_json::array();
  for (size_t i = 0; i < file.executables().size(); ++i) {
    const bundle::ExecutableInfo &exe = file.executables()[i];
    j["executables"].push_back({{"index", i},
                                {"unit", exe.unit},
                                {"arch", exe.arch},
                                {"format", exe.format},
                                {"bytes", file.segments()[exe.segment].size},
                                {"needs", exe.needs}});
  }
  uint64_t constantBytes = 0;
  for (const bundle::ConstantInfo &c : file.constants())
    constantBytes += file.segments()[c.segment].size;
  j["constants"] = {{"count", file.constants().size()},
                    {"bytes", constantBytes}};
  return j;
}

void printText(const ordered_json &j) {
  std::cout << j["path"].get<std::string>() << ": bundle format "
            << j["format"].get<std::string>() << ", "
            << megabytes(j["bytes"].get<uint64_t>()) << ", content hash "
            << j["content_hash"].get<std::string>() << "\n";
  std::cout << "model: " << j["model"].get<std::string>() << "\n"
            << "producer: " << j["producer"].get<std::string>() << "\n"
            << "source hash: " << j["source_hash"].get<std::string>() << "\n"
            << "compile options: " << j["compile_options"].get<std::string>()
            << "\n";
  if (j["signature"].is_null())
    std::cout << "signature: none (unsigned)\n";
  else
    std::cout << "signature: key "
              << j["signature"]["signer"].get<std::string>() << ", "
              << j["signature"]["status"].get<std::string>() << "\n";
  for (const ordered_json &f : j["functions"]) {
    std::cout << "function '" << f["name"].get<std::string>() << "'";
    if (f.contains("variant_of"))
      std::cout << ": shape variant of '" << f["variant_of"].get<std::string>()
                << "'";
    std::cout << "\n";
    auto tensors = [](const char *what, const ordered_json &list) {
      size_t i = 0;
      for (const ordered_json &t : list) {
        std::cout << "  " << what << " " << i++ << " '"
                  << t["name"].get<std::string>()
                  << "': " << t["dtype"].get<std::string>() << " "
                  << bundle::formatShape(
                         t["shape"].get<std::vector<int64_t>>());
        if (t.contains("dim_names")) {
          // "N = 8" for each dim the source left symbolic.
          std::vector<int64_t> shape = t["shape"].get<std::vector<int64_t>>();
          std::string bound;
          for (size_t d = 0; d < shape.size(); ++d) {
            std::string name = t["dim_names"][d].get<std::string>();
            if (!name.empty())
              bound += (bound.empty() ? "" : ", ") + name + " = " +
                       std::to_string(shape[d]);
          }
          std::cout << " (bound: " << bound << ")";
        }
        if (t.contains("runtime_shape_from"))
          std::cout << (t["runtime_reshape"].get<bool>()
                            ? ", reshaped at run time"
                            : " at most, shape decided at run time")
                    << " (extents in output "
                    << t["runtime_shape_from"].get<int32_t>() << ")";
        if (t.contains("image")) {
          const ordered_json &im = t["image"];
          std::cout << ", image " << im["format"].get<std::string>() << " "
                    << im["width"].get<int64_t>() << "x"
                    << im["height"].get<int64_t>() << ", (pixel * "
                    << im["scale"].get<double>() << " - mean " << im["mean"]
                    << ") / std " << im["std"];
        }
        std::cout << "\n";
      }
    };
    tensors("input", f["inputs"]);
    tensors("output", f["outputs"]);
    if (f.contains("states"))
      for (const ordered_json &st : f["states"])
        std::cout << "  state '" << st["name"].get<std::string>() << "': input "
                  << st["input"].get<uint32_t>() << ", next value from output "
                  << st["output"].get<uint32_t>() << "\n";
    if (f["schedules"].empty())
      std::cout << "  runs whole on the CPU\n";
    size_t k = 0;
    for (const ordered_json &p : f["schedules"]) {
      std::cout << "  schedule " << k++ << ": ";
      bool first = true;
      for (const auto &[unit, n] : p["steps"].items()) {
        std::cout << (first ? "" : ", ") << n.get<size_t>() << " " << unit;
        first = false;
      }
      std::cout << " steps over " << p["slots"].get<size_t>() << " slots ("
                << megabytes(p["scratch_bytes"].get<uint64_t>())
                << " scratch)\n";
      for (const auto &[unit, ops] : p["source_ops"].items()) {
        std::cout << "    source nodes on " << unit << ":";
        first = true;
        for (const auto &[op, n] : ops.items()) {
          std::cout << (first ? " " : ", ") << op << " x" << n.get<size_t>();
          first = false;
        }
        if (p["unlisted_source_nodes"].contains(unit))
          std::cout << " and " << p["unlisted_source_nodes"][unit].get<size_t>()
                    << " more";
        std::cout << "\n";
      }
    }
  }
  // Executables of one kind together (a GPU bundle has one SPIR-V module
  // per kernel); --json lists each.
  std::cout << "executables:\n";
  std::map<std::string, std::pair<size_t, uint64_t>> kinds; // count, bytes
  std::vector<std::string> order;
  for (const ordered_json &e : j["executables"]) {
    std::string kind = e["unit"].get<std::string>() + " " +
                       e["arch"].get<std::string>() + " " +
                       e["format"].get<std::string>();
    std::string needs;
    for (const ordered_json &n : e["needs"])
      needs += (needs.empty() ? "" : ",") + n.get<std::string>();
    if (!needs.empty())
      kind += " (needs " + needs + ")";
    if (!kinds.count(kind))
      order.push_back(kind);
    auto &[count, bytes] = kinds[kind];
    ++count;
    bytes += e["bytes"].get<uint64_t>();
  }
  for (const std::string &kind : order)
    std::cout << "  " << kind << ": " << kinds[kind].first
              << (kinds[kind].first == 1 ? " module, " : " modules, ")
              << kinds[kind].second << " bytes\n";
  std::cout << "constants: " << j["constants"]["count"].get<size_t>() << " ("
            << megabytes(j["constants"]["bytes"].get<uint64_t>()) << ")\n";
}

} // namespace

int inspectBundle(const std::string &path, bool json) {
  bundle::ReadError error;
  std::unique_ptr<bundle::BundleFile> file =
      bundle::BundleFile::open(path, error);
  if (!file) {
    std::cerr << path << ": error: " << error.message << "\n";
    return 1;
  }
  ordered_json j = inspectJson(path, *file);
  if (json)
    std::cout << j.dump(1) << "\n";
  else
    printText(j);
  return 0;
}

} // namespace coreai

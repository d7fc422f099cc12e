//===- TensorDump.cpp - Intermediate tensors by source node ---------------===//
#include "TensorDump.h"

#include "coreai/TensorIO.h"
#include "lib/Bundle/BundleReader.h"
#include "lib/Bundle/SourceNodes.h"
#include "tools/coreai-run/ToolOptions.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

using namespace coreai;
using namespace coreai::runtime;

namespace {
/// A node name as a file name: letters, digits, '.', '_' and '-' kept.
std::string fileStem(const std::string &node) {
  std::string s;
  for (char c : node)
    s += std::isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-'
             ? c
             : '_';
  if (s.empty() || s[0] == '.')
    s = "_" + s;
  return s;
}

} // namespace

std::vector<run::IntermediateTensor>
run::runDebugFunction(const ModelAsset &asset, const Model &model,
                      const std::string &function,
                      const std::vector<NDArray> &inputs) {
  // The suffix coreai-build gives the copy (lib/Import/Import.h).
  std::string debugName = function + ".debug";
  std::vector<std::string> names = model.functionNames();
  if (std::find(names.begin(), names.end(), debugName) == names.end())
    throw AssetError(
        AssetError::Code::NotFound,
        "the bundle keeps no intermediate tensors of '" + function +
            "': compile it with --debug-tensors all (or NODE,...)");
  InferenceFunction fn = model.function(debugName);
  size_t first = model.function(function).descriptor().outputs.size();
  std::vector<NDArray> outputs;
  std::vector<TraceEvent> trace;
  fn.run(inputs, outputs, &trace);
  // Which unit ran each node: the trace names the source nodes of every
  // dispatch.
  std::map<std::string, std::string> unitOf;
  for (const TraceEvent &e : trace)
    for (const bundle::SourceNode &n : bundle::parseSourceNodes(e.source))
      unitOf.emplace(n.node, e.unit);
  // Where each node came from in the exporter's program: the debug table.
  std::map<std::string, std::string> locationOf;
  for (const bundle::FunctionInfo &f : asset.bundle().functions())
    if (f.name == debugName)
      locationOf = bundle::sourceLocations(f.debug);

  std::vector<IntermediateTensor> tensors;
  const FunctionDescriptor &desc = fn.descriptor();
  for (size_t k = first; k < outputs.size(); ++k) {
    // "NODE (OpType): VALUE"
    const std::string &label = desc.outputs[k].name;
    IntermediateTensor t{label, "", "", "", outputs[k], ""};
    size_t close = label.find("): ");
    size_t open = close == std::string::npos ? close : label.rfind(" (", close);
    if (open != std::string::npos) {
      t.node = label.substr(0, open);
      t.opType = label.substr(open + 2, close - open - 2);
      t.value = label.substr(close + 3);
    }
    auto unit = unitOf.find(t.node);
    if (unit != unitOf.end())
      t.unit = unit->second;
    auto location = locationOf.find(t.node);
    if (location != locationOf.end())
      t.location = location->second;
    tensors.push_back(std::move(t));
  }
  return tensors;
}

void run::writeIntermediateTensors(
    const std::vector<IntermediateTensor> &tensors, const std::string &dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error(dir +
                             ": cannot create directory: " + ec.message());
  nlohmann::ordered_json index = nlohmann::json::array();
  std::set<std::string> used;
  for (const IntermediateTensor &t : tensors) {
    std::string stem = fileStem(t.node), file = stem + ".npy";
    for (int n = 1; used.count(file); ++n)
      file = stem + "." + std::to_string(n) + ".npy";
    used.insert(file);
    std::string path = (std::filesystem::path(dir) / file).string();
    try {
      writeNpy(path, t.array);
    } catch (const TensorFileError &e) {
      throw std::runtime_error(path + ": " + e.what());
    }
    nlohmann::ordered_json entry;
    entry["node"] = t.node;
    entry["op_type"] = t.opType;
    entry["output"] = t.value;
    entry["dtype"] = dtypeName(t.array.dtype());
    entry["shape"] = t.array.shape();
    entry["unit"] = t.unit.empty() ? nlohmann::json() : nlohmann::json(t.unit);
    entry["source"] =
        t.location.empty() ? nlohmann::json() : nlohmann::json(t.location);
    entry["file"] = file;
    index.push_back(entry);
  }
  std::string indexPath = (std::filesystem::path(dir) / "index.json").string();
  std::ofstream out(indexPath);
  // Node names come from the model and need not be UTF-8.
  out << index.dump(1, ' ', false, nlohmann::json::error_handler_t::replace)
      << "\n";
  if (!out)
    throw std::runtime_error(indexPath + ": cannot write the index");
}

std::vector<run::IntermediateTensor>
run::readIntermediateTensors(const std::string &dir) {
  std::string indexPath = (std::filesystem::path(dir) / "index.json").string();
  std::ifstream in(indexPath);
  if (!in)
    throw std::runtime_error(indexPath + ": cannot open (not a folder "
                                         "written by --dump-tensors?)");
  nlohmann::json index = nlohmann::json::parse(in, nullptr, false);
  if (!index.is_array())
    throw std::runtime_error(indexPath + ": not a --dump-tensors index");
  std::vector<IntermediateTensor> tensors;
  for (const nlohmann::json &entry : index) {
    auto text = [&](const char *key) {
      const nlohmann::json *v =
          entry.is_object() && entry.contains(key) ? &entry[key] : nullptr;
      return v && v->is_string() ? v->get<std::string>() : std::string();
    };
    std::string file = text("file");
    // Only plain names: the index must not point outside its folder.
    if (file.empty() || file.find('/') != std::string::npos || file == "..")
      throw std::runtime_error(indexPath + ": an entry names no file");
    std::string path = (std::filesystem::path(dir) / file).string();
    IntermediateTensor t{text("node"), text("op_type"), text("output"),
                         text("unit"), NDArray(),       text("source")};
    try {
      t.array = readTensorFile(path);
    } catch (const TensorFileError &e) {
      throw std::runtime_error(path + ": " + e.what());
    }
    tensors.push_back(std::move(t));
  }
  return tensors;
}

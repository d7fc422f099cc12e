//===- TensorDump.cpp - Intermediate tensors by source node ---------------===//
#include "TensorDump.h"

#include "coreai/TensorIO.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
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

size_t coreai::run::dumpIntermediateTensors(const Model &model,
                                            const std::string &function,
                                            const std::vector<NDArray> &inputs,
                                            const std::string &dir) {
  // The suffix coreai-build gives the copy (lib/Import/Import.h).
  std::string debugName = function + ".debug";
  std::vector<std::string> names = model.functionNames();
  if (std::find(names.begin(), names.end(), debugName) == names.end())
    throw AssetError(
        AssetError::Code::NotFound,
        "the bundle keeps no intermediate tensors of '" + function +
            "': compile it with --debug-tensors all (or NODE,...)");
  InferenceFunction fn = model.function(debugName);
  InferenceFunction main = model.function(function);
  size_t first = main.descriptor().outputs.size();
  std::vector<NDArray> outputs = fn.run(inputs);

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw std::runtime_error(dir +
                             ": cannot create directory: " + ec.message());
  nlohmann::ordered_json index = nlohmann::json::array();
  std::set<std::string> used;
  const FunctionDescriptor &desc = fn.descriptor();
  for (size_t k = first; k < outputs.size(); ++k) {
    // "NODE (OpType): VALUE"
    const std::string &label = desc.outputs[k].name;
    size_t open = label.rfind(" (", label.find("): "));
    size_t close = label.find("): ");
    std::string node = label, op, value;
    if (open != std::string::npos && close != std::string::npos &&
        open < close) {
      node = label.substr(0, open);
      op = label.substr(open + 2, close - open - 2);
      value = label.substr(close + 3);
    }
    std::string stem = fileStem(node), file = stem + ".npy";
    for (int n = 1; used.count(file); ++n)
      file = stem + "." + std::to_string(n) + ".npy";
    used.insert(file);
    std::string path = (std::filesystem::path(dir) / file).string();
    try {
      writeNpy(path, outputs[k]);
    } catch (const TensorFileError &e) {
      throw std::runtime_error(path + ": " + e.what());
    }
    nlohmann::ordered_json entry;
    entry["node"] = node;
    entry["op_type"] = op;
    entry["output"] = value;
    entry["dtype"] = dtypeName(outputs[k].dtype());
    entry["shape"] = outputs[k].shape();
    entry["file"] = file;
    index.push_back(entry);
  }
  std::string indexPath = (std::filesystem::path(dir) / "index.json").string();
  std::ofstream out(indexPath);
  out << index.dump(1) << "\n";
  if (!out)
    throw std::runtime_error(indexPath + ": cannot write the index");
  return outputs.size() - first;
}

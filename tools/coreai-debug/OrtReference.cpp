//===- OrtReference.cpp - ONNX Runtime's intermediates as a reference -----===//
#include "OrtReference.h"

#include "lib/Import/OnnxNodeName.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

std::string coreai::debug::runOrtReference(const OrtOptions &options,
                                           const std::string &outDir) {
  onnx::ModelProto model;
  {
    std::ifstream in(options.model, std::ios::binary);
    if (!in || !model.ParseFromIstream(&in))
      return options.model + ": cannot read an ONNX model";
  }
  // Every node output becomes a graph output (ORT infers their types),
  // listed in graph order for the folder's index.
  onnx::GraphProto *graph = model.mutable_graph();
  std::set<std::string> named;
  for (const auto &v : graph->output())
    named.insert(v.name());
  nlohmann::ordered_json values = nlohmann::json::array();
  for (int i = 0; i < graph->node_size(); ++i) {
    const onnx::NodeProto &n = graph->node(i);
    for (const std::string &out : n.output()) {
      if (out.empty())
        continue;
      values.push_back({{"output", out},
                        {"node", onnxNodeName(n, i)},
                        {"op_type", n.op_type()}});
      if (named.insert(out).second)
        graph->add_output()->set_name(out);
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(outDir, ec);
  if (ec)
    return outDir + ": cannot create directory: " + ec.message();
  std::string exposed =
      (std::filesystem::path(outDir) / "exposed.onnx").string();
  std::string valuesPath =
      (std::filesystem::path(outDir) / "values.json").string();
  {
    std::ofstream out(exposed, std::ios::binary);
    if (!model.SerializeToOstream(&out))
      return exposed + ": cannot write";
    std::ofstream json(valuesPath);
    json << values.dump(-1, ' ', false,
                        nlohmann::json::error_handler_t::replace);
    if (!json)
      return valuesPath + ": cannot write";
  }
  // External data stays where the model's locations say: beside the
  // original, so the rewritten model is read from there.
  std::filesystem::path modelDir =
      std::filesystem::absolute(options.model).parent_path();
  std::string placed = (modelDir / ".coreai-debug-exposed.onnx").string();
  bool external = false;
  for (const auto &t : graph->initializer())
    external |= t.data_location() == onnx::TensorProto::EXTERNAL;
  if (external) {
    std::filesystem::copy_file(
        exposed, placed, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec)
      return placed + ": cannot write: " + ec.message();
    exposed = placed;
  }

  std::vector<std::string> args = {
      "node",  options.script, "--ort-dir", options.ortDir, "--model",
      exposed, "--values",     valuesPath,  "--out",        outDir};
  for (const std::string &in : options.inputs) {
    args.push_back("--input");
    args.push_back(in);
  }
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, "node", nullptr, nullptr, argv.data(), environ);
  if (rc != 0)
    return "cannot run node (Node.js, for ONNX Runtime): " +
           std::string(std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (external)
    std::filesystem::remove(placed, ec);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return "ONNX Runtime did not run the model (scripts/onnx-reference.js "
           "failed, see above)";
  return "";
}

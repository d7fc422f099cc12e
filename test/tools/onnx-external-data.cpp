//===- onnx-external-data.cpp - Move ONNX initializers to a data file -----===//
//
// A test-only stand-in for onnx.external_data_helper (Python's onnx package
// is not a dependency): rewrites a model so that its initializers, and
// those of its subgraphs, keep their bytes in one external file, as ONNX
// stores models over 2 GB.
//
//   onnx-external-data IN.onnx -o OUT.onnx [options]
//     --min-size N        move only tensors of at least N bytes (default 0)
//     --location LOC      the location written into the model (default
//                         "<stem of OUT>.data")
//     --data-file PATH    where the data is written (default: LOC in OUT's
//                         folder); with a bad --location, the data can
//                         still be written somewhere real
//     --attributes        also move the tensors of Constant nodes
//     --omit-length       write no "length" entries (valid only for the
//                         last tensor of the file)
//     --truncate-data N   drop the last N bytes of the data file, so that
//                         the last tensor runs past its end
//
// Tensors are written at offsets aligned to 16 bytes, little-endian, as in
// raw_data. Typed fields (float_data, int32_data...) are converted to raw
// bytes; string tensors stay in the model.
//
//===----------------------------------------------------------------------===//
#include "onnx/onnx_pb.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

namespace {

struct Options {
  std::string input, output, location, dataFile;
  uint64_t minSize = 0;
  uint64_t truncate = 0;
  bool attributes = false;
  bool omitLength = false;
};

[[noreturn]] void fail(const std::string &message) {
  std::cerr << "onnx-external-data: error: " << message << "\n";
  std::exit(1);
}

template <typename T> void append(std::string &out, T v) {
  // Little-endian hosts only, like the importer's raw_data path.
  out.append(reinterpret_cast<const char *>(&v), sizeof(T));
}

/// The tensor's data as raw little-endian bytes, or nothing when it has no
/// raw form (strings, or already external).
std::optional<std::string> rawBytes(const onnx::TensorProto &t) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL ||
      t.data_type() == onnx::TensorProto::STRING)
    return std::nullopt;
  if (t.has_raw_data())
    return t.raw_data();
  std::string out;
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    for (float v : t.float_data())
      append(out, v);
    return out;
  case onnx::TensorProto::DOUBLE:
    for (double v : t.double_data())
      append(out, v);
    return out;
  case onnx::TensorProto::INT64:
    for (int64_t v : t.int64_data())
      append(out, v);
    return out;
  case onnx::TensorProto::UINT64:
    for (uint64_t v : t.uint64_data())
      append(out, v);
    return out;
  case onnx::TensorProto::UINT32:
    for (uint64_t v : t.uint64_data())
      append(out, static_cast<uint32_t>(v));
    return out;
  case onnx::TensorProto::INT32:
    for (int32_t v : t.int32_data())
      append(out, v);
    return out;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    for (int32_t v : t.int32_data())
      append(out, static_cast<uint16_t>(v));
    return out;
  default:
    // int8, uint8, bool, 8-bit floats and packed 4- and 2-bit types: one
    // byte per int32_data entry.
    for (int32_t v : t.int32_data())
      append(out, static_cast<uint8_t>(v));
    return out;
  }
}

struct Writer {
  const Options &opts;
  std::string data;

  void move(onnx::TensorProto &t) {
    std::optional<std::string> raw = rawBytes(t);
    if (!raw || raw->size() < opts.minSize)
      return;
    data.resize((data.size() + 15) / 16 * 16, '\0');
    uint64_t offset = data.size();
    data += *raw;
    t.clear_raw_data();
    t.clear_float_data();
    t.clear_double_data();
    t.clear_int32_data();
    t.clear_int64_data();
    t.clear_uint64_data();
    t.set_data_location(onnx::TensorProto::EXTERNAL);
    auto entry = [&](const std::string &key, const std::string &value) {
      auto *kv = t.add_external_data();
      kv->set_key(key);
      kv->set_value(value);
    };
    entry("location", opts.location);
    entry("offset", std::to_string(offset));
    if (!opts.omitLength)
      entry("length", std::to_string(raw->size()));
  }

  void graph(onnx::GraphProto &g) {
    for (auto &t : *g.mutable_initializer())
      move(t);
    for (auto &n : *g.mutable_node()) {
      for (auto &a : *n.mutable_attribute()) {
        if (a.has_g())
          graph(*a.mutable_g());
        for (auto &sub : *a.mutable_graphs())
          graph(sub);
        if (opts.attributes && n.op_type() == "Constant" && a.has_t())
          move(*a.mutable_t());
      }
    }
  }
};

uint64_t number(const char *flag, const char *text) {
  char *end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (!*text || *end || errno || text[0] == '-')
    fail(std::string(flag) + " expects a non-negative integer, got '" + text +
         "'");
  return v;
}

Options parse(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char * {
      if (i + 1 >= argc)
        fail(arg + " expects a value");
      return argv[++i];
    };
    if (arg == "-o")
      o.output = value();
    else if (arg == "--min-size")
      o.minSize = number("--min-size", value());
    else if (arg == "--location")
      o.location = value();
    else if (arg == "--data-file")
      o.dataFile = value();
    else if (arg == "--truncate-data")
      o.truncate = number("--truncate-data", value());
    else if (arg == "--attributes")
      o.attributes = true;
    else if (arg == "--omit-length")
      o.omitLength = true;
    else if (!arg.empty() && arg[0] == '-')
      fail("unknown option '" + arg + "'");
    else if (o.input.empty())
      o.input = arg;
    else
      fail("more than one input model");
  }
  if (o.input.empty() || o.output.empty())
    fail("usage: onnx-external-data IN.onnx -o OUT.onnx [--min-size N] "
         "[--location LOC] [--data-file PATH] [--attributes] "
         "[--omit-length] [--truncate-data N]");
  std::filesystem::path out(o.output);
  if (o.location.empty())
    o.location = out.stem().string() + ".data";
  if (o.dataFile.empty())
    o.dataFile = (out.parent_path() / o.location).string();
  return o;
}

} // namespace

int main(int argc, char **argv) {
  Options opts = parse(argc, argv);

  std::ifstream in(opts.input, std::ios::binary);
  if (!in)
    fail("cannot open '" + opts.input + "'");
  std::stringstream bytes;
  bytes << in.rdbuf();
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes.str()))
    fail("'" + opts.input + "' is not an ONNX model");

  Writer writer{opts, {}};
  writer.graph(*model.mutable_graph());
  if (opts.truncate > writer.data.size())
    fail("--truncate-data " + std::to_string(opts.truncate) +
         " is more than the " + std::to_string(writer.data.size()) +
         " bytes of data");
  writer.data.resize(writer.data.size() - opts.truncate);

  std::ofstream data(opts.dataFile, std::ios::binary | std::ios::trunc);
  if (!data.write(writer.data.data(), writer.data.size()) || !data.flush())
    fail("cannot write '" + opts.dataFile + "'");
  std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
  if (!model.SerializeToOstream(&out) || !out.flush())
    fail("cannot write '" + opts.output + "'");
  return 0;
}

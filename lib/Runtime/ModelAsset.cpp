//===- ModelAsset.cpp - Opening bundles -----------------------------------===//
#include "coreai/ModelAsset.h"

#include "lib/Runtime/ModelState.h"
#include "lib/Runtime/Timing.h"

#include <algorithm>

namespace coreai::runtime {
namespace {

AssetError::Code toCode(bundle::ReadErrorKind kind) {
  switch (kind) {
  case bundle::ReadErrorKind::NotFound: return AssetError::Code::NotFound;
  case bundle::ReadErrorKind::IO: return AssetError::Code::Internal;
  case bundle::ReadErrorKind::Corrupt: return AssetError::Code::Corrupt;
  case bundle::ReadErrorKind::Unsupported:
    return AssetError::Code::Unsupported;
  }
  return AssetError::Code::Internal;
}

std::shared_ptr<const AssetState>
makeState(std::unique_ptr<bundle::BundleFile> file,
          const bundle::ReadError &error, const std::string &path,
          Stopwatch watch) {
  if (!file)
    throw AssetError(toCode(error.kind), error.message);
  auto state = std::make_shared<AssetState>();
  state->file = std::move(file);
  state->path = path;
  state->openMillis = watch.millis();
  return state;
}

const bundle::FunctionInfo &findFunction(const bundle::BundleFile &file,
                                         const std::string &name) {
  if (const bundle::FunctionInfo *f = file.findFunction(name))
    return *f;
  std::string known;
  for (const bundle::FunctionInfo &f : file.functions())
    if (f.variantOf.empty())
      known += (known.empty() ? "'" : ", '") + f.name + "'";
  throw AssetError(AssetError::Code::NotFound,
                   "no function '" + name + "' in the bundle (it has " +
                       (known.empty() ? "none" : known) + ")");
}

} // namespace

namespace {
/// Which outputs of `function` hold another output's run-time extents.
std::vector<bool> extentsOutputs(const bundle::FunctionInfo &function) {
  std::vector<bool> extents(function.outputs.size());
  for (const bundle::TensorDesc &t : function.outputs)
    if (t.runtimeShapeFrom >= 0) // checked to be an output by the reader
      extents[t.runtimeShapeFrom] = true;
  return extents;
}
} // namespace

void describeFunction(const bundle::BundleFile &file,
                      const bundle::FunctionInfo &function, FunctionState &fs) {
  fs.descriptor = describe(file, function);
  std::vector<bool> extents = extentsOutputs(function);
  if (std::find(extents.begin(), extents.end(), true) == extents.end())
    return;
  for (size_t o = 0; o < function.outputs.size(); ++o) {
    const bundle::TensorDesc &t = function.outputs[o];
    fs.kernelOutputs.push_back({t.name, t.dtype, t.shape, std::nullopt, {}});
    if (!extents[o]) {
      fs.outputOf.push_back(o);
      fs.extentsOf.push_back(t.runtimeShapeFrom);
      fs.reshapedOf.push_back(t.runtimeReshape);
    }
  }
}

FunctionDescriptor describe(const bundle::BundleFile &file,
                            const bundle::FunctionInfo &function) {
  FunctionDescriptor d;
  d.name = function.name;
  for (const bundle::TensorDesc &t : function.inputs) {
    TensorDescriptor input{t.name, t.dtype, t.shape, std::nullopt, t.dimNames};
    if (t.image) // the reader checked the shape: [N, H, W, bytes per pixel]
      input.image =
          ImageDescriptor{t.image->format, t.shape[2],   t.shape[1],
                          t.image->mean,   t.image->std, t.image->scale};
    d.inputs.push_back(std::move(input));
  }
  std::vector<bool> extents = extentsOutputs(function);
  for (size_t o = 0; o < function.outputs.size(); ++o) {
    const bundle::TensorDesc &t = function.outputs[o];
    if (!extents[o])
      d.outputs.push_back({t.name,
                           t.dtype,
                           t.shape,
                           std::nullopt,
                           {},
                           t.runtimeShapeFrom >= 0,
                           t.runtimeReshape});
  }
  // Variants follow their function (the reader checked it).
  for (const bundle::FunctionInfo &f : file.functions()) {
    if (&f != &function && f.variantOf != function.name)
      continue;
    ShapeVariant v;
    for (const bundle::TensorDesc &t : f.inputs)
      v.inputs.push_back(t.shape);
    std::vector<bool> variantExtents = extentsOutputs(f);
    for (size_t o = 0; o < f.outputs.size(); ++o)
      if (!variantExtents[o])
        v.outputs.push_back(f.outputs[o].shape);
    d.shapeVariants.push_back(std::move(v));
  }
  if (d.shapeVariants.size() == 1)
    d.shapeVariants.clear();
  // The reader checked the pairs (StateCheck.h) and that every variant
  // keeps the same state at the same shapes.
  for (const bundle::StatePair &s : function.states) {
    const bundle::TensorDesc &t = function.inputs[s.input];
    d.states.push_back({t.name, s.input, s.output, t.dtype, t.shape});
  }
  return d;
}

ModelAsset ModelAsset::open(const std::string &path) {
  Stopwatch watch;
  bundle::ReadError error;
  auto file = bundle::BundleFile::open(path, error);
  return ModelAsset(makeState(std::move(file), error, path, watch));
}

ModelAsset ModelAsset::fromBytes(std::vector<uint8_t> bytes,
                                 const std::string &label) {
  Stopwatch watch;
  bundle::ReadError error;
  auto file = bundle::BundleFile::fromBytes(std::move(bytes), error);
  return ModelAsset(makeState(std::move(file), error, label, watch));
}

ModelAsset ModelAsset::openMemory(const void *data, size_t size,
                                  const std::string &label) {
  Stopwatch watch;
  bundle::ReadError error;
  if (!data && size)
    throw AssetError(AssetError::Code::InvalidArgument,
                     label + ": openMemory got a null pointer");
  auto file = bundle::BundleFile::fromMemory(static_cast<const uint8_t *>(data),
                                             size, error);
  return ModelAsset(makeState(std::move(file), error, label, watch));
}

const std::string &ModelAsset::path() const { return state_->path; }
std::string ModelAsset::name() const {
  return state_->file->metadata().name;
}
std::string ModelAsset::producer() const {
  return state_->file->metadata().producer;
}
std::string ModelAsset::sourceHash() const {
  return state_->file->metadata().sourceHash;
}
std::string ModelAsset::compileOptions() const {
  return state_->file->metadata().compileOptions;
}
uint64_t ModelAsset::contentHash() const {
  return state_->file->contentHash();
}
double ModelAsset::openMillis() const { return state_->openMillis; }
const bundle::BundleFile &ModelAsset::bundle() const { return *state_->file; }

std::vector<std::string> ModelAsset::functionNames() const {
  std::vector<std::string> names;
  for (const bundle::FunctionInfo &f : state_->file->functions())
    if (f.variantOf.empty()) // a shape variant is part of its function
      names.push_back(f.name);
  return names;
}

FunctionDescriptor
ModelAsset::functionDescriptor(const std::string &name) const {
  return describe(*state_->file, findFunction(*state_->file, name));
}

} // namespace coreai::runtime

//===- BundleWriter.cpp - Writes .aimodel bundles -------------------------===//
//
// Writing happens in two steps: plan() decides the whole layout (metadata
// FlatBuffer, segment offsets, hashes, trailer) without copying any payload,
// then either serializeBundle() assembles it in memory or writeBundle()
// streams it to disk. Both emit the same bytes, and the plan depends only on
// the contents, so equal contents give byte-identical files.
//
//===----------------------------------------------------------------------===//
#include "lib/Bundle/BundleWriter.h"
#include "lib/Bundle/OutputShapeCheck.h"
#include "lib/Bundle/ScheduleCheck.h"
#include "lib/Bundle/ShapeVariantCheck.h"
#include "lib/Bundle/StateCheck.h"

#include "coreai/schemas/aimodel_generated.h"
#include "lib/Bundle/BundleFormat.h"
#include "lib/Bundle/Hash.h"
#include "lib/Bundle/Shape.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <unistd.h>
#include <unordered_map>

namespace coreai::bundle {
namespace {

struct SegmentPlan {
  const uint8_t *data;
  uint64_t size;
  uint64_t offset; // relative to the segment area
  uint64_t hash;
};

struct Plan {
  std::vector<uint8_t> metadata; // the finished FlatBuffer
  std::vector<SegmentPlan> segments;
  uint64_t areaOffset = 0; // file offset of the segment area
  uint64_t areaSize = 0;
  uint8_t trailer[kTrailerSize] = {};

  uint64_t fileSize() const { return areaOffset + areaSize + kTrailerSize; }
};

using FbTensorDescs = flatbuffers::Offset<
    flatbuffers::Vector<flatbuffers::Offset<fb::TensorDesc>>>;

FbTensorDescs buildTensorDescs(flatbuffers::FlatBufferBuilder &fbb,
                               const std::vector<TensorDesc> &descs) {
  std::vector<flatbuffers::Offset<fb::TensorDesc>> out;
  out.reserve(descs.size());
  for (const TensorDesc &d : descs) {
    flatbuffers::Offset<fb::Image> image = 0;
    if (d.image)
      image = fb::CreateImage(fbb, fbb.CreateString(d.image->format),
                              fbb.CreateVector(d.image->mean),
                              fbb.CreateVector(d.image->std), d.image->scale);
    flatbuffers::Offset<
        flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>>
        dimNames = 0;
    if (!d.dimNames.empty())
      dimNames = fbb.CreateVectorOfStrings(d.dimNames);
    out.push_back(fb::CreateTensorDesc(
        fbb, fbb.CreateString(d.name), static_cast<uint8_t>(d.dtype),
        fbb.CreateVector(d.shape), image, dimNames, d.runtimeShapeFrom,
        d.runtimeReshape));
  }
  return fbb.CreateVector(out);
}

/// Places constants (deduplicated by content, first occurrence wins) and then
/// executables into segments. Returns, per constant, its segment index.
std::vector<uint32_t> placeSegments(const BundleContents &contents,
                                    std::vector<SegmentPlan> &segments) {
  uint64_t cursor = 0;
  auto add = [&](const std::vector<uint8_t> &bytes, uint64_t hash) {
    cursor = alignUp(cursor, kSegmentAlignment);
    segments.push_back({bytes.data(), bytes.size(), cursor, hash});
    cursor += bytes.size();
    return static_cast<uint32_t>(segments.size() - 1);
  };

  std::vector<uint32_t> constantSegment;
  std::unordered_map<uint64_t, std::vector<uint32_t>> byHash;
  for (const ConstantData &c : contents.constants) {
    uint64_t h = hash64(c.bytes.data(), c.bytes.size());
    uint32_t found = UINT32_MAX;
    for (uint32_t seg : byHash[h]) {
      const SegmentPlan &s = segments[seg];
      if (s.size == c.bytes.size() &&
          (s.size == 0 || std::memcmp(s.data, c.bytes.data(), s.size) == 0)) {
        found = seg;
        break;
      }
    }
    if (found == UINT32_MAX) {
      found = add(c.bytes, h);
      byHash[h].push_back(found);
    }
    constantSegment.push_back(found);
  }
  for (const ExecutableData &e : contents.executables)
    add(e.bytes, hash64(e.bytes.data(), e.bytes.size()));
  return constantSegment;
}

Plan plan(const BundleContents &contents) {
  Plan p;
  std::vector<uint32_t> constantSegment = placeSegments(contents, p.segments);
  uint64_t end = 0;
  for (const SegmentPlan &s : p.segments)
    end = std::max(end, s.offset + s.size);
  p.areaSize = alignUp(end, kSegmentAlignment);

  flatbuffers::FlatBufferBuilder fbb(4096);
  auto metadata = fb::CreateMetadata(fbb, fbb.CreateString(contents.modelName),
                                     fbb.CreateString(contents.producer),
                                     fbb.CreateString(contents.sourceHash),
                                     fbb.CreateString(contents.compileOptions));

  std::vector<flatbuffers::Offset<fb::Function>> functions;
  for (const FunctionData &f : contents.functions) {
    std::vector<flatbuffers::Offset<fb::DebugEntry>> debug;
    for (const DebugEntry &d : f.debug) {
      std::vector<flatbuffers::Offset<flatbuffers::String>> refused;
      for (const std::string &r : d.refused)
        refused.push_back(fbb.CreateString(r));
      debug.push_back(fb::CreateDebugEntry(
          fbb, fbb.CreateString(d.op), fbb.CreateString(d.source),
          fbb.CreateString(d.location), fbb.CreateString(d.unit),
          fbb.CreateVector(d.inputs), d.flops, d.estimatedUs,
          fbb.CreateVector(refused)));
    }
    auto name = fbb.CreateString(f.name);
    auto inputs = buildTensorDescs(fbb, f.inputs);
    auto outputs = buildTensorDescs(fbb, f.outputs);
    auto entry = fbb.CreateString(f.entrySymbol);
    auto constants = fbb.CreateVector(f.constants);
    auto debugVec = fbb.CreateVector(debug);
    std::vector<flatbuffers::Offset<fb::Schedule>> schedules;
    for (const ScheduleData &sd : f.schedule) {
      std::vector<flatbuffers::Offset<fb::Slot>> slots;
      for (const SlotData &slot : sd.slots)
        slots.push_back(fb::CreateSlot(fbb, static_cast<uint8_t>(slot.kind),
                                       slot.index, slot.size));
      std::vector<flatbuffers::Offset<fb::Step>> steps;
      for (const StepData &st : sd.steps)
        steps.push_back(fb::CreateStep(
            fbb, fbb.CreateString(st.unit), st.executable,
            fbb.CreateString(st.entry), fbb.CreateVector(st.args),
            fbb.CreateVector(st.groups), fbb.CreateString(st.source)));
      schedules.push_back(fb::CreateSchedule(fbb, fbb.CreateVector(slots),
                                             fbb.CreateVector(steps)));
    }
    // The first schedule where format 1.1 readers look for it; the others
    // (format 1.2) after it.
    flatbuffers::Offset<fb::Schedule> schedule =
        schedules.empty() ? 0 : schedules.front();
    flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::Schedule>>>
        alternatives = 0;
    if (schedules.size() > 1)
      alternatives =
          fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Schedule>>(
              schedules.begin() + 1, schedules.end()));
    auto variantOf = f.variantOf.empty() ? 0 : fbb.CreateString(f.variantOf);
    flatbuffers::Offset<flatbuffers::Vector<const fb::StateBinding *>> states =
        0;
    if (!f.states.empty()) {
      std::vector<fb::StateBinding> bindings;
      for (const StatePair &sp : f.states)
        bindings.emplace_back(sp.input, sp.output);
      states = fbb.CreateVectorOfStructs(bindings);
    }
    functions.push_back(fb::CreateFunction(
        fbb, name, inputs, outputs, f.executable, entry, constants, debugVec,
        schedule, alternatives, variantOf, states));
  }

  std::vector<flatbuffers::Offset<fb::Constant>> constants;
  for (size_t i = 0; i < contents.constants.size(); ++i) {
    const ConstantData &c = contents.constants[i];
    constants.push_back(fb::CreateConstant(fbb, static_cast<uint8_t>(c.dtype),
                                           fbb.CreateVector(c.shape),
                                           constantSegment[i]));
  }

  std::vector<flatbuffers::Offset<fb::Executable>> executables;
  for (size_t i = 0; i < contents.executables.size(); ++i) {
    const ExecutableData &e = contents.executables[i];
    // Executables follow the constant segments, in order.
    uint32_t segment = static_cast<uint32_t>(p.segments.size() -
                                             contents.executables.size() + i);
    std::vector<flatbuffers::Offset<flatbuffers::String>> needs;
    for (const std::string &n : e.needs)
      needs.push_back(fbb.CreateString(n));
    executables.push_back(fb::CreateExecutable(
        fbb, fbb.CreateString(e.unit), fbb.CreateString(e.arch),
        fbb.CreateString(e.format), segment, fbb.CreateVector(needs)));
  }

  std::vector<flatbuffers::Offset<fb::Segment>> segments;
  for (const SegmentPlan &s : p.segments)
    segments.push_back(fb::CreateSegment(fbb, s.offset, s.size, s.hash));

  auto root = fb::CreateBundle(
      fbb, kFormatMajor, kFormatMinor, metadata, fbb.CreateVector(functions),
      fbb.CreateVector(constants), fbb.CreateVector(executables),
      fbb.CreateVector(segments));
  fb::FinishBundleBuffer(fbb, root);
  p.metadata.assign(fbb.GetBufferPointer(),
                    fbb.GetBufferPointer() + fbb.GetSize());

  p.areaOffset = alignUp(p.metadata.size(), kSegmentAlignment);
  storeLE64(p.trailer, p.metadata.size());
  storeLE64(p.trailer + 8, hash64(p.metadata.data(), p.metadata.size()));
  storeLE64(p.trailer + 16, 0);
  std::memcpy(p.trailer + 24, kTrailerMagic, 8);
  return p;
}

std::string describeTensor(const std::string &fn, const char *kind, size_t i,
                           const TensorDesc &d) {
  return "function '" + fn + "' " + kind + " " + std::to_string(i) + " '" +
         d.name + "'";
}

/// Checks what the reader will check, so a bad bundle is refused where it is
/// made rather than where it is run.
std::string validate(const BundleContents &contents) {
  std::set<std::string> names;
  for (const FunctionData &f : contents.functions) {
    if (f.name.empty())
      return "a function has an empty name";
    if (!names.insert(f.name).second)
      return "duplicate function name '" + f.name + "'";
    if (f.entrySymbol.empty())
      return "function '" + f.name + "' has no entry symbol";
    if (f.executable >= contents.executables.size())
      return "function '" + f.name + "' refers to executable " +
             std::to_string(f.executable) + ", but there are " +
             std::to_string(contents.executables.size());
    for (uint32_t c : f.constants)
      if (c >= contents.constants.size())
        return "function '" + f.name + "' refers to constant " +
               std::to_string(c) + ", but there are " +
               std::to_string(contents.constants.size());
    for (auto [kind, list] : {std::make_pair("input", &f.inputs),
                              std::make_pair("output", &f.outputs)}) {
      for (size_t i = 0; i < list->size(); ++i) {
        const TensorDesc &d = (*list)[i];
        uint64_t bytes;
        if (!isKnownDType(static_cast<uint8_t>(d.dtype)))
          return describeTensor(f.name, kind, i, d) +
                 " has unsupported dtype " + dtypeName(d.dtype);
        if (!byteSize(d.dtype, d.shape, bytes))
          return describeTensor(f.name, kind, i, d) + " has an invalid shape " +
                 formatShape(d.shape);
      }
    }
  }
  std::vector<uint64_t> constantBytes;
  for (const ConstantData &c : contents.constants)
    constantBytes.push_back(c.bytes.size());
  std::vector<std::string> units;
  for (const ExecutableData &e : contents.executables)
    units.push_back(e.unit);
  for (const FunctionData &f : contents.functions) {
    if (std::string why = checkRuntimeShapes(f); !why.empty())
      return why;
    if (std::string why = checkStates(f); !why.empty())
      return why;
    if (std::string why = checkShapeVariant(f, contents.functions.data(),
                                            &f - contents.functions.data());
        !why.empty())
      return why;
    for (const TensorDesc &d : f.inputs) {
      if (std::string why = checkImageDesc(d); !why.empty())
        return "function '" + f.name + "' input '" + d.name + "': " + why;
      if (!d.dimNames.empty() && d.dimNames.size() != d.shape.size())
        return "function '" + f.name + "' input '" + d.name + "' names " +
               std::to_string(d.dimNames.size()) + " dims of " +
               std::to_string(d.shape.size());
    }
    for (const TensorDesc &d : f.outputs)
      if (d.image)
        return "function '" + f.name + "' output '" + d.name +
               "' has an image descriptor (only inputs may)";
    std::vector<uint64_t> in, out;
    for (const TensorDesc &d : f.inputs)
      byteSize(d.dtype, d.shape, in.emplace_back());
    for (const TensorDesc &d : f.outputs)
      byteSize(d.dtype, d.shape, out.emplace_back());
    for (const ScheduleData &sd : f.schedule)
      if (std::string why = checkSchedule(sd, in, out, constantBytes, units);
          !why.empty())
        return "function '" + f.name + "': " + why;
  }
  for (size_t i = 0; i < contents.constants.size(); ++i) {
    const ConstantData &c = contents.constants[i];
    std::string what = "constant " + std::to_string(i);
    if (!isKnownDType(static_cast<uint8_t>(c.dtype)))
      return what + " has unsupported dtype " + dtypeName(c.dtype);
    uint64_t bytes;
    if (!byteSize(c.dtype, c.shape, bytes))
      return what + " has an invalid shape " + formatShape(c.shape);
    if (bytes != c.bytes.size())
      return what + " (" + formatType(c.dtype, c.shape) + ") needs " +
             std::to_string(bytes) + " bytes, but has " +
             std::to_string(c.bytes.size());
  }
  return "";
}

/// Writes all of `size` bytes, retrying short writes and EINTR.
bool writeAll(int fd, const uint8_t *data, uint64_t size) {
  while (size > 0) {
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(size, 1u << 30));
    ssize_t n = ::write(fd, data, chunk);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    data += n;
    size -= static_cast<uint64_t>(n);
  }
  return true;
}

bool writeZeros(int fd, uint64_t size) {
  static const uint8_t zeros[kSegmentAlignment] = {};
  while (size > 0) {
    uint64_t n = std::min<uint64_t>(size, sizeof(zeros));
    if (!writeAll(fd, zeros, n))
      return false;
    size -= n;
  }
  return true;
}

bool writePlan(int fd, const Plan &p) {
  if (!writeAll(fd, p.metadata.data(), p.metadata.size()) ||
      !writeZeros(fd, p.areaOffset - p.metadata.size()))
    return false;
  uint64_t cursor = 0;
  for (const SegmentPlan &s : p.segments) {
    if (!writeZeros(fd, s.offset - cursor) || !writeAll(fd, s.data, s.size))
      return false;
    cursor = s.offset + s.size;
  }
  return writeZeros(fd, p.areaSize - cursor) &&
         writeAll(fd, p.trailer, kTrailerSize);
}

std::string errnoMessage(const char *what) {
  return std::string(what) + ": " + std::strerror(errno);
}

} // namespace

std::vector<uint8_t> serializeBundle(const BundleContents &contents) {
  Plan p = plan(contents);
  std::vector<uint8_t> out(p.fileSize(), 0);
  std::memcpy(out.data(), p.metadata.data(), p.metadata.size());
  for (const SegmentPlan &s : p.segments)
    if (s.size)
      std::memcpy(out.data() + p.areaOffset + s.offset, s.data, s.size);
  std::memcpy(out.data() + p.areaOffset + p.areaSize, p.trailer, kTrailerSize);
  return out;
}

namespace {
/// Writes through `write` into a unique temporary file beside `path`, then
/// renames it into place: readers see the old file or the whole new one.
template <typename Write>
std::string writeAtomically(const std::string &path, Write write) {
  // A unique name beside the destination, so rename() stays within one file
  // system and is atomic; created with 0666 so the umask applies as usual.
  std::string tmp;
  int fd = -1;
  for (unsigned attempt = 0; fd < 0; ++attempt) {
    tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
          std::to_string(attempt);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt >= 100))
      return errnoMessage("cannot create temporary file");
  }

  std::string err;
  if (!write(fd))
    err = errnoMessage("write failed");
  else if (::fsync(fd) != 0)
    err = errnoMessage("write failed");
  if (::close(fd) != 0 && err.empty())
    err = errnoMessage("write failed");
  if (err.empty() && ::rename(tmp.c_str(), path.c_str()) != 0)
    err = errnoMessage("cannot move the temporary file into place");
  if (!err.empty())
    ::unlink(tmp.c_str());
  return err;
}
} // namespace

uint32_t addConstant(BundleContents &contents, ConstantData c,
                     const std::vector<uint32_t> &avoid) {
  // A linear scan: shapes differ for most pairs and equal-shaped weights
  // differ in their first bytes, so this stays cheap at thousands.
  for (size_t j = 0; j < contents.constants.size(); ++j) {
    const ConstantData &other = contents.constants[j];
    if (other.dtype == c.dtype && other.shape == c.shape &&
        other.bytes == c.bytes &&
        std::find(avoid.begin(), avoid.end(), j) == avoid.end())
      return j;
  }
  contents.constants.push_back(std::move(c));
  return contents.constants.size() - 1;
}

std::string checkBundleContents(const BundleContents &contents) {
  return validate(contents);
}

std::string writeBundle(const BundleContents &contents,
                        const std::string &path) {
  if (std::string err = validate(contents); !err.empty())
    return err;
  Plan p = plan(contents);
  return writeAtomically(path, [&](int fd) { return writePlan(fd, p); });
}

std::string writeBundleBytes(const std::vector<uint8_t> &bytes,
                             const std::string &path) {
  return writeAtomically(
      path, [&](int fd) { return writeAll(fd, bytes.data(), bytes.size()); });
}

} // namespace coreai::bundle

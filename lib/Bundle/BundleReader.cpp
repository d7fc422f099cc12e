//===- BundleReader.cpp - Opens and verifies .aimodel bundles -------------===//
//
// Every byte of a bundle is covered by one check: the metadata by its hash in
// the trailer, the trailer by its magic, its zero reserved field and the
// consistency of the file size with the layout, each segment by its hash, and
// everything between them by a zero-padding check. The checks run from the
// cheapest to the most expensive, and messages name what is wrong without the
// path (the caller prefixes it).
//
//===----------------------------------------------------------------------===//
#include "lib/Bundle/BundleReader.h"
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
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <numeric>
#include <set>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace coreai::bundle {
namespace {

const char kCorrupt[] = ": the bundle is corrupt";

#if COREAI_FUZZING
constexpr bool kFuzzing = true;
#else
constexpr bool kFuzzing = false;
#endif

bool fail(ReadError &error, ReadErrorKind kind, std::string message) {
  error.kind = kind;
  error.message = std::move(message);
  return false;
}

bool corrupt(ReadError &error, std::string message) {
  return fail(error, ReadErrorKind::Corrupt, std::move(message));
}

bool allZero(const uint8_t *p, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i)
    if (p[i])
      return false;
  return true;
}

std::string str(const flatbuffers::String *s) {
  return s ? s->str() : std::string();
}

template <typename T> std::vector<T> vec(const flatbuffers::Vector<T> *v) {
  return v ? std::vector<T>(v->begin(), v->end()) : std::vector<T>();
}

/// The 4 identifier bytes, printable for a message.
std::string printableIdentifier(const uint8_t *p) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    if (p[i] >= 0x20 && p[i] < 0x7f) {
      s += static_cast<char>(p[i]);
    } else {
      static const char hex[] = "0123456789abcdef";
      s += "\\x";
      s += hex[p[i] >> 4];
      s += hex[p[i] & 15];
    }
  }
  return s;
}

std::vector<TensorDesc>
decodeDescs(const flatbuffers::Vector<flatbuffers::Offset<fb::TensorDesc>> *v) {
  std::vector<TensorDesc> out;
  if (!v)
    return out;
  for (const fb::TensorDesc *d : *v) {
    TensorDesc t{str(d->name()), static_cast<DType>(d->dtype()),
                 vec(d->shape())};
    t.runtimeShapeFrom = d->runtime_shape_from();
    t.runtimeReshape = d->runtime_reshape();
    if (const fb::Image *image = d->image())
      t.image = ImageDesc{str(image->format()), vec(image->mean()),
                          vec(image->std()), image->scale()};
    if (auto *names = d->dim_names())
      for (const flatbuffers::String *n : *names)
        t.dimNames.push_back(str(n));
    out.push_back(std::move(t));
  }
  return out;
}

/// Refuses other major versions before the full FlatBuffers verification, so
/// a newer bundle whose schema changed is reported as newer, not as corrupt.
/// Only the root table's vtable and format fields are touched, after
/// verifying exactly those.
bool checkVersion(const uint8_t *buf, uint64_t size, BundleMetadata &meta,
                  ReadError &error) {
  flatbuffers::Verifier v(buf, size);
  if (!v.VerifyOffset(0))
    return corrupt(error, std::string("metadata has no root table") + kCorrupt);
  // Generated tables inherit Table privately; the cast is how FlatBuffers
  // itself reaches the generic accessors.
  auto *root = reinterpret_cast<const flatbuffers::Table *>(
      flatbuffers::GetRoot<uint8_t>(buf));
  if (!root->VerifyTableStart(v) ||
      !root->VerifyField<uint32_t>(v, fb::Bundle::VT_FORMAT_MAJOR, 4) ||
      !root->VerifyField<uint32_t>(v, fb::Bundle::VT_FORMAT_MINOR, 4))
    return corrupt(error,
                   std::string("metadata root table is malformed") + kCorrupt);
  meta.formatMajor = root->GetField<uint32_t>(fb::Bundle::VT_FORMAT_MAJOR, 0);
  meta.formatMinor = root->GetField<uint32_t>(fb::Bundle::VT_FORMAT_MINOR, 0);
  if (meta.formatMajor == kFormatMajor)
    return true;
  std::string version =
      std::to_string(meta.formatMajor) + "." + std::to_string(meta.formatMinor);
  std::string supported = std::to_string(kFormatMajor) + ".x";
  return fail(error, ReadErrorKind::Unsupported,
              "bundle format " + version + " is " +
                  (meta.formatMajor > kFormatMajor ? "newer" : "older") +
                  " than this runtime supports (" + supported + ")");
}

} // namespace

BundleFile::~BundleFile() {
  if (mapped_ && data_)
    ::munmap(const_cast<uint8_t *>(data_), size_);
}

std::unique_ptr<BundleFile> BundleFile::open(const std::string &path,
                                             ReadError &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    fail(error, e == ENOENT ? ReadErrorKind::NotFound : ReadErrorKind::IO,
         e == ENOENT ? "no such file"
                     : std::string("cannot open: ") + std::strerror(e));
    return nullptr;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    fail(error, ReadErrorKind::IO,
         std::string("cannot stat: ") + std::strerror(e));
    return nullptr;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(error, ReadErrorKind::IO,
         S_ISDIR(st.st_mode) ? "is a directory, not a bundle"
                             : "not a regular file");
    return nullptr;
  }
  std::unique_ptr<BundleFile> file(new BundleFile());
  file->size_ = static_cast<uint64_t>(st.st_size);
  if (file->size_ >= kTrailerSize) {
    void *p = ::mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      fail(error, ReadErrorKind::IO,
           std::string("cannot map the file: ") + std::strerror(e));
      return nullptr;
    }
    file->data_ = static_cast<const uint8_t *>(p);
    file->mapped_ = true;
  }
  // The mapping keeps the file alive; the descriptor is no longer needed.
  ::close(fd);
  if (!file->verify(error))
    return nullptr;
  return file;
}

std::unique_ptr<BundleFile> BundleFile::fromBytes(std::vector<uint8_t> bytes,
                                                  ReadError &error) {
  std::unique_ptr<BundleFile> file(new BundleFile());
  size_t alloc = (bytes.size() + 63) / 64 * 64;
  file->owned_.reset(
      static_cast<uint8_t *>(std::aligned_alloc(64, alloc ? alloc : 64)));
  if (!file->owned_) {
    error.message = "out of memory reading a bundle of " +
                    std::to_string(bytes.size()) + " bytes";
    return nullptr;
  }
  if (!bytes.empty())
    std::memcpy(file->owned_.get(), bytes.data(), bytes.size());
  file->data_ = file->owned_.get();
  file->size_ = bytes.size();
  if (!file->verify(error))
    return nullptr;
  return file;
}

std::unique_ptr<BundleFile>
BundleFile::fromMemory(const uint8_t *data, size_t size, ReadError &error) {
  if (reinterpret_cast<uintptr_t>(data) % 64 != 0)
    return fromBytes(std::vector<uint8_t>(data, data + size), error);
  std::unique_ptr<BundleFile> file(new BundleFile());
  file->data_ = data;
  file->size_ = size;
  if (!file->verify(error))
    return nullptr;
  return file;
}

SignatureStatus BundleFile::signatureStatus() const {
  if (!signature_)
    return SignatureStatus::Unsigned;
  // Hashing every byte is the cost of a signed bundle: once per file.
  std::call_once(signatureChecked_, [&] {
    signatureStatus_ =
        verifySignature(data_, size_, signature_->blockOffset,
                        signature_->signer, signature_->signature);
  });
  return signatureStatus_;
}

const FunctionInfo *BundleFile::findFunction(const std::string &name) const {
  for (const FunctionInfo &f : functions_)
    if (f.name == name)
      return &f;
  return nullptr;
}

bool BundleFile::verify(ReadError &error) {
  // --- Trailer -------------------------------------------------------------
  if (size_ < kTrailerSize)
    return corrupt(error, "file is too small to be a .aimodel bundle (" +
                              std::to_string(size_) + " bytes)");
  const uint8_t *trailer = data_ + size_ - kTrailerSize;
  if (std::memcmp(trailer + 24, kTrailerMagic, 8) != 0)
    return corrupt(error, "no AIMDTAIL trailer at the end of the file: not a "
                          ".aimodel bundle, or truncated");
  uint64_t metaSize = loadLE64(trailer);
  metadataHash_ = loadLE64(trailer + 8);
  // A signed bundle's signature block lies between its segment area and
  // the trailer (Signature.h); it is checked here for its layout only.
  uint64_t signatureBlock = loadLE64(trailer + 16);
  if (signatureBlock != 0 && signatureBlock != kSignatureBlockSize)
    return corrupt(error, "the trailer's signature field is neither 0 nor " +
                              std::to_string(kSignatureBlockSize) + kCorrupt);
  if (size_ < kTrailerSize + signatureBlock)
    return corrupt(error, "file is too small for its signature block: the "
                          "bundle is corrupt or truncated");
  uint64_t layoutEnd = size_ - kTrailerSize - signatureBlock;
  if (signatureBlock) {
    const uint8_t *block = data_ + layoutEnd;
    if (std::memcmp(block, kSignatureMagic, 8) != 0 ||
        !allZero(block + 104, kSignatureBlockSize - 104))
      return corrupt(error,
                     std::string("malformed signature block") + kCorrupt);
    Signature sig;
    std::memcpy(sig.signer.data(), block + 8, 32);
    std::memcpy(sig.signature.data(), block + 40, 64);
    sig.blockOffset = layoutEnd;
    signature_ = sig;
  }
  // The metadata and its padding must fit before the trailer.
  if (metaSize < 8 || metaSize > kMaxMetadataSize ||
      alignUp(metaSize, kSegmentAlignment) > layoutEnd)
    return corrupt(error, "metadata size " + std::to_string(metaSize) +
                              " does not fit a file of " +
                              std::to_string(size_) +
                              " bytes: the bundle is corrupt or truncated");

  // --- Metadata --------------------------------------------------------------
  // A fuzzing build (COREAI_FUZZING) skips the hash comparisons, so that
  // mutated bytes reach the structure the hashes would otherwise guard.
  if (!kFuzzing && hash64(data_, metaSize) != metadataHash_)
    return corrupt(error, std::string("metadata hash mismatch") + kCorrupt);
  if (!fb::BundleBufferHasIdentifier(data_))
    return corrupt(error, "not a .aimodel bundle (file identifier '" +
                              printableIdentifier(data_ + 4) +
                              "', expected 'AIMD')");
  if (!checkVersion(data_, metaSize, metadata_, error))
    return false;
  {
    flatbuffers::Verifier::Options opts;
    opts.max_tables = 1u << 30; // large models have many tables
    flatbuffers::Verifier v(data_, metaSize, opts);
    if (!fb::VerifyBundleBuffer(v))
      return corrupt(error, std::string("metadata is not a valid FlatBuffer") +
                                kCorrupt);
  }
  root_ = fb::GetBundle(data_);
  uint64_t areaOffset = alignUp(metaSize, kSegmentAlignment);
  if (!allZero(data_ + metaSize, areaOffset - metaSize))
    return corrupt(error, std::string("nonzero padding after the metadata") +
                              kCorrupt);

  if (const fb::Metadata *m = root_->metadata()) {
    metadata_.name = str(m->name());
    metadata_.producer = str(m->producer());
    metadata_.sourceHash = str(m->source_hash());
    metadata_.compileOptions = str(m->compile_options());
  }

  // --- Tables and indices ----------------------------------------------------
  if (auto *segs = root_->segments())
    for (const fb::Segment *s : *segs)
      segments_.push_back({s->offset(), s->size(), s->hash(), nullptr});
  // What refers to each segment, for messages.
  std::vector<const char *> segmentKind(segments_.size(), "unreferenced");

  if (auto *consts = root_->constants()) {
    for (const fb::Constant *c : *consts) {
      uint32_t i = static_cast<uint32_t>(constants_.size());
      ConstantInfo info{static_cast<DType>(c->dtype()), vec(c->shape()),
                        c->segment()};
      std::string what = "constant " + std::to_string(i);
      if (info.segment >= segments_.size())
        return corrupt(error, what + " refers to segment " +
                                  std::to_string(info.segment) + " of " +
                                  std::to_string(segments_.size()) + kCorrupt);
      if (!isKnownDType(c->dtype()))
        return fail(error, ReadErrorKind::Unsupported,
                    what + " has unsupported dtype " +
                        std::to_string(c->dtype()));
      uint64_t bytes;
      if (!byteSize(info.dtype, info.shape, bytes))
        return corrupt(error, what + " has an invalid shape " +
                                  formatShape(info.shape) + kCorrupt);
      if (bytes != segments_[info.segment].size)
        return corrupt(error, what + " (" + formatType(info.dtype, info.shape) +
                                  ") needs " + std::to_string(bytes) +
                                  " bytes, but its segment has " +
                                  std::to_string(segments_[info.segment].size) +
                                  kCorrupt);
      segmentKind[info.segment] = "constant";
      constants_.push_back(std::move(info));
    }
  }

  if (auto *exes = root_->executables()) {
    for (const fb::Executable *e : *exes) {
      ExecutableInfo info{
          str(e->unit()), str(e->arch()), str(e->format()), e->segment(), {}};
      if (auto *needs = e->needs())
        for (const flatbuffers::String *n : *needs)
          info.needs.push_back(n->str());
      if (info.segment >= segments_.size())
        return corrupt(
            error, "executable " + std::to_string(executables_.size()) +
                       " refers to segment " + std::to_string(info.segment) +
                       " of " + std::to_string(segments_.size()) + kCorrupt);
      segmentKind[info.segment] = "executable";
      executables_.push_back(std::move(info));
    }
  }

  std::set<std::string> names;
  if (auto *fns = root_->functions()) {
    for (const fb::Function *f : *fns) {
      FunctionInfo info;
      info.name = str(f->name());
      info.variantOf = str(f->variant_of());
      info.inputs = decodeDescs(f->inputs());
      info.outputs = decodeDescs(f->outputs());
      info.executable = f->executable();
      info.entrySymbol = str(f->entry_symbol());
      info.constants = vec(f->constants());
      if (auto *states = f->states())
        for (const fb::StateBinding *sb : *states)
          info.states.push_back({sb->input(), sb->output()});
      if (auto *dbg = f->debug())
        for (const fb::DebugEntry *d : *dbg) {
          DebugEntry entry{str(d->op()),       str(d->source()),
                           str(d->location()), str(d->unit()),
                           vec(d->inputs()),   d->flops(),
                           d->estimated_us(),  {}};
          if (auto *refused = d->refused())
            for (const flatbuffers::String *r : *refused)
              entry.refused.push_back(r->str());
          // The table is a graph in order: an entry reads earlier entries
          // only, so what walks it (reports) cannot loop or index past it.
          std::string row = "function '" + info.name + "' debug entry " +
                            std::to_string(info.debug.size());
          for (uint32_t input : entry.inputs)
            if (input >= info.debug.size())
              return corrupt(error, row + " reads entry " +
                                        std::to_string(input) +
                                        ", not an earlier one" + kCorrupt);
          if (!(entry.flops >= 0) || !(entry.estimatedUs >= 0) ||
              std::isinf(entry.flops) || std::isinf(entry.estimatedUs))
            return corrupt(error, row + " has a negative or non-finite cost" +
                                      kCorrupt);
          info.debug.push_back(std::move(entry));
        }
      auto decodeSchedule = [&](const fb::Schedule *sched) {
        ScheduleData sd;
        if (auto *slots = sched->slots())
          for (const fb::Slot *slot : *slots)
            sd.slots.push_back({static_cast<SlotKind>(slot->kind()),
                                slot->index(), slot->size()});
        if (auto *steps = sched->steps())
          for (const fb::Step *st : *steps)
            sd.steps.push_back({str(st->unit()), st->executable(),
                                str(st->entry()), vec(st->args()),
                                vec(st->groups()), str(st->source())});
        info.schedule.push_back(std::move(sd));
      };
      if (const fb::Schedule *sched = f->schedule()) {
        decodeSchedule(sched);
        if (auto *alternatives = f->alternatives())
          for (const fb::Schedule *alternative : *alternatives)
            decodeSchedule(alternative);
      } else if (f->alternatives() && f->alternatives()->size()) {
        return corrupt(error, "function '" + info.name +
                                  "' has alternative schedules but no "
                                  "schedule" +
                                  kCorrupt);
      }

      std::string what = "function '" + info.name + "'";
      if (info.name.empty() || !names.insert(info.name).second)
        return corrupt(error, "function " + std::to_string(functions_.size()) +
                                  " has an empty or duplicate name" + kCorrupt);
      if (info.entrySymbol.empty())
        return corrupt(error, what + " has no entry symbol" + kCorrupt);
      if (info.executable >= executables_.size())
        return corrupt(error, what + " refers to executable " +
                                  std::to_string(info.executable) + " of " +
                                  std::to_string(executables_.size()) +
                                  kCorrupt);
      for (uint32_t c : info.constants)
        if (c >= constants_.size())
          return corrupt(
              error, what + " refers to constant " + std::to_string(c) +
                         " of " + std::to_string(constants_.size()) + kCorrupt);
      for (auto [kind, list] : {std::make_pair("input", &info.inputs),
                                std::make_pair("output", &info.outputs)}) {
        for (size_t i = 0; i < list->size(); ++i) {
          const TensorDesc &d = (*list)[i];
          std::string tensor =
              what + " " + kind + " " + std::to_string(i) + " '" + d.name + "'";
          uint64_t bytes;
          if (!isKnownDType(static_cast<uint8_t>(d.dtype)))
            return fail(error, ReadErrorKind::Unsupported,
                        tensor + " has unsupported dtype " +
                            std::to_string(static_cast<int>(d.dtype)));
          if (!byteSize(d.dtype, d.shape, bytes))
            return fail(error, ReadErrorKind::Unsupported,
                        tensor + " has a dynamic or invalid shape " +
                            formatShape(d.shape));
          if (d.image && std::string(kind) == "output")
            return corrupt(error,
                           tensor + " has an image descriptor" + kCorrupt);
          if (std::string why = checkImageDesc(d); !why.empty())
            return corrupt(error, tensor + ": " + why + kCorrupt);
          if (!d.dimNames.empty() && d.dimNames.size() != d.shape.size())
            return corrupt(error,
                           tensor + " names " +
                               std::to_string(d.dimNames.size()) + " dims of " +
                               std::to_string(d.shape.size()) + kCorrupt);
        }
      }
      if (!info.schedule.empty()) {
        std::vector<uint64_t> in, out, constantBytes;
        for (const TensorDesc &d : info.inputs)
          byteSize(d.dtype, d.shape, in.emplace_back());
        for (const TensorDesc &d : info.outputs)
          byteSize(d.dtype, d.shape, out.emplace_back());
        for (const ConstantInfo &c : constants_)
          constantBytes.push_back(segments_[c.segment].size);
        std::vector<std::string> units;
        for (const ExecutableInfo &e : executables_)
          units.push_back(e.unit);
        for (size_t k = 0; k < info.schedule.size(); ++k) {
          std::string why =
              checkSchedule(info.schedule[k], in, out, constantBytes, units);
          if (!why.empty())
            return corrupt(
                error,
                what + (k ? " schedule " + std::to_string(k) : std::string()) +
                    ": " + why + kCorrupt);
        }
      }
      if (std::string why = checkRuntimeShapes(info); !why.empty())
        return corrupt(error, why + kCorrupt);
      if (std::string why = checkStates(info); !why.empty())
        return corrupt(error, why + kCorrupt);
      if (std::string why =
              checkShapeVariant(info, functions_.data(), functions_.size());
          !why.empty())
        return corrupt(error, why + kCorrupt);
      functions_.push_back(std::move(info));
    }
  }

  // --- Segment area ----------------------------------------------------------
  const uint64_t areaSize = layoutEnd - areaOffset;
  const uint8_t *area = data_ + areaOffset;
  uint64_t end = 0;
  for (size_t i = 0; i < segments_.size(); ++i) {
    SegmentInfo &s = segments_[i];
    std::string what =
        "segment " + std::to_string(i) + " (" + segmentKind[i] + ")";
    uint64_t segEnd;
    if (s.offset % kSegmentAlignment != 0)
      return corrupt(error, what + " is not 64-byte aligned" + kCorrupt);
    if (__builtin_add_overflow(s.offset, s.size, &segEnd) || segEnd > areaSize)
      return corrupt(error, what + " lies outside the file" +
                                ": the bundle is corrupt or truncated");
    s.data = area + s.offset;
    end = std::max(end, segEnd);
  }
  if (alignUp(end, kSegmentAlignment) != areaSize)
    return corrupt(error, "file size " + std::to_string(size_) +
                              " does not match its layout (expected " +
                              std::to_string(areaOffset +
                                             alignUp(end, kSegmentAlignment) +
                                             signatureBlock + kTrailerSize) +
                              "): the bundle is corrupt or truncated");

  // Walk the segments by offset: no overlaps, and zeros in every gap.
  std::vector<size_t> order(segments_.size());
  std::iota(order.begin(), order.end(), 0);
  // Empty segments first at equal offsets: they may share an offset with
  // the segment that follows them.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const SegmentInfo &x = segments_[a], &y = segments_[b];
    return x.offset != y.offset ? x.offset < y.offset : x.size < y.size;
  });
  uint64_t cursor = 0;
  size_t prev = 0;
  for (size_t i : order) {
    const SegmentInfo &s = segments_[i];
    if (s.offset < cursor)
      return corrupt(error, "segments " + std::to_string(prev) + " and " +
                                std::to_string(i) + " overlap" + kCorrupt);
    if (!allZero(area + cursor, s.offset - cursor))
      return corrupt(error, "nonzero padding in the segment area before "
                            "segment " +
                                std::to_string(i) + kCorrupt);
    cursor = s.offset + s.size;
    prev = i;
  }
  if (!allZero(area + cursor, areaSize - cursor))
    return corrupt(error, std::string("nonzero padding at the end of the "
                                      "segment area") +
                              kCorrupt);

  // Last, as it reads every byte: the contents.
  for (size_t i = 0; i < segments_.size(); ++i) {
    const SegmentInfo &s = segments_[i];
    if (!kFuzzing && hash64(s.data, s.size) != s.hash)
      return corrupt(error, "segment " + std::to_string(i) + " (" +
                                segmentKind[i] + ") content hash mismatch" +
                                kCorrupt);
  }
  return true;
}

std::string checkImageDesc(const TensorDesc &t) {
  if (!t.image)
    return "";
  const ImageDesc &im = *t.image;
  size_t channels = im.format == "gray8" ? 1 : 3;
  int64_t bytes = im.format == "gray8"                           ? 1
                  : im.format == "rgb8" || im.format == "bgr8"   ? 3
                  : im.format == "rgba8" || im.format == "bgra8" ? 4
                                                                 : 0;
  if (!bytes)
    return "unknown pixel format '" + im.format + "'";
  if (t.dtype != DType::U8 || t.shape.size() != 4 || t.shape[3] != bytes)
    return "an " + im.format + " image is uint8 [N, H, W, " +
           std::to_string(bytes) + "], not " + formatType(t.dtype, t.shape);
  if (im.mean.size() != channels || im.std.size() != channels)
    return "an " + im.format + " image has " + std::to_string(channels) +
           " mean and std values";
  for (double v : im.std)
    if (!std::isfinite(v) || v == 0)
      return "a std value is 0 or not finite";
  for (double v : im.mean)
    if (!std::isfinite(v))
      return "a mean value is not finite";
  if (!std::isfinite(im.scale))
    return "the scale is not finite";
  return "";
}

} // namespace coreai::bundle

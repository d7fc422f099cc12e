//===- BundleReader.h - Opens and verifies .aimodel bundles ---------------===//
//
// Shared by the runtime and tools. Opening a bundle maps it read-only and
// verifies all of it before anything is used: the trailer, the metadata hash,
// the FlatBuffer structure, the format version, every segment's bounds,
// alignment and content hash, all padding, every index and every constant's
// size. After a successful open, nothing in the file needs checking again,
// and every flipped bit is reported as corruption rather than misbehaving
// later. No exceptions and no LLVM: errors come back as values.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_BUNDLEREADER_H
#define COREAI_BUNDLE_BUNDLEREADER_H

#include "lib/Bundle/BundleWriter.h" // TensorDesc, DebugEntry
#include "lib/Bundle/Signature.h"

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace coreai::fb {
struct Bundle;
} // namespace coreai::fb

namespace coreai::bundle {

enum class ReadErrorKind {
  NotFound,    // the file does not exist
  IO,          // it exists but cannot be opened or mapped
  Corrupt,     // not a bundle, truncated, or damaged
  Unsupported, // a valid bundle this reader does not support (version, dtype)
};

struct ReadError {
  ReadErrorKind kind = ReadErrorKind::Corrupt;
  /// One line, without the file name (the caller prefixes it).
  std::string message;
};

struct BundleMetadata {
  uint32_t formatMajor = 0;
  uint32_t formatMinor = 0;
  std::string name;
  std::string producer;
  std::string sourceHash;
  std::string compileOptions;
};

struct SegmentInfo {
  uint64_t offset = 0; // relative to the segment area
  uint64_t size = 0;
  uint64_t hash = 0;
  const uint8_t *data = nullptr; // into the mapped file
};

struct ConstantInfo {
  DType dtype = DType::Undefined;
  std::vector<int64_t> shape;
  uint32_t segment = 0;
};

struct ExecutableInfo {
  std::string unit; // a ComputeUnit's name
  std::optional<runtime::ComputeUnit> computeUnit() const {
    return runtime::parseComputeUnit(unit);
  }
  std::string arch;
  std::string format;
  uint32_t segment = 0;
  std::vector<std::string> needs; // what the device must have
};

struct FunctionInfo {
  std::string name;
  std::string variantOf; // the function this is a shape variant of (1.4)
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  uint32_t executable = 0;
  std::string entrySymbol;
  std::vector<uint32_t> constants;
  std::vector<DebugEntry> debug;
  std::vector<ScheduleData> schedule; // best first (see BundleWriter.h)
  std::vector<StatePair> states;      // kept state (1.5, StateCheck.h)
};

/// A verified bundle, mapped (or held) in memory. Immutable; pointers it hands
/// out stay valid as long as the BundleFile lives. As with any mapping, the
/// file must not be truncated in place while open (replace it by rename, as
/// writeBundle does).
class BundleFile {
public:
  /// Maps and verifies the file. On failure returns null and fills `error`.
  static std::unique_ptr<BundleFile> open(const std::string &path,
                                          ReadError &error);
  /// Verifies a bundle held in memory (takes ownership of the bytes).
  static std::unique_ptr<BundleFile> fromBytes(std::vector<uint8_t> bytes,
                                               ReadError &error);
  /// Verifies a bundle the caller keeps in memory for the BundleFile's
  /// lifetime (e.g. linked into the program): used in place when 64-byte
  /// aligned, copied otherwise.
  static std::unique_ptr<BundleFile> fromMemory(const uint8_t *data,
                                                size_t size, ReadError &error);

  ~BundleFile();
  BundleFile(const BundleFile &) = delete;
  BundleFile &operator=(const BundleFile &) = delete;

  const uint8_t *data() const { return data_; }
  uint64_t size() const { return size_; }

  const BundleMetadata &metadata() const { return metadata_; }
  const std::vector<FunctionInfo> &functions() const { return functions_; }
  const std::vector<ConstantInfo> &constants() const { return constants_; }
  const std::vector<ExecutableInfo> &executables() const {
    return executables_;
  }
  const std::vector<SegmentInfo> &segments() const { return segments_; }

  /// The function named `name`, or null.
  const FunctionInfo *findFunction(const std::string &name) const;
  /// Bytes of constant `index` (64-byte aligned within the mapping).
  const uint8_t *constantData(uint32_t index) const {
    return segments_[constants_[index].segment].data;
  }

  /// Hash of the metadata, which includes every segment's hash: a content
  /// identity of the whole bundle (for caches keyed by bundle).
  uint64_t contentHash() const { return metadataHash_; }

  /// The raw, verified FlatBuffer root.
  const fb::Bundle *root() const { return root_; }

  /// A signed bundle's signature block (Signature.h); null when unsigned.
  struct Signature {
    PublicKey signer{};
    SignatureBytes signature{};
    uint64_t blockOffset = 0;
  };
  const Signature *signature() const {
    return signature_ ? &*signature_ : nullptr;
  }
  /// Whether the signature verifies with its block's public key (whether
  /// that key is trusted is the runtime's policy). Hashes the file on the
  /// first call; thread-safe.
  SignatureStatus signatureStatus() const;

private:
  BundleFile() = default;
  bool verify(ReadError &error);

  const uint8_t *data_ = nullptr;
  uint64_t size_ = 0;
  bool mapped_ = false;
  // In-memory bytes, copied to 64-byte aligned storage so segments keep
  // the alignment the format promises (a vector's data is only 16-aligned).
  struct FreeDeleter {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, FreeDeleter> owned_;

  const fb::Bundle *root_ = nullptr;
  uint64_t metadataHash_ = 0;
  std::optional<Signature> signature_;
  mutable std::once_flag signatureChecked_;
  mutable SignatureStatus signatureStatus_ = SignatureStatus::Unverifiable;
  BundleMetadata metadata_;
  std::vector<FunctionInfo> functions_;
  std::vector<ConstantInfo> constants_;
  std::vector<ExecutableInfo> executables_;
  std::vector<SegmentInfo> segments_;
};

} // namespace coreai::bundle

#endif // COREAI_BUNDLE_BUNDLEREADER_H

//===- BundleWriter.h - Writes .aimodel bundles ---------------------------===//
//
// The compiler fills a BundleContents and calls writeBundle. The writer owns
// the file layout (schemas/aimodel.fbs, docs/bundle-format.md): metadata
// FlatBuffer first, then 64-byte aligned segments, each with a content hash.
// No exceptions and no LLVM: errors come back as a message.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_BUNDLEWRITER_H
#define COREAI_BUNDLE_BUNDLEWRITER_H

#include "coreai/ComputeUnit.h"
#include "coreai/DType.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coreai::bundle {

/// How an input fed with pixel buffers is converted to the model's tensor
/// (coreai-build --image-input): the buffer is uint8 [N, H, W, bytes per
/// pixel of `format`], so width and height are the shape's.
struct ImageDesc {
  std::string format;            // rgb8, bgr8, rgba8, bgra8, gray8
  std::vector<double> mean, std; // per model channel
  double scale = 0;              // applied to each pixel byte first
};

struct TensorDesc {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;     // static dims
  std::optional<ImageDesc> image; // inputs fed with pixel buffers (1.2)
  // The source model's name of each dim bound at compile time ("" for
  // dims that were static); empty when none was symbolic (1.2).
  std::vector<std::string> dimNames;
  // Outputs whose shape is decided at run time (1.5): the output holding
  // the extents, int64 [rank]; `shape` is the bound (OutputShapeCheck.h).
  int32_t runtimeShapeFrom = -1;
  // With runtimeShapeFrom: the value is the bound's elements in order at the
  // extents' shape (a reshape decided at run time), not a box of the bound.
  bool runtimeReshape = false;
};

/// Empty if `image` fits the tensor `t` it describes, else why not.
std::string checkImageDesc(const TensorDesc &t);

struct ConstantData {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes; // dense row-major, little endian
};

struct ExecutableData {
  std::string unit;   // a ComputeUnit's name: "cpu", "gpu", "ane"
  std::string arch;   // "x86_64", "vulkan1.1"
  std::string format; // "elf-shared-object", "spirv"
  std::vector<uint8_t> bytes;
  std::vector<std::string>
      needs; // what the device must have (SPIR-V capabilities)
};

enum class SlotKind : uint8_t {
  Input = 0,
  Output = 1,
  Constant = 2,
  Scratch = 3
};

/// A buffer of a schedule (see schemas/aimodel.fbs).
struct SlotData {
  SlotKind kind = SlotKind::Scratch;
  uint32_t index = 0; // input/output index or constant index
  uint64_t size = 0;  // bytes
};

/// One step of a schedule: a compute unit ("cpu", "gpu", "ane") runs
/// `entry` of `executable` on `args`; unit "copy" copies slot args[0] to
/// args[1].
struct StepData {
  std::string unit;
  /// The unit that runs the step; none for a copy.
  std::optional<runtime::ComputeUnit> computeUnit() const {
    return runtime::parseComputeUnit(unit);
  }
  bool isCopy() const { return unit == "copy"; }
  uint32_t executable = 0;
  std::string entry;
  std::vector<uint32_t> args;
  std::vector<uint32_t> groups; // gpu workgroup counts (3)
  std::string source;
};

struct ScheduleData {
  std::vector<SlotData> slots;
  std::vector<StepData> steps;
};

/// A row of a function's debug table (schemas/aimodel.fbs).
struct DebugEntry {
  std::string op;       // e.g. "aigraph.conv"
  std::string source;   // ONNX node name and op type, e.g. "conv1 (Conv)"
  std::string location; // the exporter's source location, "" if unknown
  std::string unit;     // "cpu", "gpu", "ane"
  std::vector<uint32_t> inputs; // earlier entries whose results it reads
  double flops = 0;
  double estimatedUs = 0;
  std::vector<std::string> refused; // "gpu: reason"
};

/// An input and an output of a function that are one value kept between
/// calls (1.5, coreai-build --state): the runtime feeds each call's output to
/// the next call's input (StateCheck.h says what makes a valid pair).
struct StatePair {
  uint32_t input = 0;  // index into the function's inputs
  uint32_t output = 0; // index into its outputs
  bool operator==(const StatePair &o) const {
    return input == o.input && output == o.output;
  }
};

struct FunctionData {
  std::string name; // "main"
  // The function this one is a shape variant of ("" for none): the same
  // model at other input shapes, which the runtime runs in its place when
  // given those shapes (1.4, enumerated shapes).
  std::string variantOf;
  std::vector<TensorDesc> inputs;
  std::vector<TensorDesc> outputs;
  uint32_t executable = 0;            // index into BundleContents::executables
  std::string entrySymbol;            // see KernelABI.h
  std::vector<uint32_t> constants;    // indices into BundleContents::constants,
                                      // in argument order (after outputs)
  std::vector<DebugEntry> debug;      // op -> source node table
  // The function as steps over slots, best first: across units, then on
  // fewer units, then (kernel ABI 2) as CPU dispatches.
  std::vector<ScheduleData> schedule;
  std::vector<StatePair> states; // kept state (1.5)
};

struct BundleContents {
  std::string modelName;
  std::string producer;       // "coreai-build <version>"
  std::string sourceHash;     // hex content hash of the source model
  std::string compileOptions; // the flags that shaped the output
  std::vector<FunctionData> functions;
  std::vector<ConstantData> constants;
  std::vector<ExecutableData> executables;
};

/// Adds `c` to `contents.constants` unless an equal one (dtype, shape,
/// bytes) is there already, and returns its index: the shape variants of a
/// model share their weights. `avoid` lists indices the caller may not be
/// given (a whole-function entry takes each constant argument as a buffer
/// of its own).
uint32_t addConstant(BundleContents &contents, ConstantData c,
                     const std::vector<uint32_t> &avoid = {});

/// Serializes `contents` to the bundle byte layout. Deterministic.
std::vector<uint8_t> serializeBundle(const BundleContents &contents);

/// Writes the bundle atomically (temp file in the same folder, then rename).
/// Returns an empty string on success, else a one-line message without the
/// path (the caller prefixes it).
std::string writeBundle(const BundleContents &contents,
                        const std::string &path);

/// What writeBundle would refuse in `contents` (what the reader checks), or
/// an empty string.
std::string checkBundleContents(const BundleContents &contents);

/// Writes serialized bundle bytes (e.g. signed, Signature.h) atomically,
/// as writeBundle does.
std::string writeBundleBytes(const std::vector<uint8_t> &bytes,
                             const std::string &path);

} // namespace coreai::bundle

#endif // COREAI_BUNDLE_BUNDLEWRITER_H

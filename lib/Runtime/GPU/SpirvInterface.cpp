//===- SpirvInterface.cpp - The buffers a SPIR-V kernel's code uses -------===//
#include "lib/Runtime/GPU/SpirvInterface.h"

#include "coreai/AssetError.h"

#include <cstring>
#include <map>
#include <unordered_map>
#include <unordered_set>

namespace coreai::runtime::spirv {
namespace {

// Opcodes, decorations and storage classes of the SPIR-V 1.x specification
// that this reader looks at.
enum Op : uint32_t {
  OpEntryPoint = 15,
  OpCapability = 17,
  OpTypeBool = 20,
  OpTypeInt = 21,
  OpTypeFloat = 22,
  OpTypeVector = 23,
  OpTypeMatrix = 24,
  OpTypeArray = 28,
  OpTypeRuntimeArray = 29,
  OpTypeStruct = 30,
  OpTypePointer = 32,
  OpConstant = 43,
  OpFunctionCall = 57,
  OpVariable = 59,
  OpStore = 62,
  OpCopyMemory = 63,
  OpCopyMemorySized = 64,
  OpAccessChain = 65,
  OpInBoundsAccessChain = 66,
  OpPtrAccessChain = 67,
  OpInBoundsPtrAccessChain = 70,
  OpDecorate = 71,
  OpMemberDecorate = 72,
  OpCopyObject = 83,
  OpBitcast = 124,
  OpSelect = 169,
  OpAtomicLoad = 227,
  OpAtomicStore = 228,
  OpAtomicXor = 242, // the last of the integer read-modify-writes
  OpPhi = 245,
  OpAtomicFlagTestAndSet = 318,
  OpAtomicFlagClear = 319,
  OpAtomicFMinEXT = 5614,
  OpAtomicFMaxEXT = 5615,
  OpAtomicFAddEXT = 6035,
};
enum Decoration : uint32_t {
  BufferBlock = 3,
  ArrayStride = 6,
  Binding = 33,
  DescriptorSet = 34,
  Offset = 35,
};
enum StorageClass : uint32_t {
  UniformConstant = 0,
  Uniform = 2,
  PushConstant = 9,
  StorageBuffer = 12,
  PhysicalStorageBuffer = 5349,
};
const uint32_t kCapabilityPhysicalStorageBufferAddresses = 5347;
const uint32_t kExecutionModelGLCompute = 5;
const uint32_t kMagic = 0x07230203u;
// Larger than any buffer a step binds (slot sizes are checked far below it),
// small enough that sums of two never overflow.
const uint64_t kMaxBytes = uint64_t(1) << 60;

struct Instruction {
  uint32_t opcode;
  const uint32_t *w; // w[0] is the opcode word
  uint32_t length;
};

/// The layout facts of one type id.
struct Type {
  uint32_t opcode = 0;
  uint64_t bytes = 0;                     // the extent of one value in a buffer
  bool sized = false;                     // `bytes` is known
  bool runtimeSized = false;              // ends in a runtime-sized array
  uint32_t pointee = 0, storageClass = 0; // pointers
};

class Reader {
public:
  Reader(const uint32_t *words, size_t numWords, const std::string &label)
      : words_(words), numWords_(numWords), label_(label) {}

  Interface read(const std::string &entry) {
    decode();
    findEntry(entry);
    for (const Instruction &in : code_)
      collectDecoration(in);
    for (const Instruction &in : code_)
      defineType(in);
    for (const Instruction &in : code_)
      if (in.opcode == OpVariable)
        defineVariable(in);
    findStores();
    return std::move(interface_);
  }

private:
  [[noreturn]] void fail(const std::string &what) const {
    throw AssetError(AssetError::Code::Unsupported, label_ + ": " + what);
  }

  /// Splits the words into instructions; every length stays in the module.
  void decode() {
    if (!words_ || numWords_ < 5)
      fail("not a SPIR-V module (" + std::to_string(numWords_) + " words)");
    if (words_[0] != kMagic) {
      char hex[16];
      std::snprintf(hex, sizeof(hex), "%08x", words_[0]);
      fail(std::string("not a SPIR-V module (magic number 0x") + hex + ")");
    }
    idBound_ = words_[3];
    for (size_t at = 5; at < numWords_;) {
      uint32_t length = words_[at] >> 16, opcode = words_[at] & 0xffffu;
      if (length == 0 || length > numWords_ - at)
        fail("malformed SPIR-V (bad instruction length at word " +
             std::to_string(at) + ")");
      code_.push_back({opcode, &words_[at], length});
      if (opcode == OpCapability && length >= 2 &&
          words_[at + 1] == kCapabilityPhysicalStorageBufferAddresses)
        fail("SPIR-V uses physical storage buffer addresses, which the "
             "runtime cannot bound");
      at += length;
    }
  }

  void findEntry(const std::string &entry) {
    for (const Instruction &in : code_) {
      if (in.opcode != OpEntryPoint || in.length < 4 ||
          in.w[1] != kExecutionModelGLCompute)
        continue;
      // The name is a nul-terminated literal packed into words 3...
      const char *name = reinterpret_cast<const char *>(&in.w[3]);
      size_t maxLength = (in.length - 3) * sizeof(uint32_t);
      if (std::string(name, strnlen(name, maxLength)) == entry)
        return;
    }
    fail("SPIR-V module has no GLCompute entry point '" + entry + "'");
  }

  uint32_t id(const Instruction &in, uint32_t word) const {
    if (word >= in.length)
      fail("malformed SPIR-V (instruction " + std::to_string(in.opcode) +
           " is " + std::to_string(in.length) + " words)");
    uint32_t v = in.w[word];
    if (v == 0 || v >= idBound_)
      fail("malformed SPIR-V (id " + std::to_string(v) +
           " outside the module's bound " + std::to_string(idBound_) + ")");
    return v;
  }

  void collectDecoration(const Instruction &in) {
    if (in.opcode == OpDecorate && in.length >= 3) {
      uint32_t target = id(in, 1), decoration = in.w[2];
      uint32_t value = in.length >= 4 ? in.w[3] : 0;
      switch (decoration) {
      case BufferBlock:
        bufferBlocks_.insert(target);
        break;
      case ArrayStride:
      case Binding:
      case DescriptorSet:
        if (in.length < 4)
          fail("malformed SPIR-V (decoration " + std::to_string(decoration) +
               " without its value)");
        values_[{target, decoration}] = value;
        break;
      default:
        break;
      }
    } else if (in.opcode == OpMemberDecorate && in.length >= 4) {
      uint32_t target = id(in, 1), member = in.w[2], decoration = in.w[3];
      if (decoration == Offset) {
        if (in.length < 5)
          fail("malformed SPIR-V (member offset without its value)");
        offsets_[{target, member}] = in.w[4];
      }
    }
  }

  void define(uint32_t resultId, Type type) {
    if (!types_.emplace(resultId, type).second)
      fail("malformed SPIR-V (id " + std::to_string(resultId) +
           " defined twice)");
  }
  /// A type defined earlier in the module (types precede their uses, so
  /// cycles cannot form).
  const Type &typeOf(uint32_t typeId) const {
    auto it = types_.find(typeId);
    if (it == types_.end())
      fail("malformed SPIR-V (id " + std::to_string(typeId) +
           " is used as a type before it is defined)");
    return it->second;
  }
  static uint64_t mul(uint64_t a, uint64_t b) {
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) || r > kMaxBytes ? kMaxBytes + 1
                                                             : r;
  }

  void defineType(const Instruction &in) {
    Type t;
    t.opcode = in.opcode;
    switch (in.opcode) {
    case OpTypeBool:
      define(id(in, 1), t); // not storable in a buffer: stays unsized
      return;
    case OpTypeInt:
    case OpTypeFloat: {
      uint32_t width = in.length >= 3 ? in.w[2] : 0;
      if (width == 0 || width % 8 != 0 || width > 64)
        fail("malformed SPIR-V (a " + std::to_string(width) +
             "-bit scalar type)");
      t.bytes = width / 8;
      t.sized = true;
      define(id(in, 1), t);
      return;
    }
    case OpTypeVector: {
      const Type &component = typeOf(id(in, 2));
      uint32_t count = in.length >= 4 ? in.w[3] : 0;
      t.sized = component.sized && count >= 2 && count <= 16;
      t.bytes = mul(component.bytes, count);
      define(id(in, 1), t);
      return;
    }
    case OpConstant: {
      // Array lengths: integer constants of up to 64 bits.
      const Type &type = typeOf(id(in, 1));
      if (type.opcode == OpTypeInt && in.length >= 4) {
        uint64_t value = in.w[3];
        if (type.bytes == 8 && in.length >= 5)
          value |= uint64_t(in.w[4]) << 32;
        constants_[id(in, 2)] = value;
      }
      return;
    }
    case OpTypeArray: {
      uint32_t result = id(in, 1);
      const Type &element = typeOf(id(in, 2));
      auto length = constants_.find(id(in, 3));
      auto stride = values_.find({result, ArrayStride});
      if (element.sized && !element.runtimeSized &&
          length != constants_.end() && length->second > 0 &&
          stride != values_.end()) {
        // The extent of the last element, at the stride or past it.
        uint64_t n = length->second;
        uint64_t last = mul(n - 1, stride->second) + element.bytes;
        t.bytes = std::max(mul(n, stride->second), last);
        t.sized = t.bytes <= kMaxBytes;
      }
      define(result, t);
      return;
    }
    case OpTypeRuntimeArray: {
      const Type &element = typeOf(id(in, 2));
      t.sized = element.sized && !element.runtimeSized;
      t.runtimeSized = true;
      define(id(in, 1), t);
      return;
    }
    case OpTypeStruct: {
      uint32_t result = id(in, 1);
      t.sized = true;
      for (uint32_t m = 0; m + 2 < in.length; ++m) {
        const Type &member = typeOf(id(in, m + 2));
        auto offset = offsets_.find({result, m});
        bool last = m + 3 == in.length;
        if (!member.sized || offset == offsets_.end() ||
            (member.runtimeSized && !last)) {
          t.sized = false;
          break;
        }
        t.runtimeSized = member.runtimeSized;
        t.bytes = std::max<uint64_t>(t.bytes, offset->second + member.bytes);
      }
      define(result, t);
      return;
    }
    case OpTypeMatrix:
      define(id(in, 1), t); // a layout this reader does not size
      return;
    case OpTypePointer:
      t.storageClass = in.length >= 3 ? in.w[2] : 0;
      t.pointee = id(in, 3);
      define(id(in, 1), t);
      return;
    default:
      return;
    }
  }

  void defineVariable(const Instruction &in) {
    if (in.length < 4)
      fail("malformed SPIR-V (a variable of " + std::to_string(in.length) +
           " words)");
    uint32_t typeId = id(in, 1), result = id(in, 2), storage = in.w[3];
    const Type &pointer = typeOf(typeId);
    if (pointer.opcode != OpTypePointer)
      fail("malformed SPIR-V (variable %" + std::to_string(result) +
           " is not of a pointer type)");
    if (storage == UniformConstant || storage == PushConstant ||
        storage == PhysicalStorageBuffer)
      fail("variable %" + std::to_string(result) + " is in storage class " +
           std::to_string(storage) +
           ": kernels take storage buffers only (their pipeline layout has "
           "nothing else)");
    if (storage != StorageBuffer && storage != Uniform)
      return; // private, workgroup, function or built-in input
    if (storage == Uniform && !bufferBlocks_.count(pointer.pointee))
      fail("variable %" + std::to_string(result) +
           " is a uniform buffer: kernels take storage buffers only");
    auto binding = values_.find({result, Binding});
    auto set = values_.find({result, DescriptorSet});
    if (binding == values_.end() || set == values_.end())
      fail("storage buffer %" + std::to_string(result) +
           " has no descriptor set and binding");
    const Type &type = typeOf(pointer.pointee);
    if (!type.sized)
      fail("storage buffer %" + std::to_string(result) + " (set " +
           std::to_string(set->second) + ", binding " +
           std::to_string(binding->second) +
           ") has a layout the runtime cannot size");
    Buffer b;
    b.set = set->second;
    b.binding = binding->second;
    b.bytes = type.bytes;
    b.runtimeSized = type.runtimeSized;
    rootOf_[result] = interface_.buffers.size();
    interface_.buffers.push_back(b);
  }

  /// Marks buffers written: stores, atomics that modify, and pointers that
  /// leave what this reader follows (function arguments, selects, phis,
  /// bitcasts, pointers stored as values).
  void findStores() {
    if (interface_.buffers.empty())
      return;
    // Pointers derived from a buffer (access chains, copies), to a fixed
    // point: a malformed module may use an id before its definition.
    for (bool grew = true; grew;) {
      grew = false;
      for (const Instruction &in : code_) {
        bool derives =
            in.opcode == OpAccessChain || in.opcode == OpInBoundsAccessChain ||
            in.opcode == OpPtrAccessChain ||
            in.opcode == OpInBoundsPtrAccessChain || in.opcode == OpCopyObject;
        if (!derives || in.length < 4)
          continue;
        auto root = rootOf_.find(in.w[3]);
        if (root != rootOf_.end() &&
            rootOf_.emplace(in.w[2], root->second).second)
          grew = true;
      }
    }
    auto write = [&](uint32_t pointer) {
      auto root = rootOf_.find(pointer);
      if (root != rootOf_.end())
        interface_.buffers[root->second].written = true;
    };
    for (const Instruction &in : code_) {
      switch (in.opcode) {
      case OpStore:
        if (in.length >= 3) {
          write(in.w[1]);
          write(in.w[2]); // a pointer stored as a value escapes
        }
        break;
      case OpCopyMemory:
      case OpCopyMemorySized:
      case OpAtomicStore:
      case OpAtomicFlagClear:
        if (in.length >= 2)
          write(in.w[1]);
        break;
      case OpAtomicFlagTestAndSet:
      case OpAtomicFMinEXT:
      case OpAtomicFMaxEXT:
      case OpAtomicFAddEXT:
        if (in.length >= 4)
          write(in.w[3]);
        break;
      case OpFunctionCall:
      case OpSelect:
      case OpPhi:
      case OpBitcast:
        for (uint32_t k = 3; k < in.length; ++k)
          write(in.w[k]);
        break;
      default:
        if (in.opcode > OpAtomicStore && in.opcode <= OpAtomicXor &&
            in.length >= 4)
          write(in.w[3]);
        break;
      }
    }
  }

  const uint32_t *words_;
  size_t numWords_;
  const std::string &label_;
  uint32_t idBound_ = 0;
  std::vector<Instruction> code_;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> values_; // (id, deco)
  std::unordered_set<uint32_t> bufferBlocks_; // old-style storage buffers
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> offsets_; // (struct, m)
  std::unordered_map<uint32_t, Type> types_;
  std::unordered_map<uint32_t, uint64_t> constants_;
  std::unordered_map<uint32_t, size_t> rootOf_; // pointer -> buffer index
  Interface interface_;
};

} // namespace

Interface readInterface(const uint32_t *words, size_t numWords,
                        const std::string &entry, const std::string &label) {
  return Reader(words, numWords, label).read(entry);
}

void checkBindings(const Interface &interface,
                   const std::vector<BoundBuffer> &bound,
                   const std::string &label) {
  auto corrupt = [&](const std::string &what) {
    return AssetError(AssetError::Code::Corrupt, label + ": " + what);
  };
  for (const Buffer &b : interface.buffers) {
    std::string where = "its SPIR-V binding " + std::to_string(b.binding);
    if (b.set != 0)
      throw corrupt(where + " is in descriptor set " + std::to_string(b.set) +
                    "; steps bind set 0 only");
    if (b.binding >= bound.size())
      throw corrupt(where + " is past the " + std::to_string(bound.size()) +
                    " buffers the step binds");
    const BoundBuffer &given = bound[b.binding];
    if (given.bytes < b.bytes)
      throw corrupt(given.what + " (" + std::to_string(given.bytes) +
                    " bytes) is bound to " + where + ", which the code uses " +
                    (b.runtimeSized ? "at least " : "") +
                    std::to_string(b.bytes) + " bytes of");
    if (b.written && !given.writable)
      throw corrupt(given.what + " is bound to " + where +
                    ", which the code writes");
  }
}

} // namespace coreai::runtime::spirv

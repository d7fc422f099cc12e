//===- TensorProto.cpp - onnx.TensorProto from the protobuf wire format ---===//
//
// Reads the handful of TensorProto fields that carry a dense tensor:
//   1 dims (int64, packed or not)      2 data_type (int32, ONNX numbering)
//   4 float_data (packed or not)       5 int32_data (also int8/int16/uint8/
//   7 int64_data                         uint16/bool/float16/bfloat16 bits)
//   8 name                             9 raw_data (little-endian bytes)
//  10 double_data                     11 uint64_data (also uint32)
//  13 external_data, 14 data_location (refused: data outside the file)
// and skips every other field, as protobuf readers do.
//
//===----------------------------------------------------------------------===//
#include "coreai/TensorIO.h"

#include "lib/Bundle/Shape.h"

#include <cstring>

namespace coreai::runtime {
namespace {

[[noreturn]] void bad(const std::string &message) {
  throw TensorFileError(message);
}

enum WireType { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

class WireReader {
public:
  WireReader(const uint8_t *p, size_t n) : p_(p), end_(p + n) {}

  bool done() const { return p_ >= end_; }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_)
        bad("malformed TensorProto (truncated varint)");
      uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
    bad("malformed TensorProto (varint too long)");
  }

  template <typename T> T fixed() {
    if (static_cast<size_t>(end_ - p_) < sizeof(T))
      bad("malformed TensorProto (truncated fixed-size field)");
    T v;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }

  /// A length-delimited field's payload.
  WireReader bytes() {
    uint64_t n = varint();
    if (n > static_cast<uint64_t>(end_ - p_))
      bad("malformed TensorProto (field runs past the end of the file)");
    WireReader sub(p_, static_cast<size_t>(n));
    p_ += n;
    return sub;
  }

  void skip(int wireType) {
    switch (wireType) {
    case Varint: varint(); return;
    case Fixed64: fixed<uint64_t>(); return;
    case Bytes: bytes(); return;
    case Fixed32: fixed<uint32_t>(); return;
    default:
      bad("malformed TensorProto (unsupported wire type " +
          std::to_string(wireType) + ")");
    }
  }

  const uint8_t *pos() const { return p_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

private:
  const uint8_t *p_;
  const uint8_t *end_;
};

/// Appends a repeated scalar field's value(s): either one unpacked element of
/// wire type `elemWire`, or a packed run of them.
template <typename T, typename Read>
void readRepeated(WireReader &r, int wireType, int elemWire, int field,
                  std::vector<T> &out, Read read) {
  if (wireType == Bytes && elemWire != Bytes) {
    WireReader packed = r.bytes();
    while (!packed.done())
      out.push_back(read(packed));
  } else if (wireType == elemWire) {
    out.push_back(read(r));
  } else {
    bad("malformed TensorProto (field " + std::to_string(field) +
        " has wire type " + std::to_string(wireType) + ")");
  }
}

struct Fields {
  std::vector<int64_t> dims;
  uint64_t dataType = 0;
  std::vector<float> floats;
  std::vector<int32_t> int32s;
  std::vector<int64_t> int64s;
  std::vector<double> doubles;
  std::vector<uint64_t> uint64s;
  const uint8_t *raw = nullptr;
  size_t rawSize = 0;
  bool hasRaw = false;
  bool hasStrings = false;
  bool external = false;
  std::string name;
};

Fields readFields(const uint8_t *data, size_t size) {
  Fields f;
  WireReader r(data, size);
  auto varint = [](WireReader &w) { return w.varint(); };
  while (!r.done()) {
    uint64_t key = r.varint();
    int field = static_cast<int>(key >> 3);
    int wire = static_cast<int>(key & 7);
    switch (field) {
    case 1:
      readRepeated(r, wire, Varint, field, f.dims, [](WireReader &w) {
        return static_cast<int64_t>(w.varint());
      });
      break;
    case 2:
      if (wire != Varint)
        bad("malformed TensorProto (data_type has wire type " +
            std::to_string(wire) + ")");
      f.dataType = r.varint();
      break;
    case 4:
      readRepeated(r, wire, Fixed32, field, f.floats,
                   [](WireReader &w) { return w.fixed<float>(); });
      break;
    case 5:
      // int32 values are sign-extended to 64 bits on the wire.
      readRepeated(r, wire, Varint, field, f.int32s, [](WireReader &w) {
        return static_cast<int32_t>(w.varint());
      });
      break;
    case 6:
      f.hasStrings = true;
      r.skip(wire);
      break;
    case 7:
      readRepeated(r, wire, Varint, field, f.int64s, [](WireReader &w) {
        return static_cast<int64_t>(w.varint());
      });
      break;
    case 8: {
      if (wire != Bytes)
        bad("malformed TensorProto (name has wire type " +
            std::to_string(wire) + ")");
      WireReader s = r.bytes();
      f.name.assign(reinterpret_cast<const char *>(s.pos()), s.remaining());
      break;
    }
    case 9: {
      if (wire != Bytes)
        bad("malformed TensorProto (raw_data has wire type " +
            std::to_string(wire) + ")");
      WireReader s = r.bytes();
      f.raw = s.pos();
      f.rawSize = s.remaining();
      f.hasRaw = true;
      break;
    }
    case 10:
      readRepeated(r, wire, Fixed64, field, f.doubles,
                   [](WireReader &w) { return w.fixed<double>(); });
      break;
    case 11:
      readRepeated(r, wire, Varint, field, f.uint64s, varint);
      break;
    case 13:
      f.external = true;
      r.skip(wire);
      break;
    case 14:
      if (wire == Varint && r.varint() == 1)
        f.external = true;
      else if (wire != Varint)
        r.skip(wire);
      break;
    default:
      if (field == 0)
        bad("malformed TensorProto (field number 0)");
      r.skip(wire);
    }
  }
  return f;
}

/// Where values of `dtype` are stored when raw_data is not used.
enum class Storage { Float, Double, Int32, Int64, UInt64 };

Storage storageFor(DType dtype) {
  switch (dtype) {
  case DType::F32: return Storage::Float;
  case DType::F64: return Storage::Double;
  case DType::I64: return Storage::Int64;
  case DType::U32:
  case DType::U64: return Storage::UInt64;
  // Everything narrower, including the bit patterns of 16-bit floats.
  default: return Storage::Int32;
  }
}

/// Bits per value of the types ONNX files pack several to a byte, else 0.
unsigned packedBitsOf(DType t) {
  switch (t) {
  case DType::I4:
  case DType::U4:
  case DType::F4E2M1: return 4;
  case DType::I2:
  case DType::U2: return 2;
  default: return 0;
  }
}

const char *storageName(Storage s) {
  switch (s) {
  case Storage::Float: return "float_data";
  case Storage::Double: return "double_data";
  case Storage::Int32: return "int32_data";
  case Storage::Int64: return "int64_data";
  case Storage::UInt64: return "uint64_data";
  }
  return "?";
}

size_t storedCount(const Fields &f, Storage s) {
  switch (s) {
  case Storage::Float: return f.floats.size();
  case Storage::Double: return f.doubles.size();
  case Storage::Int32: return f.int32s.size();
  case Storage::Int64: return f.int64s.size();
  case Storage::UInt64: return f.uint64s.size();
  }
  return 0;
}

/// Stores `values` into `out` element by element, narrowing to T.
template <typename T, typename Src>
void store(NDArray &out, const std::vector<Src> &values) {
  T *dst = out.dataAs<T>();
  for (size_t i = 0; i < values.size(); ++i)
    dst[i] = static_cast<T>(values[i]);
}

} // namespace

NDArray parseTensorProto(const uint8_t *data, size_t size, std::string *name) {
  Fields f = readFields(data, size);
  if (f.external)
    bad("TensorProto with external data is not supported");
  if (f.dataType == 0)
    bad("TensorProto has no data_type (is this a TensorProto .pb file?)");
  DType dtype = static_cast<DType>(f.dataType);
  if (f.dataType > 255 || !bundle::isKnownDType(static_cast<uint8_t>(f.dataType)))
    bad("unsupported TensorProto data_type " + std::to_string(f.dataType) +
        (f.hasStrings ? " (string)" : ""));
  uint64_t bytes;
  if (!bundle::byteSize(dtype, f.dims, bytes))
    bad("invalid TensorProto dims " + bundle::formatShape(f.dims));

  // Sizes are checked before allocating, so a small file cannot make us
  // allocate a huge tensor.
  uint64_t count = bytes / dtypeSize(dtype);
  // The 4- and 2-bit types are packed (low bits first) in raw_data, and one
  // packed byte per int32_data entry; in memory they are one per byte.
  unsigned packedBits = packedBitsOf(dtype);
  if (packedBits) {
    uint64_t perByte = 8 / packedBits;
    uint64_t stored = (count + perByte - 1) / perByte;
    if (f.hasRaw ? f.rawSize != stored : f.int32s.size() != stored)
      bad("TensorProto has " +
          std::to_string(f.hasRaw ? f.rawSize : f.int32s.size()) +
          " packed bytes, expected " + std::to_string(stored) + " for " +
          bundle::formatType(dtype, f.dims));
    NDArray out(dtype, f.dims);
    if (name)
      *name = f.name;
    bool isSigned = dtype == DType::I4 || dtype == DType::I2;
    uint8_t *dst = out.dataAs<uint8_t>();
    for (uint64_t i = 0; i < count; ++i) {
      uint8_t byte = f.hasRaw ? f.raw[i / perByte]
                              : static_cast<uint8_t>(f.int32s[i / perByte]);
      unsigned v = (byte >> (i % perByte * packedBits)) & ((1u << packedBits) - 1);
      if (isSigned && (v >> (packedBits - 1)))
        v |= ~0u << packedBits;
      dst[i] = static_cast<uint8_t>(v);
    }
    return out;
  }
  Storage storage = storageFor(dtype);
  if (f.hasRaw && f.rawSize != bytes)
    bad("TensorProto raw_data has " + std::to_string(f.rawSize) +
        " bytes, expected " + std::to_string(bytes) + " for " +
        bundle::formatType(dtype, f.dims));
  if (!f.hasRaw && storedCount(f, storage) != count)
    bad("TensorProto has " + std::to_string(storedCount(f, storage)) +
        " values in " + storageName(storage) + ", expected " +
        std::to_string(count) + " for " + bundle::formatType(dtype, f.dims));

  NDArray out(dtype, f.dims);
  if (name)
    *name = f.name;
  if (f.hasRaw) {
    if (bytes)
      std::memcpy(out.data(), f.raw, bytes);
    return out;
  }
  switch (dtype) {
  case DType::F32: store<float>(out, f.floats); break;
  case DType::F64: store<double>(out, f.doubles); break;
  case DType::I64: store<int64_t>(out, f.int64s); break;
  case DType::U32: store<uint32_t>(out, f.uint64s); break;
  case DType::U64: store<uint64_t>(out, f.uint64s); break;
  case DType::I32: store<int32_t>(out, f.int32s); break;
  case DType::I16: store<int16_t>(out, f.int32s); break;
  case DType::I8: store<int8_t>(out, f.int32s); break;
  case DType::U16:
  case DType::F16:
  case DType::BF16: store<uint16_t>(out, f.int32s); break;
  case DType::U8:
  case DType::Bool:
  case DType::F8E4M3FN:
  case DType::F8E4M3FNUZ:
  case DType::F8E5M2:
  case DType::F8E5M2FNUZ:
  case DType::F8E8M0: store<uint8_t>(out, f.int32s); break;
  default:
    bad(std::string("unsupported TensorProto data_type ") + dtypeName(dtype));
  }
  return out;
}

} // namespace coreai::runtime

//===- NpyFormat.cpp - numpy .npy encoding and decoding -------------------===//
//
// Format reference: numpy/lib/format.py. A file is the magic "\x93NUMPY", a
// version (1.0: u16 header length; 2.0 and 3.0: u32), a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with
// spaces and a newline, then the raw elements.
//
//===----------------------------------------------------------------------===//
#include "coreai/TensorIO.h"

#include "lib/Bundle/BundleFormat.h"
#include "lib/Bundle/Shape.h"
#include "lib/Runtime/Half.h"

#include <cstring>

namespace coreai::runtime {
namespace {

const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

[[noreturn]] void bad(const std::string &message) {
  throw TensorFileError(message);
}

struct DescrEntry {
  const char *code; // type and size, e.g. "f4"
  DType dtype;
};

const DescrEntry kDescrs[] = {
    {"f4", DType::F32}, {"f8", DType::F64}, {"f2", DType::F16},
    {"i1", DType::I8},  {"i2", DType::I16}, {"i4", DType::I32},
    {"i8", DType::I64}, {"u1", DType::U8},  {"u2", DType::U16},
    {"u4", DType::U32}, {"u8", DType::U64}, {"b1", DType::Bool},
};

DType parseDescr(const std::string &descr) {
  if (descr.size() == 3 && std::strchr("<>|=", descr[0])) {
    std::string code = descr.substr(1);
    for (const DescrEntry &e : kDescrs) {
      if (code != e.code)
        continue;
      if (descr[0] == '>' && dtypeSize(e.dtype) > 1)
        bad("big-endian .npy data ('" + descr + "') is not supported");
      return e.dtype;
    }
  }
  bad("unsupported .npy dtype '" + descr + "'");
}

/// A tiny parser for the header dict: string, bool and int-tuple values.
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : s_(text) {}

  void parse(std::string &descr, bool &fortran, std::vector<int64_t> &shape) {
    bool haveDescr = false, haveFortran = false, haveShape = false;
    expect('{');
    while (!peek('}')) {
      std::string key = string();
      expect(':');
      if (key == "descr") {
        if (!peek('\'') && !peek('"'))
          bad("unsupported .npy dtype (structured arrays are not supported)");
        descr = string();
        haveDescr = true;
      } else if (key == "fortran_order") {
        fortran = boolean();
        haveFortran = true;
      } else if (key == "shape") {
        shape = tuple();
        haveShape = true;
      } else {
        bad("unexpected key '" + key + "' in the .npy header");
      }
      if (!peek('}'))
        expect(',');
    }
    expect('}');
    if (!haveDescr || !haveFortran || !haveShape)
      bad("malformed .npy header (needs 'descr', 'fortran_order' and "
          "'shape')");
  }

private:
  void skipSpace() {
    while (i_ < s_.size() && std::strchr(" \t\n\r", s_[i_]))
      ++i_;
  }
  bool peek(char c) {
    skipSpace();
    return i_ < s_.size() && s_[i_] == c;
  }
  void expect(char c) {
    if (!peek(c))
      bad(std::string("malformed .npy header (expected '") + c + "')");
    ++i_;
  }
  std::string string() {
    skipSpace();
    if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"'))
      bad("malformed .npy header (expected a string)");
    char quote = s_[i_++];
    size_t end = s_.find(quote, i_);
    if (end == std::string::npos)
      bad("malformed .npy header (unterminated string)");
    std::string v = s_.substr(i_, end - i_);
    i_ = end + 1;
    return v;
  }
  bool boolean() {
    skipSpace();
    if (s_.compare(i_, 4, "True") == 0) {
      i_ += 4;
      return true;
    }
    if (s_.compare(i_, 5, "False") == 0) {
      i_ += 5;
      return false;
    }
    bad("malformed .npy header (expected True or False)");
  }
  std::vector<int64_t> tuple() {
    std::vector<int64_t> dims;
    expect('(');
    while (!peek(')')) {
      skipSpace();
      int64_t v = 0;
      size_t start = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
        if (__builtin_mul_overflow(v, 10, &v) ||
            __builtin_add_overflow(v, s_[i_] - '0', &v))
          bad("malformed .npy header (dimension too large)");
        ++i_;
      }
      if (i_ == start)
        bad("malformed .npy header (expected a dimension)");
      if (i_ < s_.size() && s_[i_] == 'L') // Python 2 long
        ++i_;
      dims.push_back(v);
      if (!peek(')'))
        expect(',');
    }
    expect(')');
    return dims;
  }

  const std::string &s_;
  size_t i_ = 0;
};

std::string shapeTuple(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

const char *descrFor(DType dtype) {
  switch (dtype) {
  case DType::F32: return "<f4";
  case DType::F64: return "<f8";
  case DType::F16: return "<f2";
  case DType::I8: return "|i1";
  case DType::I16: return "<i2";
  case DType::I32: return "<i4";
  case DType::I64: return "<i8";
  case DType::U8: return "|u1";
  case DType::U16: return "<u2";
  case DType::U32: return "<u4";
  case DType::U64: return "<u8";
  case DType::Bool: return "|b1";
  default: return nullptr;
  }
}

} // namespace

NDArray parseNpy(const uint8_t *data, size_t size) {
  if (size < kMagicSize + 4 || std::memcmp(data, kMagic, kMagicSize) != 0)
    bad("not a .npy file (bad magic)");
  uint8_t major = data[6];
  size_t headerLen, pos;
  if (major == 1) {
    headerLen = data[8] | (size_t(data[9]) << 8);
    pos = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12)
      bad("truncated .npy header");
    headerLen = data[8] | (size_t(data[9]) << 8) | (size_t(data[10]) << 16) |
                (size_t(data[11]) << 24);
    pos = 12;
  } else {
    bad("unsupported .npy version " + std::to_string(major) + "." +
        std::to_string(data[7]));
  }
  if (headerLen > size - pos)
    bad("truncated .npy header");
  std::string header(reinterpret_cast<const char *>(data + pos), headerLen);
  pos += headerLen;

  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
  HeaderParser(header).parse(descr, fortran, shape);
  DType dtype = parseDescr(descr);
  if (fortran)
    bad("Fortran-order .npy data is not supported (save it in C order)");

  uint64_t bytes;
  if (!bundle::byteSize(dtype, shape, bytes))
    bad("invalid .npy shape " + shapeTuple(shape));
  uint64_t have = size - pos;
  if (have < bytes)
    bad("truncated .npy data (expected " + std::to_string(bytes) +
        " bytes, got " + std::to_string(have) + ")");
  if (have > bytes)
    bad(std::to_string(have - bytes) +
        " unexpected bytes after the .npy data (expected " +
        std::to_string(bytes) + ")");
  NDArray array(dtype, shape);
  if (bytes)
    std::memcpy(array.data(), data + pos, bytes);
  return array;
}

std::vector<uint8_t> encodeNpy(const NDArray &in) {
  // numpy has no bfloat16, float8 or float4: they widen to float32. The 4-
  // and 2-bit integers are already one per byte: int8/uint8.
  NDArray widened;
  DType t = in.dtype();
  if (t == DType::BF16 || isNarrowFloat(t)) {
    widened = NDArray(DType::F32, in.shape());
    float *dst = widened.dataAs<float>();
    for (uint64_t i = 0; i < in.elementCount(); ++i)
      dst[i] = t == DType::BF16
                   ? bfloat16ToFloat(in.dataAs<uint16_t>()[i])
                   : narrowFloatToFloat(t, in.dataAs<uint8_t>()[i]);
  } else if (t == DType::I4 || t == DType::I2 || t == DType::U4 ||
             t == DType::U2) {
    widened = NDArray(t == DType::I4 || t == DType::I2 ? DType::I8 : DType::U8,
                      in.shape());
    if (in.byteSize())
      std::memcpy(widened.data(), in.data(), in.byteSize());
  }
  const NDArray &array = widened.dtype() == DType::Undefined ? in : widened;
  const char *descr = descrFor(array.dtype());
  if (!descr)
    throw TensorFileError(std::string(dtypeName(array.dtype())) +
                          " cannot be stored in a .npy file");
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " +
                       shapeTuple(array.shape()) + ", }";
  // numpy pads so the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append(bundle::alignUp(total, 64) - total, ' ');
  header += '\n';
  if (header.size() > 0xffff)
    throw TensorFileError("the .npy header is too long (rank too large)");

  std::vector<uint8_t> out(kMagic, kMagic + kMagicSize);
  out.push_back(1);
  out.push_back(0);
  out.push_back(static_cast<uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  const uint8_t *p = static_cast<const uint8_t *>(array.data());
  out.insert(out.end(), p, p + array.byteSize());
  return out;
}

} // namespace coreai::runtime

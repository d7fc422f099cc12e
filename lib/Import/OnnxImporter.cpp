//===- OnnxImporter.cpp - ONNX ModelProto -> aigraph ----------------------===//
//
// Graph-level import: inputs (with --shape bindings), initializers, node
// dispatch, outputs. Per-op translation is in the Onnx*.cpp files, each
// registering its family's ops (populate...Importers) in the table that
// lookupOpImporter reads; compile-time evaluation of shape computations is
// in OnnxConstantFolding.cpp.
//
//===----------------------------------------------------------------------===//
#include "lib/Import/OnnxImporter.h"
#include "lib/Import/OnnxNodeName.h"

#include "dialects/AIGraph/NarrowTypes.h"

#include "dialects/AIGraph/AttributeNames.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/unknown_field_set.h>

#include <limits>

using namespace mlir;
using namespace coreai::onnx_import;

namespace {
std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? "x" : "") + std::to_string(d);
  return s;
}
} // namespace

FailureOr<Type> GraphImporter::elementType(int32_t t) {
  switch (t) {
  case onnx::TensorProto::FLOAT: return Type(builder.getF32Type());
  case onnx::TensorProto::DOUBLE: return Type(builder.getF64Type());
  case onnx::TensorProto::FLOAT16: return Type(builder.getF16Type());
  case onnx::TensorProto::BFLOAT16: return Type(builder.getBF16Type());
  case onnx::TensorProto::BOOL: return Type(builder.getI1Type());
  case onnx::TensorProto::INT8: return Type(builder.getIntegerType(8));
  case onnx::TensorProto::INT16: return Type(builder.getIntegerType(16));
  case onnx::TensorProto::INT32: return Type(builder.getIntegerType(32));
  case onnx::TensorProto::INT64: return Type(builder.getIntegerType(64));
  case onnx::TensorProto::UINT8: return Type(builder.getIntegerType(8, false));
  case onnx::TensorProto::UINT16: return Type(builder.getIntegerType(16, false));
  case onnx::TensorProto::UINT32: return Type(builder.getIntegerType(32, false));
  case onnx::TensorProto::UINT64: return Type(builder.getIntegerType(64, false));
  // Types newer than the protobuf definitions of Debian's libonnx: by number.
  case 17: return Type(builder.getType<Float8E4M3FNType>());
  case 18: return Type(builder.getType<Float8E4M3FNUZType>());
  case 19: return Type(builder.getType<Float8E5M2Type>());
  case 20: return Type(builder.getType<Float8E5M2FNUZType>());
  case 21: return Type(builder.getIntegerType(4, false));
  case 22: return Type(builder.getIntegerType(4));
  case 23: return Type(builder.getType<Float4E2M1FNType>());
  case 24: return Type(builder.getType<Float8E8M0FNUType>());
  case 25: return Type(builder.getIntegerType(2, false));
  case 26: return Type(builder.getIntegerType(2));
  default: {
    static const char *const names[] = {
        "UNDEFINED", "FLOAT",  "UINT8",     "INT8",   "UINT16", "INT16",
        "INT32",     "INT64",  "STRING",    "BOOL",   "FLOAT16", "DOUBLE",
        "UINT32",    "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
    std::string name = t >= 0 && t < (int32_t)std::size(names)
                           ? names[t]
                           : "unknown";
    return emitError(loc) << "element type " << name << " (" << t
                          << ") is not supported";
  }
  }
}

/// Whether `path` lies strictly inside folder `dir`, comparing whole
/// components ("/a/bc" is not inside "/a/b"). Both are resolved paths.
static bool isInsideFolder(StringRef path, StringRef dir) {
  auto p = llvm::sys::path::begin(path), pe = llvm::sys::path::end(path);
  for (auto d = llvm::sys::path::begin(dir), de = llvm::sys::path::end(dir);
       d != de; ++d, ++p)
    if (p == pe || *p != *d)
      return false;
  return p != pe;
}

FailureOr<StringRef> GraphImporter::readExternalData(const onnx::TensorProto &t,
                                                     StringRef dataDir) {
  auto fail = [&]() -> InFlightDiagnostic {
    auto diag = emitError(loc);
    diag << "tensor '" << t.name() << "': ";
    return diag;
  };
  if (dataDir.empty())
    return fail() << "its data is in an external file, but the model was "
                     "not read from a file, so there is no folder to find "
                     "it in";
  std::optional<std::string> location, offsetText, lengthText;
  for (const auto &entry : t.external_data()) {
    // "checksum" and keys of later ONNX versions are not needed to read.
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset")
      offsetText = entry.value();
    else if (entry.key() == "length")
      lengthText = entry.value();
  }
  if (!location || location->empty())
    return fail() << "its data is in an external file, but it has no "
                     "'location' entry";
  // The location comes from the model, which may be untrusted: it may only
  // name files in the model's folder. First lexically, so that nothing
  // outside is even looked at...
  if (llvm::sys::path::is_absolute(*location))
    return fail() << "external data location '" << *location
                  << "' is absolute; it must be relative to the model's "
                     "folder";
  int depth = 0;
  for (StringRef part : llvm::make_range(llvm::sys::path::begin(*location),
                                         llvm::sys::path::end(*location))) {
    if (part == ".")
      continue;
    depth += part == ".." ? -1 : 1;
    if (depth < 0)
      return fail() << "external data location '" << *location
                    << "' leaves the model's folder '" << dataDir << "'";
  }
  SmallString<256> path(dataDir);
  llvm::sys::path::append(path, *location);
  // ...then after resolving symlinks, on both sides.
  SmallString<256> realDir, realPath;
  if (std::error_code ec = llvm::sys::fs::real_path(dataDir, realDir))
    return fail() << "cannot resolve the model's folder '" << dataDir
                  << "': " << ec.message();
  if (std::error_code ec = llvm::sys::fs::real_path(path, realPath))
    return fail() << "cannot open external data file '" << path
                  << "': " << ec.message();
  if (!isInsideFolder(realPath, realDir))
    return fail() << "external data location '" << *location
                  << "' resolves to '" << realPath
                  << "', outside the model's folder '" << realDir << "'";

  auto [it, inserted] = externalFiles.try_emplace(realPath);
  if (inserted) {
    // Mapped, not copied: weights can be gigabytes.
    auto buffer = llvm::MemoryBuffer::getFile(realPath, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      externalFiles.erase(it);
      return fail() << "cannot open external data file '" << path
                    << "': " << buffer.getError().message();
    }
    it->second = std::move(*buffer);
    if (options.dependencies)
      options.dependencies->push_back(std::string(path));
  }
  StringRef file = it->second->getBuffer();

  uint64_t offset = 0, length = 0;
  if (offsetText && StringRef(*offsetText).getAsInteger(10, offset))
    return fail() << "external data offset '" << *offsetText
                  << "' is not a non-negative integer";
  if (lengthText && StringRef(*lengthText).getAsInteger(10, length))
    return fail() << "external data length '" << *lengthText
                  << "' is not a non-negative integer";
  if (offset > file.size())
    return fail() << "external data offset " << offset
                  << " is past the end of '" << path << "' (" << file.size()
                  << " bytes)";
  // Without a length, the data runs to the end of the file.
  if (!lengthText)
    length = file.size() - offset;
  if (length > file.size() - offset)
    return fail() << "external data at offset " << offset << " with length "
                  << length << " runs past the end of '" << path << "' ("
                  << file.size() << " bytes)";
  return file.substr(offset, length);
}

FailureOr<DenseElementsAttr>
GraphImporter::tensorToAttr(const onnx::TensorProto &t) {
  return tensorToAttrIn(t, modelDir);
}

FailureOr<DenseElementsAttr>
GraphImporter::tensorToAttrIn(const onnx::TensorProto &t, StringRef dataDir) {
  auto et = elementType(t.data_type());
  if (failed(et))
    return failure();
  SmallVector<int64_t> shape(t.dims().begin(), t.dims().end());
  for (int64_t d : shape)
    if (d < 0)
      return emitError(loc) << "tensor '" << t.name() << "' has a negative dim";
  // Counts in bits must not wrap: a crafted shape would otherwise pass the
  // size checks below with a tiny buffer.
  int64_t elements = 1;
  for (int64_t d : shape)
    if (llvm::MulOverflow(elements, d, elements) ||
        elements > std::numeric_limits<int64_t>::max() / 64)
      return emitError(loc)
             << "tensor '" << t.name() << "' has shape [" << shapeString(shape)
             << "], more elements than any tensor can hold";
  auto type = RankedTensorType::get(shape, *et);
  int64_t count = type.getNumElements();
  unsigned bits = et->getIntOrFloatBitWidth();

  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    auto raw = readExternalData(t, dataDir);
    if (failed(raw))
      return failure();
    // Stored like raw_data: bools one byte each, 4- and 2-bit types packed.
    uint64_t want = bits == 1  ? count
                    : bits < 8 ? (count * bits + 7) / 8
                               : count * (bits / 8);
    if (raw->size() != want) {
      // The type unquoted, as in the other size messages.
      std::string typeName;
      llvm::raw_string_ostream(typeName) << *et;
      return emitError(loc) << "tensor '" << t.name() << "' has " << raw->size()
                            << " bytes of external data, its "
                            << "shape [" << shapeString(shape) << "] of "
                            << typeName << " needs " << want;
    }
    return rawTensorToAttr(t, type, *raw);
  }
  if (t.has_raw_data())
    return rawTensorToAttr(t, type, t.raw_data());
  if (aigraph::isNarrowType(*et)) {
    // One byte (already packed for 4- and 2-bit types) per int32_data entry.
    std::string bytes;
    for (int32_t x : t.int32_data())
      bytes.push_back((char)(uint8_t)x);
    return narrowTensorToAttr(t, type, bytes);
  }

  auto sizeError = [&](size_t got) {
    return emitError(loc) << "tensor '" << t.name() << "' holds " << got
                          << " values, its shape [" << shapeString(shape)
                          << "] needs " << count;
  };
  // Typed fields: which one holds the data depends on the element type.
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT: {
    if (t.float_data_size() != count)
      return sizeError(t.float_data_size());
    SmallVector<float> v(t.float_data().begin(), t.float_data().end());
    return DenseElementsAttr::get(type, ArrayRef<float>(v));
  }
  case onnx::TensorProto::DOUBLE: {
    if (t.double_data_size() != count)
      return sizeError(t.double_data_size());
    SmallVector<double> v(t.double_data().begin(), t.double_data().end());
    return DenseElementsAttr::get(type, ArrayRef<double>(v));
  }
  case onnx::TensorProto::INT64: {
    if (t.int64_data_size() != count)
      return sizeError(t.int64_data_size());
    SmallVector<int64_t> v(t.int64_data().begin(), t.int64_data().end());
    return DenseElementsAttr::get(type, ArrayRef<int64_t>(v));
  }
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64: {
    if (t.uint64_data_size() != count)
      return sizeError(t.uint64_data_size());
    SmallVector<APInt> v;
    for (uint64_t x : t.uint64_data())
      v.push_back(APInt(bits, x));
    return DenseElementsAttr::get(type, v);
  }
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16: {
    if (t.int32_data_size() != count)
      return sizeError(t.int32_data_size());
    SmallVector<APFloat> v;
    const auto &sem = cast<FloatType>(*et).getFloatSemantics();
    for (int32_t x : t.int32_data())
      v.push_back(APFloat(sem, APInt(16, (uint16_t)x)));
    return DenseElementsAttr::get(type, v);
  }
  default: {
    // int32, int16, int8, uint16, uint8, bool: stored widened in int32_data.
    if (t.int32_data_size() != count)
      return sizeError(t.int32_data_size());
    if (bits == 1) {
      SmallVector<bool> v;
      for (int32_t x : t.int32_data())
        v.push_back(x != 0);
      return DenseElementsAttr::get(type, ArrayRef<bool>(v));
    }
    SmallVector<APInt> v;
    for (int32_t x : t.int32_data())
      v.push_back(APInt(bits, (uint64_t)(int64_t)x, /*isSigned=*/true,
                        /*implicitTrunc=*/true));
    return DenseElementsAttr::get(type, v);
  }
  }
}

FailureOr<DenseElementsAttr>
GraphImporter::rawTensorToAttr(const onnx::TensorProto &t,
                               RankedTensorType type, StringRef raw) {
  Type et = type.getElementType();
  if (aigraph::isNarrowType(et))
    return narrowTensorToAttr(t, type, raw);
  int64_t count = type.getNumElements();
  unsigned bits = et.getIntOrFloatBitWidth();
  size_t bytes = bits == 1 ? 1 : bits / 8;
  if (raw.size() != count * bytes)
    return emitError(loc) << "tensor '" << t.name() << "' holds "
                          << raw.size() / bytes << " values, its shape ["
                          << shapeString(type.getShape()) << "] needs "
                          << count;
  if (bits == 1) {
    SmallVector<bool> v(raw.begin(), raw.end());
    return DenseElementsAttr::get(type, ArrayRef<bool>(v));
  }
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(raw.data(), raw.size()));
}

/// 8-bit floats: one byte per value. 4- and 2-bit types: packed, low bits
/// first.
FailureOr<DenseElementsAttr>
GraphImporter::narrowTensorToAttr(const onnx::TensorProto &t,
                                  RankedTensorType type, StringRef bytes) {
  Type et = type.getElementType();
  unsigned bits = et.getIntOrFloatBitWidth();
  int64_t count = type.getNumElements();
  int64_t perByte = 8 / bits;
  size_t want = (count + perByte - 1) / perByte;
  if (bytes.size() != want)
    return emitError(loc) << "tensor '" << t.name() << "' holds "
                          << bytes.size() << " bytes, its " << count << " "
                          << et << " values need " << want;
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i) {
    uint64_t code = ((uint8_t)bytes[i / perByte] >> (i % perByte * bits)) &
                    ((1u << bits) - 1);
    if (auto ft = dyn_cast<FloatType>(et))
      values.push_back(
          FloatAttr::get(ft, APFloat(ft.getFloatSemantics(), APInt(bits, code))));
    else
      values.push_back(IntegerAttr::get(et, APInt(bits, code)));
  }
  return DenseElementsAttr::get(type, values);
}

FailureOr<RankedTensorType>
GraphImporter::inputType(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type())
    return emitError(loc) << "input '" << info.name()
                          << "' is not a tensor (sequences, maps and "
                             "optionals cannot be compiled ahead of time)";
  const auto &tt = info.type().tensor_type();
  auto et = elementType(tt.elem_type());
  if (failed(et))
    return failure();
  SmallVector<int64_t> shape;
  SmallVector<std::string> symbolic;
  for (const auto &d : tt.shape().dim()) {
    if (d.has_dim_value() && d.dim_value() >= 0) {
      shape.push_back(d.dim_value());
    } else {
      shape.push_back(ShapedType::kDynamic);
      symbolic.push_back(d.has_dim_param() ? d.dim_param() : "?");
    }
  }
  auto bound = options.shapes.find(info.name());
  if (bound != options.shapes.end()) {
    const auto &want = bound->second;
    if (want.size() != shape.size())
      return emitError(loc) << "--shape " << info.name() << "="
                            << shapeString(want) << " has rank "
                            << want.size() << ", the input has rank "
                            << shape.size();
    for (size_t i = 0; i < shape.size(); ++i) {
      // Exporters often fix a batch of 1 that the graph does not depend
      // on: rebinding a static dim is allowed, and said, since a graph that
      // does depend on it fails at the node that disagrees.
      if (shape[i] != ShapedType::kDynamic && shape[i] != want[i])
        emitWarning(loc) << "--shape " << info.name() << "="
                         << shapeString(want) << " replaces its static dim "
                         << i << " = " << shape[i];
      shape[i] = want[i];
    }
  } else if (!symbolic.empty()) {
    return emitError(loc) << "input '" << info.name() << "' has symbolic dim '"
                          << symbolic.front() << "'; bind it with --shape "
                          << info.name() << "=D0xD1x...";
  }
  return RankedTensorType::get(shape, *et);
}

Value GraphImporter::input(int i) const {
  if (!hasInput(i))
    return nullptr;
  return values.lookup(node->input(i));
}

bool GraphImporter::hasInput(int i) const {
  return i < node->input_size() && !node->input(i).empty();
}

DenseElementsAttr GraphImporter::constantInput(int i) const {
  if (!hasInput(i))
    return nullptr;
  return known.lookup(node->input(i));
}

LogicalResult GraphImporter::notConstant(int i, StringRef what,
                                         StringRef why) const {
  auto diag = error() << what << " must be a compile-time constant: " << why;
  if (!hasInput(i))
    return diag;
  const std::string &name = node->input(i);
  if (graphInputs.contains(name)) {
    diag << "; it is graph input '" << name
         << "': to specialize the model for one value, bind it with "
            "--constant "
         << name << "=FILE.pb";
  } else if (auto it = shapeInputDeps.find(name);
             it != shapeInputDeps.end() && !it->second.empty()) {
    const std::string &dep = it->second.front();
    diag << "; it is computed from graph input '" << dep
         << "': to specialize the model for one value, bind it with "
            "--constant "
         << dep << "=FILE.pb";
  }
  return diag;
}

/// Elementwise ops whose result has the shape of their first operand when
/// every other operand is a scalar or all-ones (or, CastLike, only gives
/// its type): they keep the box of an operand of run-time shape.
static bool keepsRuntimeShape(StringRef op) {
  return llvm::is_contained({"Abs",         "Acos",        "Acosh",
                             "Asin",        "Asinh",       "Atan",
                             "Atanh",       "Cast",        "CastLike",
                             "Ceil",        "Cos",         "Cosh",
                             "Elu",         "Erf",         "Exp",
                             "Floor",       "HardSigmoid", "HardSwish",
                             "Identity",    "IsInf",       "IsNaN",
                             "LeakyRelu",   "Log",         "Mish",
                             "Neg",         "Not",         "Reciprocal",
                             "Relu",        "Round",       "Selu",
                             "Sigmoid",     "Sign",        "Sin",
                             "Sinh",        "Softplus",    "Softsign",
                             "Sqrt",        "Tan",         "Tanh",
                             "Add",         "Sub",         "Mul",
                             "Div",         "Pow",         "Max",
                             "Min",         "Equal",       "Less",
                             "LessOrEqual", "Greater",     "GreaterOrEqual",
                             "And",         "Or",          "Xor",
                             "Clip"},
                            op);
}

InFlightDiagnostic GraphImporter::bindHint(InFlightDiagnostic diag,
                                           StringRef value) const {
  auto it = shapeInputDeps.find(value);
  if (it == shapeInputDeps.end() || it->second.empty())
    return std::move(
        diag << ": bind the input that decides it with --constant");
  const std::string &input = it->second.front();
  return std::move(diag << ": to compile the model for one value, bind graph "
                           "input '"
                        << input << "' with --constant " << input
                        << "=FILE.pb");
}

FailureOr<Value>
GraphImporter::extentsThroughElementwise(const onnx::NodeProto &n) {
  Value extents;
  for (int i = 0; i < n.input_size(); ++i) {
    const std::string &in = n.input(i);
    Value e = in.empty() ? Value() : runtimeExtents.lookup(in);
    if (!e)
      continue;
    bool typeOnly = n.op_type() == "CastLike" && i == 1;
    if (i == 0 && keepsRuntimeShape(n.op_type()) && n.output_size() == 1) {
      extents = e;
      continue;
    }
    if (typeOnly || (extents == e && i > 0)) // x * x
      continue;
    return bindHint(error() << "input '" << in
                            << "' has a shape decided at run time; only graph "
                               "outputs and elementwise ops of them may have "
                               "such shapes",
                    in);
  }
  if (!extents)
    return Value();
  // The others must not change the first operand's shape by broadcasting:
  // the same box, or scalars (even all-ones dims could outrank a value
  // whose dims were dropped).
  for (int i = 1; i < n.input_size(); ++i) {
    const std::string &in = n.input(i);
    if (in.empty() || (n.op_type() == "CastLike" && i == 1) ||
        runtimeExtents.lookup(in) == extents)
      continue;
    if (cast<RankedTensorType>(values.lookup(in).getType()).getRank() != 0)
      return bindHint(error() << "operand '" << in
                              << "' would broadcast against '" << n.input(0)
                              << "', whose shape is decided at run time; "
                                 "only scalar operands may",
                      n.input(0));
  }
  return extents;
}

void GraphImporter::setRuntimeShapedOutput(int i, Value bound, Value extents,
                                           bool reshaped) {
  setOutput(i, bound);
  if (i < node->output_size() && !node->output(i).empty()) {
    runtimeExtents[node->output(i)] = extents;
    if (reshaped)
      runtimeReshapes.insert(node->output(i));
  }
}

void GraphImporter::setOutput(int i, Value v) {
  // A reshape of a constant (Unsqueeze of a shape vector...) is a constant.
  if (auto r = v.getDefiningOp<aigraph::ReshapeOp>()) {
    if (auto c = r.getInput().getDefiningOp<aigraph::ConstantOp>()) {
      if (auto dense = dyn_cast<DenseElementsAttr>(c.getValue())) {
        Value folded = constant(dense.reshape(r.getType()));
        r.getResult().replaceAllUsesWith(folded);
        r.erase();
        v = folded;
      }
    }
  }
  if (i < node->output_size() && !node->output(i).empty())
    values[node->output(i)] = v;
  // Track values that are compile-time constants so shape computations and
  // attribute-like inputs (Reshape's shape, Slice's starts...) resolve.
  // (Unrolled loop bodies bind the same names again: forget stale values.)
  if (i < node->output_size())
    known.erase(node->output(i));
  if (auto c = v.getDefiningOp<aigraph::ConstantOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(c.getValue()))
      if (i < node->output_size())
        known[node->output(i)] = dense;
}

Value GraphImporter::constant(DenseElementsAttr value) {
  return aigraph::ConstantOp::create(builder, loc, value);
}

const onnx::AttributeProto *GraphImporter::attr(StringRef name) const {
  for (const auto &a : node->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t GraphImporter::intAttr(StringRef name, int64_t def) const {
  const auto *a = attr(name);
  return a ? a->i() : def;
}

FailureOr<DenseElementsAttr> GraphImporter::tensorAttr(StringRef name,
                                                       DenseElementsAttr def) {
  const auto *a = attr(name);
  return a ? tensorToAttr(a->t()) : def;
}

float GraphImporter::floatAttr(StringRef name, float def) const {
  const auto *a = attr(name);
  return a ? a->f() : def;
}

std::string GraphImporter::stringAttr(StringRef name, StringRef def) const {
  const auto *a = attr(name);
  return a ? a->s() : def.str();
}

SmallVector<int64_t> GraphImporter::intsAttr(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

const onnx::GraphProto *GraphImporter::graphAttr(StringRef name) const {
  const auto *a = attr(name);
  return a && a->has_g() ? &a->g() : nullptr;
}

LogicalResult GraphImporter::importSubgraph(const onnx::GraphProto &body,
                                            ValueRange inputs,
                                            SmallVectorImpl<Value> &outputs) {
  const onnx::NodeProto *outerNode = node;
  Location outerLoc = loc;
  auto restore = llvm::make_scope_exit([&] {
    node = outerNode;
    loc = outerLoc;
  });
  if (body.input_size() != (int)inputs.size())
    return error() << "subgraph '" << body.name() << "' takes "
                   << body.input_size() << " inputs, the node provides "
                   << inputs.size();
  for (auto [info, v] : llvm::zip(body.input(), inputs)) {
    values[info.name()] = v;
    known.erase(info.name());
    if (auto c = v.getDefiningOp<aigraph::ConstantOp>())
      if (auto dense = dyn_cast<DenseElementsAttr>(c.getValue()))
        known[info.name()] = dense;
  }
  for (const auto &t : body.initializer()) {
    auto value = tensorToAttr(t);
    if (failed(value))
      return failure();
    values[t.name()] = constant(*value);
    known[t.name()] = *value;
  }
  for (auto [index, n] : llvm::enumerate(body.node()))
    if (failed(importNode(n, index)))
      return failure();
  auto produced = graphOutputs(body, outerLoc, "subgraph");
  if (failed(produced))
    return failure();
  outputs.assign(produced->begin(), produced->end());
  return success();
}

FailureOr<SmallVector<Value>>
GraphImporter::graphOutputs(const onnx::GraphProto &graph, Location at,
                            StringRef what) {
  SmallVector<Value> outputs;
  for (const auto &out : graph.output()) {
    Value v = values.lookup(out.name());
    if (!v)
      return emitError(at) << what << " output '" << out.name()
                           << "' is not produced by any node";
    if (runtimeExtents.count(out.name()) && what != "graph")
      return emitError(at) << what << " output '" << out.name()
                           << "' has a shape decided at run time; only the "
                              "model's outputs may have such shapes";
    outputs.push_back(v);
  }
  return outputs;
}

static bool isDefaultDomain(const onnx::NodeProto &n) {
  return n.domain().empty() || n.domain() == "ai.onnx";
}

static InFlightDiagnostic unsupportedDomain(Location loc,
                                            const onnx::NodeProto &n) {
  return emitError(loc) << "operator domain '" << n.domain()
                        << "' is not supported (only the default ONNX domain)";
}

static InFlightDiagnostic unsupportedOp(Location loc,
                                        const onnx::NodeProto &n) {
  return emitError(loc) << "operator " << n.op_type()
                        << " is not supported yet";
}

Location GraphImporter::nodeLocation(const onnx::NodeProto &n, size_t index) {
  std::string name = onnxNodeName(n, index);
  std::string what = isDefaultDomain(n)
                         ? n.op_type() + ", opset " + std::to_string(opset)
                         : n.domain() + "::" + n.op_type();
  Location file = FileLineColLoc::get(ctx, filename, 0, 0);
  // Where the node came from in the exporter's source, when the exporter
  // says (PyTorch: the Python stack trace): fused after the model file, so
  // the model stays the location diagnostics name first.
  if (std::optional<Location> source = sourceLocation(n))
    file = FusedLoc::get(ctx, {file, *source});
  return NameLoc::get(builder.getStringAttr(name),
                      NameLoc::get(builder.getStringAttr(what), file));
}

/// NodeProto.metadata_props (field 9, ONNX 1.16) is newer than Debian's
/// onnx.proto: protobuf keeps it as an unknown field, read here by number.
static SmallVector<std::pair<std::string, std::string>>
nodeMetadata(const onnx::NodeProto &n) {
  constexpr int kMetadataPropsField = 9;
  SmallVector<std::pair<std::string, std::string>> props;
  const google::protobuf::UnknownFieldSet &unknown =
      n.GetReflection()->GetUnknownFields(n);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const google::protobuf::UnknownField &field = unknown.field(i);
    onnx::StringStringEntryProto entry;
    if (field.number() == kMetadataPropsField &&
        field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED &&
        entry.ParseFromString(field.length_delimited()))
      props.emplace_back(entry.key(), entry.value());
  }
  return props;
}

std::optional<Location>
GraphImporter::sourceLocation(const onnx::NodeProto &n) {
  for (const auto &[keyText, valueText] : nodeMetadata(n)) {
    StringRef key = keyText, value = valueText;
    if (key == "pkg.torch.onnx.stack_trace" || key == "stack_trace") {
      // Python frames read 'File "model.py", line 42, in forward', outermost
      // first: the last one is the code that made the node.
      std::optional<Location> innermost;
      while (true) {
        size_t at = value.find("File \"");
        if (at == StringRef::npos)
          break;
        value = value.drop_front(at + 6);
        StringRef path = value.take_until([](char c) { return c == '"'; });
        StringRef rest = value.drop_front(path.size());
        unsigned line = 0;
        if (rest.consume_front("\", line ") && !rest.consumeInteger(10, line) &&
            !path.empty())
          innermost = FileLineColLoc::get(ctx, path, line, 0);
      }
      if (innermost)
        return innermost;
    }
    if (key == "source" && !value.empty())
      return FileLineColLoc::get(ctx, value, 0, 0);
  }
  return std::nullopt;
}

LogicalResult GraphImporter::checkSupported(const onnx::GraphProto &graph) {
  bool ok = true;
  for (auto [index, n] : llvm::enumerate(graph.node())) {
    if (!isDefaultDomain(n)) {
      unsupportedDomain(nodeLocation(n, index), n);
      ok = false;
    } else if (!lookupOpImporter(n.op_type()) &&
               !foldsWithoutImporter(n.op_type())) {
      unsupportedOp(nodeLocation(n, index), n);
      ok = false;
    }
    // Bodies of If, Loop and Scan (and of unknown ops: report those too).
    for (const auto &a : n.attribute()) {
      if (a.has_g())
        ok &= succeeded(checkSupported(a.g()));
      for (const auto &g : a.graphs())
        ok &= succeeded(checkSupported(g));
    }
  }
  return success(ok);
}

LogicalResult GraphImporter::checkTensorSize(ArrayRef<int64_t> shape,
                                             Type elementType,
                                             StringRef what) const {
  uint64_t elementBytes = 1;
  if (elementType.isIntOrFloat())
    elementBytes =
        std::max<uint64_t>(1, (elementType.getIntOrFloatBitWidth() + 7) / 8);
  else if (auto complex = dyn_cast<ComplexType>(elementType))
    elementBytes =
        2 * ((complex.getElementType().getIntOrFloatBitWidth() + 7) / 8);
  uint64_t bytes = elementBytes;
  bool overflow = false;
  for (int64_t d : shape) {
    if (d == ShapedType::kDynamic)
      continue;
    if (d < 0)
      return error() << what << " has a negative dim (" << d << ")";
    overflow |= d && bytes > UINT64_MAX / (uint64_t)d;
    bytes = overflow ? UINT64_MAX : bytes * (uint64_t)d;
  }
  if (!overflow && bytes <= options.maxTensorBytes)
    return success();
  InFlightDiagnostic diag = error() << what << " would take ";
  if (overflow)
    diag << "more than 2^64";
  else
    diag << bytes;
  return diag << " bytes, more than --max-tensor-bytes ("
              << options.maxTensorBytes << ")";
}

const OpImporter *coreai::onnx_import::lookupOpImporter(StringRef opType) {
  static const OpImporterTable table = [] {
    OpImporterTable t;
    for (void (*populate)(OpImporterTable &) : {
             populateCoreImporters,
             populateElementwiseImporters,
             populateReductionsImporters,
             populateShapeOpsImporters,
             populateAttentionImporters,
             populateCausalConvImporters,
             populateControlFlowImporters,
             populateConvTransposeImporters,
             populateCumulativeImporters,
             populateDecompositionsImporters,
             populateDetImporters,
             populateDynamicQuantizeImporters,
             populateEinsumImporters,
             populateGridSampleImporters,
             populateLinearAttentionImporters,
             populateLossesImporters,
             populateNormalizationsImporters,
             populatePoolingImporters,
             populateQLinearImporters,
             populateRecurrentImporters,
             populateResizeImporters,
             populateScatterImporters,
             populateSignalImporters,
             populateTensorOpsImporters,
             populateTransformerOpsImporters,
             populateWindowsImporters,
         })
      populate(t);
    return t;
  }();
  auto it = table.find(opType);
  return it == table.end() ? nullptr : &it->second;
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &n,
                                        size_t index) {
  node = &n;
  loc = nodeLocation(n, index);

  if (!isDefaultDomain(n))
    return unsupportedDomain(loc, n);
  for (int i = 0; i < n.input_size(); ++i)
    if (!n.input(i).empty() && !values.count(n.input(i)))
      return error() << "input '" << n.input(i)
                     << "' is not defined before this node (the graph is "
                        "not topologically sorted or names a missing value)";

  // A value whose shape is decided at run time is held in a tensor of its
  // bound; an elementwise op keeps that box, the rest would read past it.
  FailureOr<Value> extents = extentsThroughElementwise(n);
  if (failed(extents))
    return failure();
  bool reshaped = *extents && runtimeReshapes.contains(n.input(0));
  // Unrolled loop bodies bind names again: forget a stale run-time shape.
  for (const std::string &out : n.output()) {
    runtimeExtents.erase(out);
    runtimeReshapes.erase(out);
  }
  if (failed(importNodeOutputs(n)))
    return failure();
  if (*extents)
    for (const std::string &out : n.output())
      if (!out.empty()) {
        runtimeExtents[out] = *extents;
        if (reshaped)
          runtimeReshapes.insert(out);
      }
  // What a node made stays within the limit (an Expand, a Tile, ...).
  for (const std::string &out : n.output()) {
    auto it = values.find(out);
    if (out.empty() || it == values.end())
      continue;
    if (auto type = dyn_cast<ShapedType>(it->second.getType()))
      if (type.hasRank() &&
          failed(checkTensorSize(type.getShape(), type.getElementType(),
                                 "output '" + out + "'")))
        return failure();
  }
  recordShapeInputDeps(n);
  return success();
}

LogicalResult GraphImporter::importNodeOutputs(const onnx::NodeProto &n) {
  if (tryFoldNode(*this))
    return success();
  const OpImporter *importer = lookupOpImporter(n.op_type());
  if (!importer)
    return unsupportedOp(loc, n);
  if (failed(requireInputs(*this, importer->minInputs)))
    return failure();
  return importer->import(*this);
}

void GraphImporter::recordShapeInputDeps(const onnx::NodeProto &n) {
  // Constants depend on nothing; other outputs on what their non-constant
  // inputs depend on. Small integer graph inputs depend on themselves.
  llvm::SmallVector<std::string, 1> deps;
  for (const std::string &in : n.input()) {
    if (in.empty() || known.count(in))
      continue;
    auto it = shapeInputDeps.find(in);
    if (it == shapeInputDeps.end())
      continue;
    for (const std::string &d : it->second)
      if (!llvm::is_contained(deps, d))
        deps.push_back(d);
  }
  for (const std::string &out : n.output()) {
    if (out.empty())
      continue;
    if (known.count(out) || deps.empty())
      shapeInputDeps.erase(out);
    else
      shapeInputDeps[out] = deps;
  }
}

LogicalResult GraphImporter::importGraph(const onnx::GraphProto &graph,
                                         ModuleOp module) {
  Location fileLoc = FileLineColLoc::get(ctx, filename, 0, 0);
  loc = fileLoc;
  for (const auto &[name, shape] : options.shapes) {
    bool found = llvm::any_of(graph.input(), [&](const auto &in) {
      return in.name() == name;
    });
    if (!found)
      return emitError(fileLoc) << "--shape names '" << name
                                << "', which is not an input of the model";
  }

  // Initializers are constants; graph inputs that share their names are
  // (old-style) overridable defaults and stay constants here.
  builder.setInsertionPointToEnd(module.getBody());
  llvm::StringMap<const onnx::TensorProto *> initializers;
  for (const auto &t : graph.initializer())
    initializers[t.name()] = &t;

  // Inputs frozen with --constant become initializers. Their external data
  // is relative to their own file's folder, as ONNX's load_tensor reads it.
  std::vector<onnx::TensorProto> frozen;
  frozen.reserve(options.constants.size());
  SmallVector<std::string> frozenDirs;
  for (const auto &[name, path] : options.constants) {
    bool found = llvm::any_of(graph.input(), [&, n = name](const auto &in) {
      return in.name() == n;
    });
    if (!found)
      return emitError(fileLoc) << "--constant names '" << name
                                << "', which is not an input of the model";
    auto buffer = llvm::MemoryBuffer::getFile(path);
    onnx::TensorProto t;
    if (!buffer ||
        !t.ParseFromArray((*buffer)->getBufferStart(),
                          (int)(*buffer)->getBufferSize()))
      return emitError(FileLineColLoc::get(ctx, path, 0, 0))
             << "cannot read an ONNX TensorProto for --constant " << name;
    if (options.dependencies)
      options.dependencies->push_back(path);
    t.set_name(name);
    frozen.push_back(std::move(t));
    StringRef dir = llvm::sys::path::parent_path(path);
    frozenDirs.push_back(dir.empty() ? "." : dir.str());
  }
  for (const auto &t : frozen)
    initializers[t.name()] = &t;

  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  SmallVector<ArrayAttr> argDimNames;
  for (const auto &in : graph.input()) {
    if (initializers.count(in.name()))
      continue;
    auto type = inputType(in);
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
    argNames.push_back(in.name());
    // The names of the dims --shape bound, for the descriptor.
    SmallVector<Attribute> dimNames;
    bool named = false;
    for (const auto &d : in.type().tensor_type().shape().dim()) {
      bool symbolic = !(d.has_dim_value() && d.dim_value() >= 0);
      std::string name = symbolic && d.has_dim_param() ? d.dim_param() : "";
      named |= !name.empty();
      dimNames.push_back(builder.getStringAttr(name));
    }
    argDimNames.push_back(named ? builder.getArrayAttr(dimNames) : ArrayAttr());
    graphInputs.insert(in.name());
    auto rt = cast<RankedTensorType>(*type);
    loc = fileLoc;
    if (failed(checkTensorSize(rt.getShape(), rt.getElementType(),
                               "input '" + in.name() + "'")))
      return failure();
    if (isa<IntegerType>(rt.getElementType()) && rt.hasStaticShape() &&
        rt.getNumElements() <= 16)
      shapeInputDeps[in.name()] = {in.name()};
  }
  auto func = func::FuncOp::create(builder, fileLoc, "main",
                                   builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, coreai::kNameAttr, builder.getStringAttr(name));
    if (argDimNames[i])
      func.setArgAttr(i, coreai::kDimNamesAttr, argDimNames[i]);
    values[name] = body->getArgument(i);
  }
  builder.setInsertionPointToStart(body);

  // Graph order first, then frozen inputs: deterministic IR and bundles.
  // Each with the folder its external data is relative to.
  SmallVector<std::pair<const onnx::TensorProto *, StringRef>> constantsInOrder;
  for (const auto &t : graph.initializer())
    constantsInOrder.push_back({&t, modelDir});
  for (auto [t, dir] : llvm::zip(frozen, frozenDirs))
    constantsInOrder.push_back({&t, dir});
  for (auto [tp, dataDir] : constantsInOrder) {
    const onnx::TensorProto &t = *tp;
    loc = NameLoc::get(builder.getStringAttr(t.name()), fileLoc);
    auto value = tensorToAttrIn(t, dataDir);
    if (failed(value))
      return failure();
    values[t.name()] = constant(*value);
    known[t.name()] = *value;
  }

  if (failed(checkSupported(graph)))
    return failure();
  bool perturbed = options.perturbNode.empty();
  for (auto [index, n] : llvm::enumerate(graph.node())) {
    if (failed(importNode(n, index)))
      return failure();
    if (!perturbed && onnxNodeName(n, index) == options.perturbNode)
      perturbed = succeeded(perturbOutputs(n));
  }
  if (!perturbed)
    return emitError(fileLoc)
           << "--test-perturb-node names '" << options.perturbNode
           << "', which is not a node of the model with a "
              "floating-point output";

  loc = fileLoc;
  auto results = graphOutputs(graph, fileLoc, "graph");
  if (failed(results))
    return failure();
  // Outputs whose shape is decided at run time return their extents too, as
  // results after the model's own, which name them (kRuntimeShapeAttr).
  SmallVector<std::pair<unsigned, std::string>> extentsOf;
  for (const auto &out : graph.output())
    if (Value extents = runtimeExtents.lookup(out.name())) {
      extentsOf.push_back({(unsigned)results->size(), out.name() + ":shape"});
      results->push_back(extents);
    }
  func::ReturnOp::create(builder, fileLoc, *results);
  func.setType(
      builder.getFunctionType(argTypes, ValueRange(*results).getTypes()));
  size_t nextExtents = 0;
  for (auto [i, out] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, coreai::kNameAttr, builder.getStringAttr(out.name()));
    if (runtimeExtents.count(out.name())) {
      auto [index, name] = extentsOf[nextExtents++];
      func.setResultAttr(i, coreai::kRuntimeShapeAttr,
                         builder.getI64IntegerAttr(index));
      if (runtimeReshapes.contains(out.name()))
        func.setResultAttr(i, coreai::kRuntimeReshapeAttr,
                           builder.getUnitAttr());
      func.setResultAttr(index, coreai::kNameAttr, builder.getStringAttr(name));
    }
  }
  if (!options.debugTensors.empty()) {
    // Its intermediates would be dumped at their bounds, unlabelled.
    if (!extentsOf.empty())
      return emitError(fileLoc)
             << "--debug-tensors is not supported yet for a model with "
                "outputs whose shape is decided at run time ('"
             << StringRef(extentsOf.front().second).rsplit(':').first << "')";
    return addDebugFunction(graph, func);
  }
  return success();
}

LogicalResult GraphImporter::perturbOutputs(const onnx::NodeProto &n) {
  bool any = false;
  for (const std::string &out : n.output()) {
    Value v = values.lookup(out);
    auto type = v ? dyn_cast<RankedTensorType>(v.getType()) : nullptr;
    if (!type || !isa<FloatType>(type.getElementType()) || known.count(out))
      continue;
    Emitter e{*this};
    Value scaled =
        e.make<aigraph::MulOp>(v, e.scalar(type.getElementType(), 1.01));
    if (!scaled)
      return failure();
    values[out] = scaled;
    any = true;
  }
  return success(any);
}

LogicalResult GraphImporter::addDebugFunction(const onnx::GraphProto &graph,
                                              func::FuncOp main) {
  Location fileLoc = FileLineColLoc::get(ctx, filename, 0, 0);
  bool all = llvm::is_contained(options.debugTensors, "all");
  llvm::StringSet<> wanted, found;
  for (const std::string &name : options.debugTensors)
    wanted.insert(name);
  // Every output of the chosen nodes, in graph order; values that folded to
  // constants are not computed at run time and have nothing to observe.
  SmallVector<Value> observed;
  SmallVector<std::string> names;
  for (auto [index, n] : llvm::enumerate(graph.node())) {
    std::string node = onnxNodeName(n, index);
    if (!all && !wanted.contains(node))
      continue;
    found.insert(node);
    for (const std::string &out : n.output()) {
      Value v = values.lookup(out);
      if (out.empty() || !v || known.count(out) ||
          v.getParentRegion() != &main.getBody())
        continue;
      observed.push_back(v);
      names.push_back(node + " (" + n.op_type() + "): " + out);
    }
  }
  for (const std::string &name : options.debugTensors)
    if (name != "all" && !found.contains(name))
      return emitError(fileLoc) << "--debug-tensors names '" << name
                                << "', which is not a node of the model";

  // A copy of the function that also returns them: the function the app
  // calls keeps every fusion; in the copy each observed value is a result,
  // so it is materialized exactly as computed.
  IRMapping mapping;
  auto debug = cast<func::FuncOp>(main->clone(mapping));
  debug.setName((main.getName() + kDebugFunctionSuffix).str());
  main->getBlock()->getOperations().insertAfter(main->getIterator(), debug);
  auto ret = cast<func::ReturnOp>(debug.getBody().back().getTerminator());
  SmallVector<Value> results(ret.getOperands());
  SmallVector<Attribute> resultAttrs;
  for (unsigned i = 0; i < main.getNumResults(); ++i)
    resultAttrs.push_back(main.getResultAttrDict(i));
  for (auto [v, name] : llvm::zip(observed, names)) {
    results.push_back(mapping.lookup(v));
    resultAttrs.push_back(builder.getDictionaryAttr(
        builder.getNamedAttr(coreai::kNameAttr, builder.getStringAttr(name))));
  }
  OpBuilder b(ret);
  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();
  debug.setType(builder.getFunctionType(debug.getArgumentTypes(),
                                        ValueRange(results).getTypes()));
  debug.setAllResultAttrs(resultAttrs);
  return success();
}

namespace coreai {

OwningOpRef<ModuleOp> importOnnxModel(StringRef bytes, StringRef filename,
                                      MLIRContext *ctx,
                                      const ImportOptions &options,
                                      StringRef modelDir) {
  ctx->loadDialect<aigraph::AIGraphDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(ctx, filename, 0, 0);
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromArray(bytes.data(), (int)bytes.size())) {
    emitError(fileLoc) << "not a valid ONNX model (the protobuf does not "
                          "parse: truncated or not an .onnx file)";
    return nullptr;
  }
  if (!model.has_graph()) {
    emitError(fileLoc) << "the ONNX model has no graph";
    return nullptr;
  }
  int64_t opset = -1;
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (!options.moreShapeVariants.empty() && !options.debugTensors.empty()) {
    emitError(fileLoc) << "--debug-tensors takes one shape per input, not "
                          "enumerated shapes";
    return nullptr;
  }
  // A model without a default-domain opset uses other domains only; its
  // nodes are refused, each naming its domain.
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  onnx_import::GraphImporter importer(ctx, filename, opset, options, modelDir);
  if (failed(importer.importGraph(model.graph(), *module)))
    return nullptr;
  // Enumerated shapes: the graph again at each other variant's shapes, as
  // main.shapeK beside main, every function of the group marked with main's
  // name. Each is imported on its own, so every shape folds and specializes
  // as if it were the only one.
  if (!options.moreShapeVariants.empty())
    for (auto func : module->getOps<func::FuncOp>())
      func->setAttr(kShapeGroupAttr, func.getSymNameAttr());
  for (auto [index, shapes] : llvm::enumerate(options.moreShapeVariants)) {
    ImportOptions variantOptions = options;
    variantOptions.shapes = shapes;
    variantOptions.moreShapeVariants.clear();
    variantOptions.dependencies = nullptr; // the same files as variant 0
    OwningOpRef<ModuleOp> variant = ModuleOp::create(fileLoc);
    onnx_import::GraphImporter variantImporter(ctx, filename, opset,
                                               variantOptions, modelDir);
    if (failed(variantImporter.importGraph(model.graph(), *variant)))
      return nullptr;
    for (auto func :
         llvm::make_early_inc_range(variant->getOps<func::FuncOp>())) {
      StringAttr primary = func.getSymNameAttr();
      func.setSymName(primary.str() + kShapeVariantSuffix.str() +
                      std::to_string(index + 1));
      func->setAttr(kShapeGroupAttr, primary);
      func->moveBefore(module->getBody(), module->getBody()->end());
    }
  }
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace coreai

//===- CommandStream.cpp - Lowered segments as an engine command stream ---===//
//
// Serializes tiled ane functions as schemas/ane_stream.fbs programs: the
// buffers (step arguments, fp16 constants, an arena for intermediates whose
// lifetimes do not overlap share bytes) and, per layer, its descriptor, tile
// loop and DMA transfers.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/ANE/Passes.h"
#include "lib/Target/ANE/Tiling.h"

#include "coreai/schemas/ane_stream_generated.h"
#include "dialects/AIGraph/SourceNames.h"

#include "mlir/IR/BuiltinTypes.h"

#include <map>

using namespace mlir;
namespace ane = coreai::ane;
namespace fb = coreai::anefb;
using coreai::runtime::ane::EngineDescription;

namespace coreai::anelower {

struct CommandStreamWriter::Impl {
  EngineDescription engine;
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<fb::Program>> programs;
  std::vector<std::string> constants;          // fp16 bytes
  std::map<std::string, uint32_t> constantIds; // identical data shared
};

CommandStreamWriter::CommandStreamWriter(const EngineDescription &engine)
    : impl_(std::make_unique<Impl>()) {
  impl_->engine = engine;
}
CommandStreamWriter::~CommandStreamWriter() = default;
size_t CommandStreamWriter::numPrograms() const {
  return impl_->programs.size();
}

namespace {

uint64_t rawBytes(Type type) {
  auto t = cast<RankedTensorType>(type);
  return t.getNumElements() * (t.getElementTypeBitWidth() / 8);
}

std::vector<int64_t> shapeOf(Value v) {
  ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
  return {s.begin(), s.end()};
}

struct BufferInfo {
  fb::BufferKind kind;
  uint32_t index = 0;
  uint64_t offset = 0, bytes = 0;
  int64_t def = -1, lastUse = -1; // internal: layer indices
};

} // namespace

LogicalResult CommandStreamWriter::addProgram(func::FuncOp func,
                                              const std::string &name) {
  Impl &w = *impl_;
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  unsigned numArgs = func.getNumArguments();

  std::vector<BufferInfo> buffers;
  DenseMap<Value, uint32_t> bufferOf;
  auto add = [&](BufferInfo b) {
    buffers.push_back(b);
    return (uint32_t)buffers.size() - 1;
  };
  for (BlockArgument a : func.getArguments())
    bufferOf[a] = add(
        {fb::BufferKind::Argument, a.getArgNumber(), 0, rawBytes(a.getType())});
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    Operation *def = v.getDefiningOp();
    if (!def || isa<ane::ReshapeOp, arith::ConstantOp>(def) ||
        bufferOf.count(v))
      return ret.emitError("result ")
             << j << " is not produced by its own engine layer";
    bufferOf[v] = add({fb::BufferKind::Argument, numArgs + (uint32_t)j, 0,
                       rawBytes(v.getType())});
  }

  // Buffers of layer results and constants, and the layers in order.
  std::vector<Operation *> layers;
  for (Operation &op : body.without_terminator()) {
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
      auto type = dyn_cast<RankedTensorType>(c.getType());
      if (!dense || !type || !type.getElementType().isF16())
        return c.emitError("engine constants must be dense fp16 tensors");
      std::string bytes;
      bytes.reserve(type.getNumElements() * 2);
      for (APFloat f : dense.getValues<APFloat>()) {
        uint16_t bits = f.bitcastToAPInt().getZExtValue();
        bytes.push_back(char(bits & 0xff));
        bytes.push_back(char(bits >> 8));
      }
      auto [it, inserted] =
          w.constantIds.try_emplace(bytes, w.constants.size());
      if (inserted)
        w.constants.push_back(bytes);
      bufferOf[c.getResult()] =
          add({fb::BufferKind::Constant, it->second, 0, bytes.size()});
      continue;
    }
    if (auto r = dyn_cast<ane::ReshapeOp>(op)) {
      bufferOf[r.getResult()] = bufferOf.at(r.getInput()); // a view
      continue;
    }
    if (!isa<ane::ANEDialect>(op.getDialect()))
      return op.emitError("not an engine layer");
    if (isTiled(&op) && !op.hasAttr("tile_rows"))
      return op.emitError("layer has no tile loop (run coreai-ane-tile)");
    int64_t index = layers.size();
    layers.push_back(&op);
    for (Value v : op.getOperands()) {
      auto it = bufferOf.find(v);
      if (it == bufferOf.end())
        return op.emitError("operand is not an engine buffer");
      BufferInfo &b = buffers[it->second];
      if (b.kind == fb::BufferKind::Internal)
        b.lastUse = index;
    }
    Value result = op.getResult(0);
    if (!bufferOf.count(result))
      bufferOf[result] = add({fb::BufferKind::Internal, 0, 0,
                              rawBytes(result.getType()), index, index});
  }

  // Arena: each intermediate at the lowest 64-byte aligned offset that no
  // intermediate alive at the same time uses.
  std::vector<uint32_t> placed;
  uint64_t arena = 0;
  for (uint32_t i = 0; i < buffers.size(); ++i) {
    BufferInfo &b = buffers[i];
    if (b.kind != fb::BufferKind::Internal)
      continue;
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (uint32_t j : placed) {
      const BufferInfo &o = buffers[j];
      if (o.def <= b.lastUse && b.def <= o.lastUse)
        busy.push_back({o.offset, o.offset + o.bytes});
    }
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (auto [lo, hi] : busy) {
      if (offset + b.bytes <= lo)
        break;
      offset = std::max(offset, (hi + 63) / 64 * 64);
    }
    b.offset = offset;
    arena = std::max(arena, offset + b.bytes);
    placed.push_back(i);
  }

  flatbuffers::FlatBufferBuilder &f = w.fbb;
  std::vector<flatbuffers::Offset<fb::Buffer>> bufferOffsets;
  for (const BufferInfo &b : buffers)
    bufferOffsets.push_back(
        fb::CreateBuffer(f, b.kind, b.index, b.offset, b.bytes));

  std::vector<flatbuffers::Offset<fb::Layer>> layerOffsets;
  for (Operation *op : layers) {
    TilePlan plan = planRecorded(op, w.engine);
    std::string opName = op->getName().stripDialect().str();
    std::string kind, activation;
    std::vector<int64_t> strides, pads, dilations, kernel, perm, starts;
    int64_t groups = 1, axis = 0, entries = 0;
    float lo = 0, hi = 0, epsilon = 0;
    bool countPad = false;
    if (auto fused =
            op->getAttrOfType<ane::ActivationKindAttr>("fused_activation")) {
      activation = ane::stringifyActivationKind(fused.getValue()).str();
      if (auto a = op->getAttrOfType<FloatAttr>("fused_min"))
        lo = a.getValueAsDouble();
      if (auto a = op->getAttrOfType<FloatAttr>("fused_max"))
        hi = a.getValueAsDouble();
    }
    if (auto c = dyn_cast<ane::ConvertOp>(op)) {
      kind = c.getOutput().getType().getElementType().isF16() ? "f32-to-f16"
                                                              : "f16-to-f32";
    } else if (auto c = dyn_cast<ane::ConvOp>(op)) {
      strides.assign(c.getStrides().begin(), c.getStrides().end());
      pads.assign(c.getPads().begin(), c.getPads().end());
      dilations.assign(c.getDilations().begin(), c.getDilations().end());
      groups = c.getGroups();
    } else if (auto e = dyn_cast<ane::ElementwiseOp>(op)) {
      kind = ane::stringifyElementwiseKind(e.getKind()).str();
    } else if (auto a = dyn_cast<ane::ActivationOp>(op)) {
      kind = ane::stringifyActivationKind(a.getKind()).str();
      lo = a.getMin() ? a.getMin()->convertToFloat() : 0;
      hi = a.getMax() ? a.getMax()->convertToFloat() : 0;
      entries = a.getTableEntries().value_or(0);
    } else if (auto p = dyn_cast<ane::PoolOp>(op)) {
      kind = ane::stringifyPoolKind(p.getKind()).str();
      kernel.assign(p.getKernel().begin(), p.getKernel().end());
      strides.assign(p.getStrides().begin(), p.getStrides().end());
      pads.assign(p.getPads().begin(), p.getPads().end());
      countPad = p.getCountIncludePad();
    } else if (auto c = dyn_cast<ane::ConcatOp>(op)) {
      axis = c.getAxis();
    } else if (auto t = dyn_cast<ane::TransposeOp>(op)) {
      perm.assign(t.getPerm().begin(), t.getPerm().end());
    } else if (auto sl = dyn_cast<ane::SliceOp>(op)) {
      starts.assign(sl.getStarts().begin(), sl.getStarts().end());
    } else if (auto ln = dyn_cast<ane::LayerNormOp>(op)) {
      epsilon = ln.getEpsilon().convertToFloat();
    }
    std::vector<uint32_t> inputs;
    std::vector<flatbuffers::Offset<fb::Shape>> shapes;
    for (Value v : op->getOperands()) {
      inputs.push_back(bufferOf.at(v));
      std::vector<int64_t> shape = shapeOf(v);
      shapes.push_back(fb::CreateShapeDirect(f, &shape));
    }
    std::vector<uint32_t> outputs{bufferOf.at(op->getResult(0))};
    std::vector<flatbuffers::Offset<fb::Dma>> dmas;
    for (const DmaPlan &d : plan.dmas)
      dmas.push_back(fb::CreateDma(
          f, d.operand == DmaPlan::kResult ? outputs[0] : inputs[d.operand],
          d.toSram, d.bytes, d.count));
    // A boundary conversion belongs to no graph node.
    std::string source =
        isa<ane::ConvertOp>(op) ? "" : aigraph::sourceOf(op->getLoc());
    std::vector<int64_t> outShape = shapeOf(op->getResult(0));
    layerOffsets.push_back(fb::CreateLayerDirect(
        f, opName.c_str(), kind.c_str(), source.c_str(), &inputs, &outputs,
        &shapes, &outShape, &strides, &pads, &dilations, &kernel, groups, axis,
        lo, hi, entries, countPad, isTiled(op) ? plan.rows : 0,
        isTiled(op) ? plan.channels : 0, plan.tiles, plan.streamWeights,
        plan.sramBytes, &dmas, plan.outputs, plan.reduction,
        activation.empty() ? nullptr : activation.c_str(),
        perm.empty() ? nullptr : &perm, starts.empty() ? nullptr : &starts,
        epsilon));
  }
  w.programs.push_back(
      fb::CreateProgramDirect(f, name.c_str(), numArgs + ret.getNumOperands(),
                              arena, &bufferOffsets, &layerOffsets, numArgs));
  return success();
}

std::vector<uint8_t> CommandStreamWriter::finish() {
  Impl &w = *impl_;
  flatbuffers::FlatBufferBuilder &f = w.fbb;
  const EngineDescription &e = w.engine;
  auto engine = fb::CreateEngineDirect(
      f, e.name.c_str(), e.cores, e.macsPerCorePerCycle, e.clockMHz,
      e.sramBytes, e.dmaBytesPerCycle, e.rowAlignmentBytes,
      e.layerOverheadCycles, e.fp32Accumulator);
  std::vector<flatbuffers::Offset<fb::Constant>> constants;
  for (const std::string &c : w.constants) {
    f.ForceVectorAlignment(c.size(), 1, 64);
    auto data =
        f.CreateVector(reinterpret_cast<const uint8_t *>(c.data()), c.size());
    constants.push_back(fb::CreateConstant(f, data));
  }
  // One statement per vector: their order in the file must not depend on
  // the host compiler's order of evaluating call arguments.
  auto programs = f.CreateVector(w.programs);
  auto constantVector = f.CreateVector(constants);
  auto stream = fb::CreateStream(f, engine, programs, constantVector);
  f.Finish(stream, fb::StreamIdentifier());
  return {f.GetBufferPointer(), f.GetBufferPointer() + f.GetSize()};
}

} // namespace coreai::anelower

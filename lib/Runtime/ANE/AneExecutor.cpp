//===- AneExecutor.cpp - Runs neural-engine command streams in a simulator ===//
//
// Loading verifies the stream (FlatBuffers verifier, then every buffer
// reference, size and layer shape), so a malformed bundle is an error, never
// an out-of-bounds access. Each layer is computed whole: tiles split output
// rows and channels only, never a reduction, so every output is the same
// fp16 value whichever tile computes it; the tile loop and its DMA
// transfers are what the cycle model times.
//
//===----------------------------------------------------------------------===//
#include "lib/Runtime/ANE/AneExecutor.h"

#include "coreai/AssetError.h"
#include "coreai/schemas/ane_stream_generated.h"
#include "lib/NeuralEngine/CycleModel.h"
#include "lib/Runtime/ANE/Fp16.h"
#include "lib/Runtime/ANE/Kernels.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

namespace coreai::runtime {
namespace {

namespace fb = coreai::anefb;
using ane::EngineDescription;

// Limits on what a stream may ask for, so that no size, index or cycle
// count a verified stream computes can overflow int64 or exhaust memory.
constexpr int64_t kMaxBytes = int64_t(1) << 40; // any one buffer or arena
constexpr int64_t kMaxParam = int64_t(1) << 20; // strides, pads, kernels
constexpr int64_t kMaxTable = 65536;            // activation table entries
// The most multiply-accumulates one program may ask the simulator for, from
// its layers' shapes: about 140 G, twice a ViT-L inference.
constexpr int64_t kMaxProgramMacs = int64_t(1) << 37;

int64_t elements(const flatbuffers::Vector<int64_t> *dims) {
  int64_t n = 1;
  if (dims)
    for (int64_t d : *dims) {
      if (d < 0 || (d > 0 && n > (int64_t(1) << 40) / d))
        return -1;
      n *= d;
    }
  return n;
}

std::vector<int64_t> dimsOf(const flatbuffers::Vector<int64_t> *v) {
  return v ? std::vector<int64_t>(v->begin(), v->end())
           : std::vector<int64_t>();
}

/// One verified program: its layers resolved to the arguments they read.
struct CheckedProgram {
  const fb::Program *program = nullptr;
  std::vector<int64_t> cycles; // per layer, from the cycle model
  int64_t totalCycles = 0;
};

class AneLoaded final : public LoadedExecutable {
public:
  AneLoaded(const uint8_t *bytes, uint64_t size, std::string label)
      : label_(std::move(label)) {
    flatbuffers::Verifier verifier(bytes, size);
    if (size < 8 || !fb::StreamBufferHasIdentifier(bytes) ||
        !fb::VerifyStreamBuffer(verifier))
      fail("not a valid neural-engine command stream");
    stream_ = fb::GetStream(bytes);
    const fb::Engine *e = stream_->engine();
    if (!e || !e->name() || e->cores() <= 0 || e->cores() > kMaxParam ||
        e->macs_per_core_per_cycle() <= 0 ||
        e->macs_per_core_per_cycle() > kMaxParam ||
        !(e->clock_mhz() > 0 && e->clock_mhz() < 1e9) ||
        e->dma_bytes_per_cycle() <= 0 || e->row_alignment_bytes() <= 0 ||
        e->sram_bytes() <= 0 || e->layer_overhead_cycles() < 0 ||
        e->layer_overhead_cycles() > kMaxParam)
      fail("the stream's engine description is incomplete");
    engine_.name = e->name()->str();
    engine_.cores = e->cores();
    engine_.macsPerCorePerCycle = e->macs_per_core_per_cycle();
    engine_.clockMHz = e->clock_mhz();
    engine_.sramBytes = e->sram_bytes();
    engine_.dmaBytesPerCycle = e->dma_bytes_per_cycle();
    engine_.rowAlignmentBytes = e->row_alignment_bytes();
    engine_.layerOverheadCycles = e->layer_overhead_cycles();
    engine_.fp32Accumulator = e->fp32_accumulator();
    if (stream_->programs())
      for (const fb::Program *p : *stream_->programs())
        check(p);
  }

  std::unique_ptr<Kernel> prepare(const bundle::FunctionInfo &function,
                                  std::vector<const void *>) override {
    throw AssetError(AssetError::Code::Unsupported,
                     label_ + ": function '" + function.name +
                         "': a command stream runs schedule steps only");
  }

  SimulatedStep
  simulatedEntryPoint(const std::string &symbol,
                      const std::vector<uint64_t> &argBytes) override {
    auto it = programs_.find(symbol);
    if (it == programs_.end())
      throw AssetError(AssetError::Code::Corrupt,
                       label_ + ": no program '" + symbol + "'");
    const CheckedProgram &cp = it->second;
    const fb::Program *p = cp.program;
    if (argBytes.size() != p->num_arguments())
      throw AssetError(AssetError::Code::Corrupt,
                       label_ + ": program '" + symbol + "' takes " +
                           std::to_string(p->num_arguments()) +
                           " buffers, the step gives " +
                           std::to_string(argBytes.size()));
    for (const fb::Buffer *b : *p->buffers())
      if (b->kind() == fb::BufferKind::Argument &&
          b->bytes() > argBytes[b->index()])
        throw AssetError(AssetError::Code::Corrupt,
                         label_ + ": program '" + symbol + "' needs " +
                             std::to_string(b->bytes()) +
                             " bytes in argument " +
                             std::to_string(b->index()) + ", the slot has " +
                             std::to_string(argBytes[b->index()]));
    // The program's DRAM arena, one per step (steps of one schedule run
    // one at a time under the schedule's lock).
    // (check() bounded arena_bytes, so the rounding cannot wrap.) Zeroed, so
    // nothing of the heap's previous contents can reach an output.
    uint64_t arenaBytes =
        (std::max<uint64_t>(p->arena_bytes(), 1) + 63) / 64 * 64;
    auto arena = std::shared_ptr<uint8_t>(
        static_cast<uint8_t *>(std::aligned_alloc(64, arenaBytes)), std::free);
    if (!arena)
      throw AssetError(AssetError::Code::Internal,
                       label_ + ": out of memory for the engine's arena");
    std::memset(arena.get(), 0, arenaBytes);
    return [this, &cp, arena](void *const *args,
                              std::vector<SimulatedLayer> *layers) {
      return run(cp, args, arena.get(), layers);
    };
  }

private:
  [[noreturn]] void fail(const std::string &what) const {
    throw AssetError(AssetError::Code::Corrupt, label_ + ": " + what);
  }

  /// Verifies every reference of program `p` and times its layers.
  void check(const fb::Program *p) {
    if (!p->name() || !p->buffers() || !p->layers())
      fail("a program lacks its name, buffers or layers");
    std::string name = p->name()->str();
    std::string where = "program '" + name + "'";
    if (programs_.count(name))
      fail(where + " appears twice");
    const auto *buffers = p->buffers();
    if (p->arena_bytes() > (uint64_t)kMaxBytes ||
        p->num_inputs() > p->num_arguments())
      fail(where + " has an arena or arguments out of range");
    size_t numConstants =
        stream_->constants() ? stream_->constants()->size() : 0;
    for (const fb::Buffer *b : *buffers) {
      switch (b->kind()) {
      case fb::BufferKind::Argument:
        if (b->index() >= p->num_arguments())
          fail(where + " refers to argument " + std::to_string(b->index()) +
               " of " + std::to_string(p->num_arguments()));
        break;
      case fb::BufferKind::Internal:
        if (b->offset() > p->arena_bytes() ||
            b->bytes() > p->arena_bytes() - b->offset())
          fail(where + " has a buffer past its arena");
        if (b->offset() % 64)
          fail(where + " has an arena buffer that is not 64-byte aligned");
        break;
      case fb::BufferKind::Constant: {
        if (b->index() >= numConstants)
          fail(where + " refers to constant " + std::to_string(b->index()) +
               " of " + std::to_string(numConstants));
        const auto *data = stream_->constants()->Get(b->index())->data();
        if (!data || data->size() < b->bytes())
          fail(where + " reads past constant " + std::to_string(b->index()));
        if (reinterpret_cast<uintptr_t>(data->data()) % 2)
          fail(where + " has misaligned constant " +
               std::to_string(b->index()));
        break;
      }
      default:
        fail(where + " has a buffer of unknown kind");
      }
    }
    // The arena is as large as its buffers need (64-byte aligned), not as
    // large as the stream says: a declared arena is allocated and zeroed.
    uint64_t arenaEnd = 0;
    for (const fb::Buffer *b : *buffers)
      if (b->kind() == fb::BufferKind::Internal)
        arenaEnd = std::max<uint64_t>(arenaEnd, b->offset() + b->bytes());
    if (p->arena_bytes() > (arenaEnd + 63) / 64 * 64)
      fail(where + " declares an arena of " + std::to_string(p->arena_bytes()) +
           " bytes; its buffers use " + std::to_string(arenaEnd));
    CheckedProgram cp;
    cp.program = p;
    int64_t programMacs = 0;
    for (size_t i = 0; i < p->layers()->size(); ++i) {
      const fb::Layer *l = p->layers()->Get(i);
      std::string what = where + " layer " + std::to_string(i);
      checkLayer(l, buffers, p->num_inputs(), what);
      int64_t dma = 0;
      if (l->dmas())
        for (const fb::Dma *d : *l->dmas()) {
          if (d->buffer() >= buffers->size())
            fail(what + " moves an unknown buffer");
          if (d->bytes() > (uint64_t)kMaxBytes ||
              d->count() > (uint64_t)kMaxBytes ||
              (d->count() && d->bytes() > (uint64_t)kMaxBytes / d->count()) ||
              dma > kMaxBytes)
            fail(what + " moves too many bytes");
          dma += d->bytes() * d->count();
        }
      // The work bound comes from the layer's shapes (checked above), never
      // from what the stream declares: a declared work below it cannot make
      // a huge layer look cheap, nor run past the program bound.
      auto [outputs, reduction] = shapeWork(l);
      ane::LayerWork work{std::max<int64_t>(l->work_outputs(), outputs),
                          std::max<int64_t>(l->work_reduction(), reduction),
                          dma};
      if (outputs > kMaxProgramMacs / reduction ||
          programMacs > kMaxProgramMacs - outputs * reduction)
        fail(where + " needs more than 2^37 multiply-accumulates (layer " +
             std::to_string(i) + ")");
      programMacs += outputs * reduction;
      if (l->tile_rows() > 0 || l->tile_channels() > 0) {
        work.geometry = ane::tileGeometry(dimsOf(l->output_shape()));
        work.tileRows = l->tile_rows();
        work.tileChannels = l->tile_channels();
        if (work.tileRows < 1 || work.tileRows > work.geometry.rows ||
            work.tileChannels < 1 || work.tileChannels > work.geometry.channels)
          fail(what + " has a tile outside its output");
      }
      int64_t perOutput =
          ane::ceilDiv(work.reduction, engine_.macsPerCorePerCycle);
      if (work.outputs < 0 || work.outputs > kMaxBytes ||
          work.reduction > kMaxBytes || dma < 0 ||
          (work.outputs && perOutput > (kMaxBytes << 20) / work.outputs))
        fail(what + " has work out of range");
      int64_t c = ane::layerCycles(engine_, work).total;
      cp.cycles.push_back(c);
      cp.totalCycles += c;
    }
    programs_[name] = std::move(cp);
  }

  /// A checked layer's work from its shapes: output elements, and the
  /// multiply-accumulates (or steps) per output of its op.
  static std::pair<int64_t, int64_t> shapeWork(const fb::Layer *l) {
    auto product = [](const std::vector<int64_t> &d, size_t from) {
      int64_t n = 1;
      for (size_t i = from; i < d.size(); ++i)
        n = d[i] && n > kMaxBytes / d[i] ? kMaxBytes : n * d[i];
      return n;
    };
    auto input = [&](size_t i) {
      const fb::Shape *s = l->input_shapes()->Get(i);
      return dimsOf(s ? s->dims() : nullptr);
    };
    int64_t outputs = product(dimsOf(l->output_shape()), 0), reduction = 1;
    std::string op = l->op()->str();
    size_t inputs = l->input_shapes()->size();
    if (op == "conv" && inputs > 1)
      reduction = product(input(1), 1); // weight [O, I/groups, kh, kw]
    else if (op == "matmul" && inputs > 0 && input(0).size() == 2)
      reduction = input(0)[1]; // [M, K]
    else if (op == "batch_matmul" && inputs > 0 && input(0).size() == 3)
      reduction = input(0)[2]; // [B, M, K]
    else if (op == "pool" && l->kernel())
      reduction = product(dimsOf(l->kernel()), 0);
    else if (op == "layer_norm")
      reduction = 4;
    else if (op == "softmax")
      reduction = 3;
    return {outputs, std::max<int64_t>(reduction, 1)};
  }

  /// The shapes a layer reads and writes fit its op and its buffers.
  void checkLayer(
      const fb::Layer *l,
      const flatbuffers::Vector<flatbuffers::Offset<fb::Buffer>> *buffers,
      uint32_t numInputs, const std::string &what) {
    if (!l->op() || !l->inputs() || !l->outputs() || !l->input_shapes() ||
        !l->output_shape() || l->outputs()->size() != 1 ||
        l->inputs()->size() != l->input_shapes()->size())
      fail(what + " is incomplete");
    std::string op = l->op()->str(), kind = l->kind() ? l->kind()->str() : "";
    std::vector<std::vector<int64_t>> in;
    for (const fb::Shape *s : *l->input_shapes())
      in.push_back(dimsOf(s ? s->dims() : nullptr));
    std::vector<int64_t> out = dimsOf(l->output_shape());
    auto bytesOf = [&](const std::vector<int64_t> &d, int64_t elem) {
      int64_t n = 1;
      for (int64_t x : d) {
        if (x < 0 || (x > 0 && n > (int64_t(1) << 40) / x))
          fail(what + " has an invalid shape");
        n *= x;
      }
      return n * elem;
    };
    int64_t inElem = 2, outElem = 2;
    if (op == "convert") {
      if (kind != "f32-to-f16" && kind != "f16-to-f32")
        fail(what + ": unknown conversion '" + kind + "'");
      (kind == "f32-to-f16" ? inElem : outElem) = 4;
    }
    for (size_t i = 0; i < in.size(); ++i) {
      uint32_t b = l->inputs()->Get(i);
      if (b >= buffers->size() ||
          (uint64_t)bytesOf(in[i], inElem) > buffers->Get(b)->bytes())
        fail(what + " reads past buffer " + std::to_string(b));
    }
    uint32_t ob = l->outputs()->Get(0);
    if (ob >= buffers->size() ||
        (uint64_t)bytesOf(out, outElem) > buffers->Get(ob)->bytes())
      fail(what + " writes past its output buffer");
    const fb::Buffer *o = buffers->Get(ob);
    if (o->kind() == fb::BufferKind::Constant)
      fail(what + " writes a constant");
    if (o->kind() == fb::BufferKind::Argument && o->index() < numInputs)
      fail(what + " writes the step's input " + std::to_string(o->index()));
    // No kernel computes in place: an output overlapping an input is refused.
    for (uint32_t b : *l->inputs()) {
      const fb::Buffer *i = buffers->Get(b);
      bool overlap =
          b == ob ||
          (i->kind() == o->kind() && i->kind() == fb::BufferKind::Argument &&
           i->index() == o->index()) ||
          (i->kind() == o->kind() && i->kind() == fb::BufferKind::Internal &&
           i->offset() < o->offset() + o->bytes() &&
           o->offset() < i->offset() + i->bytes());
      if (overlap)
        fail(what + " writes a buffer it reads");
    }
    if (bytesOf(out, 1) == 0)
      fail(what + " computes no elements");
    for (const flatbuffers::Vector<int64_t> *v :
         {l->strides(), l->pads(), l->dilations(), l->kernel()})
      if (v)
        for (int64_t x : *v)
          if (x < 0 || x > kMaxParam)
            fail(what + " has a stride, pad, dilation or kernel out of range");
    if (l->groups() < 1 || l->groups() > kMaxBytes)
      fail(what + " has a group count out of range");
    auto need = [&](bool ok, const std::string &why) {
      if (!ok)
        fail(what + " (" + op + "): " + why);
    };
    std::string activation = activationOf(l);
    need(activation.empty() ||
             ((activation == "relu" || activation == "clip") &&
              (op == "conv" || op == "matmul" || op == "elementwise")),
         "cannot apply activation '" + activation + "'");
    auto count = [&](const std::vector<int64_t> &d) { return bytesOf(d, 1); };
    auto vec = [&](const flatbuffers::Vector<int64_t> *v, size_t n) {
      return v && v->size() == n;
    };
    if (op == "convert" || op == "activation" || op == "softmax") {
      need(in.size() == 1 && in[0] == out, "output shape differs from input");
      if (op == "activation") {
        need(kind == "relu" || kind == "clip" || kind == "sigmoid" ||
                 kind == "tanh" || kind == "erf",
             "unknown activation '" + kind + "'");
        if (kind == "sigmoid" || kind == "tanh" || kind == "erf")
          need(l->table_entries() >= 2 && l->table_entries() <= kMaxTable,
               "table entries out of range");
      }
      if (op == "softmax")
        need(!out.empty(), "needs an axis");
    } else if (op == "conv") {
      need((in.size() == 2 || in.size() == 3) && in[0].size() == 4 &&
               in[1].size() == 4 && out.size() == 4 && vec(l->strides(), 2) &&
               vec(l->pads(), 4) && vec(l->dilations(), 2) && l->groups() >= 1,
           "needs input, weight, strides, pads and dilations");
      ane::ConvParams p = convParams(l, in[0], in[1]);
      need(p.dilation[0] * (p.kh - 1) < p.h + p.pads[0] + p.pads[2] &&
               p.dilation[1] * (p.kw - 1) < p.w + p.pads[1] + p.pads[3],
           "the window is larger than the padded input");
      need(p.c % p.groups == 0 && p.f % p.groups == 0 &&
               in[1][1] == p.c / p.groups && out[0] == p.n && out[1] == p.f &&
               p.stride[0] > 0 && p.stride[1] > 0 && p.dilation[0] > 0 &&
               p.dilation[1] > 0 && out[2] == p.outH() && out[3] == p.outW() &&
               p.outH() > 0 && p.outW() > 0,
           "shapes disagree");
      if (in.size() == 3)
        need(count(in[2]) == p.f, "bias must have one value per filter");
    } else if (op == "matmul") {
      need((in.size() == 2 || in.size() == 3) && in[0].size() == 2 &&
               in[1].size() == 2 && in[0][1] == in[1][0] &&
               out == std::vector<int64_t>{in[0][0], in[1][1]},
           "shapes disagree");
      if (in.size() == 3)
        need(count(in[2]) == in[1][1], "bias must have one value per column");
    } else if (op == "batch_matmul") {
      need(in.size() == 2 && in[0].size() == 3 && in[1].size() == 3 &&
               in[0][0] == in[1][0] && in[0][2] == in[1][1] &&
               out == std::vector<int64_t>{in[0][0], in[0][1], in[1][2]},
           "shapes disagree");
    } else if (op == "layer_norm") {
      need((in.size() == 2 || in.size() == 3) && in[0] == out && !out.empty(),
           "needs an input of the output's shape and a scale");
      for (size_t k = 1; k < in.size(); ++k)
        need(count(in[k]) == out.back(),
             "scale and bias must have one value per channel");
    } else if (op == "transpose") {
      need(in.size() == 1 && l->perm() && l->perm()->size() == out.size() &&
               in[0].size() == out.size(),
           "needs one perm entry per dim");
      std::vector<bool> seen(out.size(), false);
      for (size_t d = 0; d < out.size(); ++d) {
        int64_t p = l->perm()->Get(d);
        need(p >= 0 && p < (int64_t)out.size() && !seen[p] &&
                 out[d] == in[0][p],
             "perm is not a permutation of the input's dims");
        seen[p] = true;
      }
    } else if (op == "slice") {
      need(in.size() == 1 && l->starts() && l->starts()->size() == out.size() &&
               in[0].size() == out.size(),
           "needs one start per dim");
      for (size_t d = 0; d < out.size(); ++d) {
        int64_t st = l->starts()->Get(d);
        need(st >= 0 && st <= in[0][d] && out[d] <= in[0][d] - st,
             "the box leaves the input");
      }
    } else if (op == "elementwise") {
      need(kind == "add" || kind == "sub" || kind == "mul",
           "unknown kind '" + kind + "'");
      need(in.size() == 2 && in[0] == out &&
               (in[1] == out || (in[1].size() == 1 && !out.empty() &&
                                 in[1][0] == out[ane::channelDim(out.size())])),
           "rhs is neither elementwise nor per channel");
    } else if (op == "pool") {
      need((kind == "max" || kind == "avg") && in.size() == 1 &&
               in[0].size() == 4 && out.size() == 4 && vec(l->kernel(), 2) &&
               vec(l->strides(), 2) && vec(l->pads(), 4),
           "needs a 4-D input, kernel, strides and pads");
      ane::ConvParams p = poolParams(l, in[0]);
      need(p.kh <= p.h + p.pads[0] + p.pads[2] &&
               p.kw <= p.w + p.pads[1] + p.pads[3],
           "the window is larger than the padded input");
      need(p.kh > 0 && p.kw > 0 && p.stride[0] > 0 && p.stride[1] > 0 &&
               out[0] == p.n && out[1] == p.c && out[2] == p.outH() &&
               out[3] == p.outW() && p.outH() > 0 && p.outW() > 0,
           "shapes disagree");
    } else if (op == "concat") {
      int64_t axis = l->axis(), sum = 0;
      need(!in.empty() && axis >= 0 && axis < (int64_t)out.size(),
           "axis out of range");
      for (const auto &s : in) {
        need(s.size() == out.size(), "inputs differ in rank");
        for (size_t d = 0; d < s.size(); ++d)
          need((int64_t)d == axis || s[d] == out[d], "inputs differ in shape");
        sum += s[axis];
      }
      need(sum == out[axis], "inputs do not sum to the output");
    } else {
      fail(what + " has unknown op '" + op + "'");
    }
  }

  /// The fused activation; an absent or empty field means none.
  static std::string activationOf(const fb::Layer *l) {
    return l->activation() ? l->activation()->str() : "";
  }

  static ane::ConvParams convParams(const fb::Layer *l,
                                    const std::vector<int64_t> &in,
                                    const std::vector<int64_t> &w) {
    ane::ConvParams p;
    p.n = in[0], p.c = in[1], p.h = in[2], p.w = in[3];
    p.f = w[0], p.kh = w[2], p.kw = w[3];
    p.groups = l->groups();
    p.stride = {l->strides()->Get(0), l->strides()->Get(1)};
    p.dilation = {l->dilations()->Get(0), l->dilations()->Get(1)};
    for (int i = 0; i < 4; ++i)
      p.pads[i] = l->pads()->Get(i);
    return p;
  }

  static ane::ConvParams poolParams(const fb::Layer *l,
                                    const std::vector<int64_t> &in) {
    ane::ConvParams p;
    p.n = in[0], p.c = in[1], p.h = in[2], p.w = in[3];
    p.f = p.c, p.groups = p.c;
    p.kh = l->kernel()->Get(0), p.kw = l->kernel()->Get(1);
    p.stride = {l->strides()->Get(0), l->strides()->Get(1)};
    for (int i = 0; i < 4; ++i)
      p.pads[i] = l->pads()->Get(i);
    return p;
  }

  double run(const CheckedProgram &cp, void *const *args, uint8_t *arena,
             std::vector<SimulatedLayer> *layers) const {
    const fb::Program *p = cp.program;
    auto ptr = [&](uint32_t buffer) -> uint8_t * {
      const fb::Buffer *b = p->buffers()->Get(buffer);
      switch (b->kind()) {
      case fb::BufferKind::Argument:
        return static_cast<uint8_t *>(args[b->index()]);
      case fb::BufferKind::Internal:
        return arena + b->offset();
      default:
        return const_cast<uint8_t *>(
            stream_->constants()->Get(b->index())->data()->data());
      }
    };
    auto half = [&](const fb::Layer *l, size_t i) {
      return reinterpret_cast<const uint16_t *>(ptr(l->inputs()->Get(i)));
    };
    const bool acc32 = engine_.fp32Accumulator;
    for (size_t i = 0; i < p->layers()->size(); ++i) {
      const fb::Layer *l = p->layers()->Get(i);
      std::string op = l->op()->str(), kind = l->kind() ? l->kind()->str() : "";
      std::vector<int64_t> out = dimsOf(l->output_shape());
      int64_t n = elements(l->output_shape());
      uint8_t *o = ptr(l->outputs()->Get(0));
      auto *oh = reinterpret_cast<uint16_t *>(o);
      auto inShape = [&](size_t k) {
        return dimsOf(l->input_shapes()->Get(k)->dims());
      };
      if (op == "convert") {
        const uint8_t *src = ptr(l->inputs()->Get(0));
        if (kind == "f32-to-f16") {
          for (int64_t k = 0; k < n; ++k) {
            float f;
            std::memcpy(&f, src + 4 * k, 4);
            oh[k] = ane::floatToHalf(f);
          }
        } else {
          for (int64_t k = 0; k < n; ++k) {
            uint16_t h;
            std::memcpy(&h, src + 2 * k, 2);
            float f = halfToFloat(h);
            std::memcpy(o + 4 * k, &f, 4);
          }
        }
      } else if (op == "conv") {
        ane::ConvParams cp2 = convParams(l, inShape(0), inShape(1));
        ane::conv2d(cp2, half(l, 0), half(l, 1),
                    l->inputs()->size() == 3 ? half(l, 2) : nullptr, oh, acc32);
      } else if (op == "matmul") {
        std::vector<int64_t> a = inShape(0), w = inShape(1);
        ane::matmul(a[0], a[1], w[1], half(l, 0), half(l, 1),
                    l->inputs()->size() == 3 ? half(l, 2) : nullptr, oh, acc32);
      } else if (op == "batch_matmul") {
        std::vector<int64_t> a = inShape(0), w = inShape(1);
        for (int64_t b = 0; b < a[0]; ++b)
          ane::matmul(a[1], a[2], w[2], half(l, 0) + b * a[1] * a[2],
                      half(l, 1) + b * w[1] * w[2], nullptr,
                      oh + b * a[1] * w[2], acc32);
      } else if (op == "layer_norm") {
        int64_t cols = out.back();
        ane::layerNorm(
            n / std::max<int64_t>(cols, 1), cols, half(l, 0), half(l, 1),
            l->inputs()->size() == 3 ? half(l, 2) : nullptr, l->epsilon(), oh);
      } else if (op == "transpose") {
        ane::transpose(inShape(0), dimsOf(l->perm()), half(l, 0), oh);
      } else if (op == "slice") {
        ane::slice(inShape(0), dimsOf(l->starts()), out, half(l, 0), oh);
      } else if (op == "elementwise") {
        ane::Binary b = kind == "add"   ? ane::Binary::Add
                        : kind == "sub" ? ane::Binary::Sub
                                        : ane::Binary::Mul;
        bool perChannel = inShape(1) != out;
        // [n, c, hw] with c the channel dim (one scalar: 1 x 1 x 1).
        int64_t c = 1, hw = 1;
        if (!out.empty()) {
          size_t cdim = ane::channelDim(out.size());
          c = out[cdim];
          for (size_t d = cdim + 1; d < out.size(); ++d)
            hw *= out[d];
        }
        ane::binary(b, n / std::max<int64_t>(c * hw, 1), c, hw, half(l, 0),
                    half(l, 1), perChannel, oh);
      } else if (op == "activation") {
        ane::Unary u = kind == "relu"      ? ane::Unary::Relu
                       : kind == "clip"    ? ane::Unary::Clip
                       : kind == "sigmoid" ? ane::Unary::Sigmoid
                       : kind == "tanh"    ? ane::Unary::Tanh
                                           : ane::Unary::Erf;
        ane::unary(u, n, half(l, 0), oh, l->min(), l->max(),
                   l->table_entries());
      } else if (op == "pool") {
        ane::pool(kind == "max" ? ane::Pool::Max : ane::Pool::Avg,
                  poolParams(l, inShape(0)), half(l, 0), oh,
                  l->count_include_pad());
      } else if (op == "softmax") {
        int64_t cols = out.back();
        ane::softmax(n / std::max<int64_t>(cols, 1), cols, half(l, 0), oh);
      } else if (op == "concat") {
        // Each input's rows of the axis, copied into place (the engine's DMA).
        int64_t axis = l->axis(), outer = 1, inner = 1;
        for (int64_t d = 0; d < axis; ++d)
          outer *= out[d];
        for (size_t d = axis + 1; d < out.size(); ++d)
          inner *= out[d];
        int64_t offset = 0;
        for (size_t k = 0; k < l->inputs()->size(); ++k) {
          int64_t rows = inShape(k)[axis];
          const uint16_t *src = half(l, k);
          for (int64_t a = 0; a < outer; ++a)
            std::memcpy(oh + (a * out[axis] + offset) * inner,
                        src + a * rows * inner, rows * inner * 2);
          offset += rows;
        }
      }
      // A fused activation: relu and clip commute with the rounding to fp16,
      // so applying them to the rounded output is what the engine computes.
      if (std::string fused = activationOf(l); !fused.empty())
        ane::unary(fused == "relu" ? ane::Unary::Relu : ane::Unary::Clip, n, oh,
                   oh, l->min(), l->max());
      if (layers)
        layers->push_back({op, l->source() ? l->source()->str() : "",
                           ane::cyclesToMicros(engine_, cp.cycles[i])});
    }
    return ane::cyclesToMicros(engine_, cp.totalCycles);
  }

  std::string label_;
  const fb::Stream *stream_ = nullptr;
  EngineDescription engine_;
  std::map<std::string, CheckedProgram> programs_;
};

class AneExecutor final : public Executor {
public:
  ComputeUnit unit() const override { return ComputeUnit::NeuralEngine; }
  std::string name() const override { return "ane (simulator)"; }
  std::string whyNot(const bundle::ExecutableInfo &exe) const override {
    if (exe.format != "ane-command-stream")
      return "format '" + exe.format +
             "' is not a neural-engine command stream";
    return "";
  }
  std::shared_ptr<LoadedExecutable> load(const bundle::ExecutableInfo &,
                                         const uint8_t *bytes, uint64_t size,
                                         const std::string &label) override {
    return std::make_shared<AneLoaded>(bytes, size, label);
  }
};

} // namespace

std::shared_ptr<Executor> createAneExecutor() {
  return std::make_shared<AneExecutor>();
}

void registerAneExecutor() { registerExecutor(createAneExecutor()); }

} // namespace coreai::runtime

//===- FuzzAneStream.cpp - libFuzzer: the engine's command streams --------===//
//
// Any bytes as a neural-engine executable: loaded (every reference and
// bound checked), then each program it has run on zeroed argument buffers
// of the sizes it asks for.
//
//===----------------------------------------------------------------------===//
#include "coreai/AssetError.h"
#include "coreai/schemas/ane_stream_generated.h"
#include "lib/Runtime/ANE/AneExecutor.h"
#include "lib/Runtime/Executor.h"

#include <algorithm>
#include <cstdint>
#include <vector>

using namespace coreai;
using namespace coreai::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static std::shared_ptr<Executor> executor = createAneExecutor();
  // The executable keeps pointers into its bytes: they live through the run.
  std::vector<uint8_t> bytes(data, data + size);
  bundle::ExecutableInfo info;
  info.unit = "ane";
  info.format = "ane-command-stream";
  std::shared_ptr<LoadedExecutable> exe;
  try {
    exe = executor->load(info, bytes.data(), bytes.size(), "fuzz");
  } catch (const AssetError &) {
    return 0;
  }
  const auto *stream = anefb::GetStream(bytes.data());
  for (const anefb::Program *p : *stream->programs()) {
    std::vector<uint64_t> argBytes(p->num_arguments(), 0);
    for (const anefb::Buffer *b : *p->buffers())
      if (b->kind() == anefb::BufferKind::Argument &&
          b->index() < argBytes.size())
        argBytes[b->index()] =
            std::max<uint64_t>(argBytes[b->index()], b->bytes());
    uint64_t total = 0;
    for (uint64_t n : argBytes)
      total += n;
    if (total > (uint64_t(64) << 20))
      continue; // the harness's memory, not the runtime's
    SimulatedStep step;
    try {
      step = exe->simulatedEntryPoint(p->name()->str(), argBytes);
    } catch (const AssetError &) {
      continue;
    }
    std::vector<std::vector<uint8_t>> buffers;
    std::vector<void *> args;
    for (uint64_t n : argBytes) {
      buffers.emplace_back(std::max<uint64_t>(n, 1), 0);
      args.push_back(buffers.back().data());
    }
    try {
      step(args.data(), nullptr);
    } catch (const AssetError &) {
    }
  }
  return 0;
}

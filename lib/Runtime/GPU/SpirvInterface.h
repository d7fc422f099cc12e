//===- SpirvInterface.h - The buffers a SPIR-V kernel's code uses ---------===//
//
// The GPU's argument table, read from the code itself: a kernel's storage
// buffers are declared in its SPIR-V with their descriptor binding, their
// layout (struct member offsets, array lengths and strides) and the stores
// the code makes through them. The runtime reads that before handing the
// module to the driver and checks the buffers a schedule step binds against
// it, so that edited metadata (a shrunk slot, a constant bound where the
// kernel writes, a binding the pipeline layout lacks) cannot disagree with
// the code unnoticed. The CPU's counterpart is the argument table its shared
// objects export (KernelABI.h).
//
// Written here rather than taken from SPIRV-Reflect or SPIRV-Tools: the
// runtime links no SPIR-V library (Debian packages neither as a runtime
// library for this), and the subset needed is small: the container, entry
// points, decorations, types, constants, variables and the instructions that
// store through a pointer.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_GPU_SPIRVINTERFACE_H
#define COREAI_RUNTIME_GPU_SPIRVINTERFACE_H

#include "lib/Runtime/Executor.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace coreai::runtime::spirv {

/// One storage buffer the module's code can reach.
struct Buffer {
  uint32_t set = 0, binding = 0;
  /// The bytes its declared type spans: valid code does not index past them
  /// (an out-of-bounds access chain into a sized array is undefined). For a
  /// type ending in a runtime-sized array, the offset where that starts.
  uint64_t bytes = 0;
  /// Whether the type ends in a runtime-sized array (its extent comes from
  /// the bound buffer: only robustBufferAccess bounds it).
  bool runtimeSized = false;
  /// Whether any instruction may store through it (conservative: a pointer
  /// into it passed to a function counts as a store).
  bool written = false;
};

/// What a module declares for its GLCompute entry point `entry`.
struct Interface {
  std::vector<Buffer> buffers; // in declaration order
};

/// Reads the container (magic, instruction lengths, ids), requires a
/// GLCompute entry point `entry` and a layout the runtime can size for
/// every storage buffer, and returns the buffers. Every buffer of the module
/// counts for every entry point (modules of coreai-build hold one): a check
/// against more buffers than an entry point uses refuses, never admits.
/// Throws AssetError (Unsupported) naming `label` with what is wrong.
Interface readInterface(const uint32_t *words, size_t numWords,
                        const std::string &entry, const std::string &label);

/// Checks the buffers a step binds (binding i = `bound[i]`) against what the
/// code uses: every buffer in descriptor set 0 at a binding the step has,
/// none smaller than the code's type, none written that the step marks
/// read-only. Throws AssetError (Corrupt) naming `label`.
void checkBindings(const Interface &interface,
                   const std::vector<BoundBuffer> &bound,
                   const std::string &label);

} // namespace coreai::runtime::spirv

#endif // COREAI_RUNTIME_GPU_SPIRVINTERFACE_H

//===- KernelABI.h - The C ABI between generated kernels and the runtime --===//
//
// Declared once, included by the compiler (which generates code that follows
// it) and by the runtime (which calls that code). Versioned: a runtime refuses
// executables whose ABI version it does not know.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_BUNDLE_KERNELABI_H
#define COREAI_BUNDLE_KERNELABI_H

#include <stdint.h>

// Version 3 added argument tables; version 2 added dispatches (workgroup
// entry points); version 1 executables had whole-function entries only.
#define COREAI_KERNEL_ABI_VERSION 3u

// Every CPU executable (an ELF shared object stored in the bundle) exports:
//
//   uint32_t coreai_abi_version(void);       // returns
//   COREAI_KERNEL_ABI_VERSION void <entry>(void *const *args);          // one
//   per bundle function int32_t coreai_dispatch_<D>(const
//   coreai_dispatch_state_v2 *,
//                               const coreai_workgroup_state_v2 *);
//                                             // one per dispatch D
//
// Whole-function entries: <entry> is the function's `entry_symbol` in the
// bundle (by convention "coreai_fn_" + function name) and args[i] is the base
// address of a dense, row-major buffer. The order of args is fixed:
//   inputs 0..I-1, then outputs 0..O-1, then the function's constants in the
//   order of its `constants` list.
// Inputs and constants are read-only; outputs are written in full. Buffers are
// at least 16-byte aligned (constants in bundles are 64-byte aligned).
// The entry runs the function's dispatches one after another on the calling
// thread and may allocate its scratch memory.
//
// Dispatches: a schedule step (schemas/aimodel.fbs) names one, its slots are
// the bindings (whole buffers, in the step's `args` order) and `groups[0]` is
// the number of workgroups worth launching. Workgroup `id` of `count` computes
// its share of the dispatch's work; the shares of ids 0..count-1 together
// compute all of it, each exactly once, and different workgroups of one
// dispatch never write the same bytes, so they may run at the same time on
// different threads, in any order. Any count >= 1 is valid (1: one call does
// everything). The code keeps no state between calls (it is re-entrant).
// A dispatch returns 0, or 1 without touching memory when `binding_count` is
// not the number of bindings it was compiled for. A call with
// workgroup_count[0] == 0 only performs that check (the runtime checks every
// step once before running anything).
typedef struct coreai_dispatch_state_v2 {
  void *const *bindings; // base addresses, binding_count of them
  uint32_t binding_count;
  uint32_t workgroup_count[3]; // only x is used so far; y = z = 1
} coreai_dispatch_state_v2;

typedef struct coreai_workgroup_state_v2 {
  uint32_t workgroup_id[3]; // x < workgroup_count[0]; y = z = 0
  uint32_t worker_id;       // the thread-pool worker running it
} coreai_workgroup_state_v2;

// Argument tables (version 3): every entry point <entry> (whole-function
// and dispatch) comes with a data symbol
//
//   const uint64_t <entry>__args[1 + 2 * N] = {N, bytes_0, flags_0, ...};
//
// for its N buffers in the entry's order (whole functions: inputs, outputs,
// constants; dispatches: bindings): the bytes the code reads or writes from
// each base address (0: not known), and flags bit 0 set when it writes the
// buffer. The runtime binds nothing smaller, and writable buffers only
// where it expects writes (outputs, scratch), whatever the metadata says.
#define COREAI_ARGUMENT_TABLE_SUFFIX "__args"
#define COREAI_ARGUMENT_WRITTEN 1u

typedef void (*coreai_entry_fn)(void *const *args);
typedef int32_t (*coreai_dispatch_fn)(const coreai_dispatch_state_v2 *,
                                      const coreai_workgroup_state_v2 *);
typedef uint32_t (*coreai_abi_version_fn)(void);

#define COREAI_ABI_VERSION_SYMBOL "coreai_abi_version"
#define COREAI_ENTRY_PREFIX "coreai_fn_"
#define COREAI_DISPATCH_PREFIX "coreai_dispatch_"

#endif // COREAI_BUNDLE_KERNELABI_H

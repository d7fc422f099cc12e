//===- KernelABI.h - The C ABI between generated kernels and the runtime --===//
//
// Declared once, included by the compiler (which generates code that follows
// it) and by the runtime (which calls that code). Versioned: a runtime refuses
// executables whose ABI version it does not know.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_KERNELABI_H
#define COREAI_KERNELABI_H

#include <stdint.h>

#define COREAI_KERNEL_ABI_VERSION 1u

// Every CPU executable (an ELF shared object stored in the bundle) exports:
//
//   uint32_t coreai_abi_version(void);       // returns COREAI_KERNEL_ABI_VERSION
//   void <entry>(void *const *args);          // one per bundle function
//
// where <entry> is the function's `entry_symbol` in the bundle (by convention
// "coreai_fn_" + function name) and args[i] is the base address of a dense,
// row-major buffer. The order of args is fixed:
//   inputs 0..I-1, then outputs 0..O-1, then the function's constants in the
//   order of its `constants` list.
// Inputs and constants are read-only; outputs are written in full. Buffers are
// at least 16-byte aligned (constants in bundles are 64-byte aligned).
typedef void (*coreai_entry_fn)(void *const *args);
typedef uint32_t (*coreai_abi_version_fn)(void);

#define COREAI_ABI_VERSION_SYMBOL "coreai_abi_version"
#define COREAI_ENTRY_PREFIX "coreai_fn_"

#endif // COREAI_KERNELABI_H

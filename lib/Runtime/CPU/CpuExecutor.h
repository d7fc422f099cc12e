//===- CpuExecutor.h - Runs CPU executables (ELF shared objects) ----------===//
//
// Link coreai-runtime-cpu and call registerCpuExecutor() once at startup to
// let specialize() use the CPU.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_CPU_CPUEXECUTOR_H
#define COREAI_RUNTIME_CPU_CPUEXECUTOR_H

#include "coreai/Executors.h"
#include "lib/Runtime/Executor.h"

#include <memory>

namespace coreai::runtime {

/// The CPU executor: loads the executable's shared object from memory
/// (memfd_create + dlopen, or a temporary file where that is not possible)
/// and calls its entry points per lib/Bundle/KernelABI.h.
std::shared_ptr<Executor> createCpuExecutor();

/// The architecture name this host runs ("x86_64", "aarch64").
const char *hostCpuArch();

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_CPU_CPUEXECUTOR_H

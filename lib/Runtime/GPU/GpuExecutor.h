//===- GpuExecutor.h - Runs GPU schedule steps through Vulkan -------------===//
//
// Link coreai-runtime-vulkan and call registerGpuExecutor() once at startup to
// let specialize() use the GPU. libvulkan is loaded only when a model asks
// for the GPU; without it, models run on the CPU and asking for the GPU fails
// with the loader's reason.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_GPU_GPUEXECUTOR_H
#define COREAI_RUNTIME_GPU_GPUEXECUTOR_H

#include "coreai/Executors.h"
#include "lib/Runtime/Executor.h"

#include <memory>
#include <string>
#include <vector>

namespace coreai::runtime {

std::shared_ptr<Executor> createGpuExecutor();

/// "index: name (type)" of each Vulkan device, or empty with `why` set.
std::vector<std::string> listGpuDevices(std::string &why);

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_GPU_GPUEXECUTOR_H

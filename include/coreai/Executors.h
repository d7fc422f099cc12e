//===- Executors.h - Turning on the compute units an app links ------------===//
//
// The runtime core knows no unit; each unit's library registers its executor
// once at startup, so an app carries only the units it links:
//
//   CoreAI::runtime-cpu  registerCpuExecutor()   shared objects via dlopen
//   CoreAI::runtime-gpu  registerGpuExecutor()   Vulkan, loaded on first use
//   CoreAI::runtime-ane  registerAneExecutor()   the neural-engine simulator
//   CoreAI::runtime      all three
//
// Calling a function again is harmless. A model asked to run on a unit whose
// executor is not registered fails to specialize, naming the unit.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_EXECUTORS_H
#define COREAI_EXECUTORS_H

namespace coreai::runtime {

void registerCpuExecutor();
void registerGpuExecutor();
void registerAneExecutor();

} // namespace coreai::runtime

#endif // COREAI_EXECUTORS_H

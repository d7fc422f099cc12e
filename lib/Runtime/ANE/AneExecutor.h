//===- AneExecutor.h - Runs neural-engine command streams in a simulator --===//
//
// Link coreai-runtime-ane and call registerAneExecutor() once at startup to
// let specialize() run the "ane" steps of schedules. There is no engine on
// this host: the executor runs each command stream layer by layer as fp16
// hardware computes it (lib/Runtime/ANE/Kernels.h) and times every layer
// with the cycle model of the engine the stream was compiled for.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_ANE_ANEEXECUTOR_H
#define COREAI_RUNTIME_ANE_ANEEXECUTOR_H

#include "coreai/Executors.h"
#include "lib/Runtime/Executor.h"

#include <memory>

namespace coreai::runtime {

std::shared_ptr<Executor> createAneExecutor();

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_ANE_ANEEXECUTOR_H

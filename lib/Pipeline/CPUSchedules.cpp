//===- CPUSchedules.cpp - A CPU function as a schedule of dispatches ------===//
//
// The CPU execution model: the dispatches that coreai-cpu-form-dispatches
// outlined become the steps of the function's schedule, over slots for its
// inputs, outputs, constants and scratch buffers, and scratch slots whose
// lifetimes do not overlap share memory (planScratchMemory). The runtime
// places every scratch slot in one arena and runs each step's workgroups on
// its thread pool.
//
//===----------------------------------------------------------------------===//
#include "lib/Pipeline/Pipeline.h"

#include "lib/Pipeline/MemoryPlanning.h"

#include "lib/Bundle/Shape.h"

using namespace mlir;

namespace coreai {
FailureOr<bundle::ScheduleData>
buildCPUSchedule(func::FuncOp host, const cpu::DispatchProgram &program,
                 const bundle::FunctionData &function,
                 const std::vector<bundle::ConstantData> &constants) {
  size_t numIn = function.inputs.size(), numConst = function.constants.size(),
         numOut = function.outputs.size();
  bundle::ScheduleData schedule;
  std::vector<uint32_t> slotOf;
  auto bytesOf = [&](const bundle::TensorDesc &t) -> FailureOr<uint64_t> {
    uint64_t bytes;
    if (!bundle::byteSize(t.dtype, t.shape, bytes))
      return host.emitError("tensor '") << t.name << "' has no byte size";
    return bytes;
  };
  for (const cpu::DispatchProgram::Buffer &b : program.buffers) {
    bundle::SlotData slot;
    if (b.scratch) {
      slot = {bundle::SlotKind::Scratch, 0, b.bytes};
    } else if (b.argument < numIn) {
      FailureOr<uint64_t> bytes = bytesOf(function.inputs[b.argument]);
      if (failed(bytes))
        return failure();
      slot = {bundle::SlotKind::Input, b.argument, *bytes};
    } else if (b.argument < numIn + numConst) {
      uint32_t c = function.constants[b.argument - numIn];
      slot = {bundle::SlotKind::Constant, c, constants[c].bytes.size()};
    } else if (b.argument < numIn + numConst + numOut) {
      uint32_t o = b.argument - numIn - numConst;
      FailureOr<uint64_t> bytes = bytesOf(function.outputs[o]);
      if (failed(bytes))
        return failure();
      slot = {bundle::SlotKind::Output, o, *bytes};
    } else {
      return host.emitError("dispatch program: argument ")
             << b.argument << " is beyond the function's " << numIn
             << " inputs, " << numConst << " constants and " << numOut
             << " outputs";
    }
    slotOf.push_back(schedule.slots.size());
    schedule.slots.push_back(slot);
  }
  for (const cpu::DispatchProgram::Dispatch &d : program.dispatches) {
    bundle::StepData step;
    step.unit = runtime::computeUnitName(runtime::ComputeUnit::CPU);
    step.executable = 0;
    step.entry = d.entry;
    for (unsigned b : d.buffers)
      step.args.push_back(slotOf[b]);
    step.groups = {d.workgroups, 1, 1};
    step.source = d.source;
    schedule.steps.push_back(std::move(step));
  }
  planScratchMemory(schedule);
  return schedule;
}

} // namespace coreai

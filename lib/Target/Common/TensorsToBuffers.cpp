//===- TensorsToBuffers.cpp - The lowering prefix GPU and CPU share -------===//
//
// Spelled as a textual pipeline, like each unit's own pipeline, so that the
// whole string is readable in docs and reproducible with coreai-opt.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/Common/Passes.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

void coreai::addBuiltinPipeline(OpPassManager &pm, StringRef pipeline,
                                StringRef unit) {
  if (failed(parsePassPipeline(pipeline, pm, llvm::errs())))
    llvm::report_fatal_error("coreai: malformed built-in " + unit +
                             " pipeline");
}

void coreai::addTensorsToBuffersPipeline(OpPassManager &pm,
                                         StringRef fuseElementwisePass) {
  std::string pipeline =
      // Graph -> linalg on tensors, fused elementwise chains.
      "func.func(convert-aigraph-to-linalg, canonicalize, cse," +
      fuseElementwisePass.str() +
      ", canonicalize, cse,"
      "  coreai-clone-shared-fills, coreai-distinct-results,"
      "  coreai-flatten-empty-boundaries),"
      // Ops whose result is inserted into a larger tensor (the inputs of
      // a Concat) compute into that tensor's slice, so no copy follows.
      "eliminate-empty-tensors,"
      // Tensors -> buffers; results become caller-provided out params.
      "one-shot-bufferize{bufferize-function-boundaries=1"
      "  function-boundary-type-conversion=identity-layout-map},"
      "buffer-results-to-out-params{hoist-static-allocs=1 "
      "modify-public-functions=1}";
  addBuiltinPipeline(pm, pipeline, "lowering prefix");
}

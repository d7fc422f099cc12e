//===- Passes.td - coreai-build graph passes ---------------*- tablegen -*-===//
#ifndef COREAI_TRANSFORMS_PASSES
#define COREAI_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def HoistConstants : Pass<"aigraph-hoist-constants", "::mlir::ModuleOp"> {
  let summary = "Turn large constants into function arguments bound to bundle data";
  let description = [{
    Weights must be mmap-ed from the bundle, not compiled into code. Every
    `aigraph.constant` of at least `min-bytes` becomes a new trailing
    argument of its function carrying the data in a `coreai.constant`
    argument attribute; identical constants share one argument. The module
    records the argument layout in `coreai.abi` (inputs, constants), and all
    arguments are marked read-only for bufferization.
  }];
  let options = [
    Option<"minBytes", "min-bytes", "int64_t", /*default=*/"64",
           "Constants smaller than this stay inline (and keep folding)">
  ];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

#endif // COREAI_TRANSFORMS_PASSES

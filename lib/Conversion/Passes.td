//===- Passes.td - coreai-build conversion passes ----------*- tablegen -*-===//
#ifndef COREAI_CONVERSION_PASSES
#define COREAI_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def ConvertAIGraphToLinalg : Pass<"convert-aigraph-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Lower aigraph ops to linalg, tensor, scf, arith and math";
  let description = [{
    Unit-independent lowering shared by the CPU and GPU targets: every
    aigraph op becomes linalg structured ops (named where upstream has one:
    convolutions, pooling, transpose; generic otherwise) on tensors. An op it
    cannot lower is reported at the op's location (its ONNX node).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // COREAI_CONVERSION_PASSES

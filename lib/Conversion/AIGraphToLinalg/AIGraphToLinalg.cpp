//===- AIGraphToLinalg.cpp - The convert-aigraph-to-linalg pass -----------===//
#include "lib/Conversion/Passes.h"
#include "Utils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CONVERTAIGRAPHTOLINALG
#include "lib/Conversion/Passes.h.inc"
} // namespace coreai

namespace {
struct ConvertAIGraphToLinalg
    : coreai::impl::ConvertAIGraphToLinalgBase<ConvertAIGraphToLinalg> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    coreai::aigraph::populateElementwisePatterns(patterns);
    coreai::aigraph::populateLinearAlgebraPatterns(patterns);
    coreai::aigraph::populatePoolingPatterns(patterns);
    coreai::aigraph::populateNormalizationPatterns(patterns);
    coreai::aigraph::populateShapeOpPatterns(patterns);
    coreai::aigraph::populateElementwiseMorePatterns(patterns);
    coreai::aigraph::populateReductionPatterns(patterns);

    // aigraph ops are left "unknown" rather than illegal: the driver then
    // converts what it can and lists the rest, each of which is reported at
    // its own location (its ONNX node), not just the first failure.
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect,
                           func::FuncDialect>();
    DenseSet<Operation *> unlegalized;
    ConversionConfig config;
    config.unlegalizedOps = &unlegalized;
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns), config)))
      return signalPassFailure();
    bool failedAny = false;
    getOperation().walk([&](Operation *op) {
      if (!isa<coreai::aigraph::AIGraphDialect>(op->getDialect()))
        return;
      op->emitError() << "cannot lower '" << op->getName()
                      << "' for this unit: unsupported attributes, dynamic "
                         "shapes or element type";
      failedAny = true;
    });
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace

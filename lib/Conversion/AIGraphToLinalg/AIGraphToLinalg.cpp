//===- AIGraphToLinalg.cpp - The convert-aigraph-to-linalg pass -----------===//
#include "lib/Conversion/Passes.h"
#include "Utils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

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
    // aigraph keeps ONNX's unsigned integer types; arith computes on
    // signless integers, so they convert here (patterns pick the unsigned
    // arith ops from the original types).
    TypeConverter converter;
    converter.addConversion([](Type t) { return t; });
    converter.addConversion([ctx](IntegerType t) -> Type {
      if (coreai::aigraph::isNarrowInteger(t))
        return IntegerType::get(ctx, 8);
      return t.isUnsigned() ? IntegerType::get(ctx, t.getWidth()) : t;
    });
    // float8/float4 are stored one code per byte (NarrowTypes.h).
    converter.addConversion([ctx](FloatType t) -> Type {
      return coreai::aigraph::isNarrowFloat(t) ? IntegerType::get(ctx, 8)
                                               : Type(t);
    });
    converter.addConversion([&converter](RankedTensorType t) -> Type {
      return RankedTensorType::get(
          t.getShape(), converter.convertType(t.getElementType()));
    });
    // Values of narrow types change their storage here; an op that cannot
    // compute on them is reported before the conversion, which could not
    // otherwise reconcile its operands' types.
    bool narrowMisuse = false;
    getOperation().walk([&](Operation *op) {
      if (!isa<coreai::aigraph::AIGraphDialect>(op->getDialect()) ||
          isa<coreai::aigraph::CastOp, coreai::aigraph::ConstantOp,
              coreai::aigraph::ReshapeOp, coreai::aigraph::IdentityOp,
              coreai::aigraph::TransposeOp, coreai::aigraph::ExpandOp,
              coreai::aigraph::ConcatOp, coreai::aigraph::SliceOp>(op))
        return;
      auto narrow = [](Type t) {
        return coreai::aigraph::isNarrowType(getElementTypeOrSelf(t));
      };
      if (llvm::any_of(op->getOperandTypes(), narrow) ||
          llvm::any_of(op->getResultTypes(), narrow)) {
        op->emitError() << "cannot lower '" << op->getName()
                        << "' for this unit: float8, float4 and 4- or 2-bit "
                           "integer values only support Cast and data "
                           "movement";
        narrowMisuse = true;
      }
    });
    if (narrowMisuse)
      return signalPassFailure();

    RewritePatternSet patterns(ctx);
    coreai::aigraph::populateElementwisePatterns(converter, patterns);
    coreai::aigraph::populateLinearAlgebraPatterns(converter, patterns);
    coreai::aigraph::populatePoolingPatterns(converter, patterns);
    coreai::aigraph::populateNormalizationPatterns(converter, patterns);
    coreai::aigraph::populateShapeOpPatterns(converter, patterns);
    coreai::aigraph::populateReductionPatterns(converter, patterns);
    coreai::aigraph::populateIndexingPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);

    // aigraph ops are left "unknown" rather than illegal: the driver then
    // converts what it can and lists the rest, each of which is reported at
    // its own location (its ONNX node), not just the first failure.
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>([&](func::ReturnOp op) {
      return converter.isLegal(op.getOperandTypes());
    });
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

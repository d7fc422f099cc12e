//===- LayerPatterns.h - Graph ops as the neural engine's layers ----------===//
//
// One pattern per family of graph ops says whether the engine can take an op
// (`whyNot`, the match) and builds its fp16 layers (`lower`, the rewrite).
// The match's failure is the reason users see: placement asks the same
// patterns (Capabilities.cpp) before putting an op on the engine, and
// coreai-ane-legalize reports it when an op placed there does not fit. So
// the engine refuses in one place, and what placement accepts is exactly
// what the legalization lowers.
//
// The patterns are not mlir::RewritePatterns driven by the greedy or the
// dialect-conversion driver: the legalization gives every graph value one
// fp16 form, made where first used, and puts constants and argument
// conversions in a prologue in the order of first use (so the command
// stream is the same from run to run). A driver that rewrites op by op with
// materializations would reorder both; LayerBuilder keeps that state.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_TARGET_ANE_LAYERPATTERNS_H
#define COREAI_LIB_TARGET_ANE_LAYERPATTERNS_H

#include "dialects/AIGraph/AIGraph.h"
#include "dialects/AIGraph/ConstantValues.h"
#include "dialects/ANE/ANE.h"
#include "lib/NeuralEngine/EngineDescription.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Operation.h"

#include <memory>
#include <string>
#include <vector>

namespace coreai::anelower {

using runtime::ane::EngineDescription;
using runtime::ane::OpLimits;

/// The state of one function's legalization: the fp16 form of each graph
/// value and the prologue of constants and argument conversions.
class LayerBuilder {
public:
  LayerBuilder(mlir::func::FuncOp func, const EngineDescription &engine);

  mlir::OpBuilder &builder() { return b_; }
  const EngineDescription &engine() const { return engine_; }

  /// The fp16 form of graph value `v`: its lowered value, an fp16 constant,
  /// or (for an fp32 value) one conversion where it is defined.
  mlir::Value half(mlir::Value v, mlir::Location loc);
  /// Records `h` as the fp16 form of graph value `v`.
  void map(mlir::Value v, mlir::Value h) { half_.map(v, h); }
  /// `h` viewed with `shape` (no layer when the shape is already right).
  mlir::Value reshape(mlir::Value h, llvm::ArrayRef<int64_t> shape,
                      mlir::Location loc);
  /// An fp16 constant of `values` (rounded once), in the prologue.
  mlir::Value constant(llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<double> values, mlir::Location loc);

private:
  void setInsertionPointToPrologue();

  mlir::func::FuncOp func_;
  const EngineDescription &engine_;
  mlir::OpBuilder b_;
  mlir::IRMapping half_;
  mlir::Operation *prologueEnd_ = nullptr;
};

/// How one family of graph ops becomes engine layers.
class LayerPattern {
public:
  virtual ~LayerPattern();
  /// Whether this pattern is the one for `op` (by op kind).
  virtual bool isFor(mlir::Operation *op) const = 0;
  /// Empty if engine `e` can take `op`, else why not in one phrase. Called
  /// after the operand and result types passed the engine's tensor checks.
  virtual std::string whyNot(mlir::Operation *op,
                             const EngineDescription &e) const = 0;
  /// The fp16 value of `op`'s result; only called when whyNot is empty.
  /// Builds at the builder's insertion point (before `op`).
  virtual mlir::FailureOr<mlir::Value> lower(mlir::Operation *op,
                                             LayerBuilder &b) const = 0;
  /// True for ops the engine runs without moving data (reshapes).
  virtual bool movesNoData() const { return false; }
};

/// A pattern for the graph ops `OpTys`.
template <typename... OpTys> class LayerPatternFor : public LayerPattern {
public:
  bool isFor(mlir::Operation *op) const override {
    return llvm::isa<OpTys...>(op);
  }
};

class LayerPatternSet {
public:
  template <typename... Patterns> void add() {
    (patterns_.push_back(std::make_unique<Patterns>()), ...);
  }
  /// The pattern for `op`; null when the engine has no layer for it.
  const LayerPattern *lookup(mlir::Operation *op) const;
  /// Empty if engine `e` can run `op` (its tensors and its pattern's match),
  /// else why not ("kernel 15x15 exceeds 13x13", "dynamic shape").
  std::string whyNot(mlir::Operation *op, const EngineDescription &e) const;

private:
  std::vector<std::unique_ptr<LayerPattern>> patterns_;
};

/// Every family's patterns (built once).
const LayerPatternSet &engineLayerPatterns();

// Each family's file adds its patterns.
void populateContractionLayerPatterns(LayerPatternSet &set);
void populateElementwiseLayerPatterns(LayerPatternSet &set);
void populatePoolingLayerPatterns(LayerPatternSet &set);
void populateNormalizationLayerPatterns(LayerPatternSet &set);
void populateDataMovementLayerPatterns(LayerPatternSet &set);

//===----------------------------------------------------------------------===//
// What the patterns' matches and rewrites share
//===----------------------------------------------------------------------===//

/// `d` as "AxBxC".
std::string dims(llvm::ArrayRef<int64_t> d);
/// The op kind's limits in the description, or why the engine lacks it.
std::string whyNotListed(const EngineDescription &e, const std::string &kind,
                         const OpLimits *&limits);
/// Why the engine lacks the kind, for a layer that has no limits to check.
std::string whyNotListed(const EngineDescription &e, const std::string &kind);
/// A window (kernel, strides, dilations) against the kind's limits.
std::string whyNotWindow(const OpLimits &l, llvm::ArrayRef<int64_t> kernel,
                         llvm::ArrayRef<int64_t> strides,
                         llvm::ArrayRef<int64_t> dilations);
/// Softmax and normalization hold a whole axis in SRAM: its length limit.
std::string whyNotAxisLength(const OpLimits &l, int64_t n, const char *what);
/// Whether `v` is a compile-time constant of one element.
bool isScalarConstant(mlir::Value v);
/// The values of a float constant, in row-major order, as doubles.
std::vector<double> valuesOf(mlir::DenseElementsAttr c);
/// `t` with fp16 elements.
mlir::RankedTensorType halfType(mlir::Type t);

} // namespace coreai::anelower

#endif // COREAI_LIB_TARGET_ANE_LAYERPATTERNS_H

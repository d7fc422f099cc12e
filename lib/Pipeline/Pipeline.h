//===- Pipeline.h - The one compilation pipeline --------------------------===//
//
// coreai-build and coreai-opt both build their pass pipelines here, so lit
// tests exercise exactly what users run.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_LIB_PIPELINE_PIPELINE_H
#define COREAI_LIB_PIPELINE_PIPELINE_H

#include "lib/Bundle/BundleWriter.h"
#include "lib/Pipeline/PlacementReport.h"
#include "lib/Target/CPU/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"

#include <string>
#include <vector>

namespace coreai {

/// Told where a compilation is, for a progress display and per-phase timings
/// (coreai-build on a terminal, -v). Phases come in order; a phase of
/// `total` steps (the passes of a pipeline) reports each step done; `unit`
/// is the compute unit the phase works for ("" when not one unit).
class CompileObserver {
public:
  virtual ~CompileObserver() = default;
  virtual void beginPhase(llvm::StringRef name, llvm::StringRef unit,
                          size_t total) = 0;
  virtual void stepDone() = 0;
};

struct CompileOptions {
  /// Compute units by name (ComputeUnit.h), as the user gave them:
  /// compileModule refuses unknown ones with the model's location.
  std::vector<std::string> targets{"cpu"};
  std::string modelName;         // defaults to the input file's stem
  std::string sourceHash;        // hex hash of the source model bytes
  std::string commandLine;       // the options that shaped the output
  bool explainPlacement = false; // remark on every op not on the preferred unit
  std::string aneArch = "ane-16c-4mb"; // the neural engine (--ane-arch)
  /// CPU code variants (--cpu-arch), each an executable of the bundle; the
  /// runtime picks the best its host supports. See README ("CPU variants").
  std::vector<std::string> cpuArchs{"x86-64", "x86-64-v3", "x86-64-v4"};
  /// How ops are placed on units: "cost" (least estimated time) or
  /// "preference" (the first unit of `targets` that can run each op).
  std::string placement = "cost";
  /// Inputs fed with pixel buffers (--image-input NAME=FORMAT,...): see
  /// aigraph-image-inputs.
  std::vector<std::string> imageInputs;
  /// Inputs and outputs that are one value kept between calls, as
  /// "INPUT=OUTPUT" (--state): recorded as the functions' state pairs.
  std::vector<std::string> states;
  /// Filled with where every op went and why (--report), when set.
  PlacementReport *report = nullptr;
  /// Leaves out the functions' debug tables (--strip-debug): source nodes,
  /// source locations, placement reasons and estimates.
  bool stripDebug = false;
  /// Told of each phase and step, when set.
  CompileObserver *observer = nullptr;
};

/// The --cpu-arch names the compiler knows, comma-separated.
std::string knownCPUArchs();

/// Every dialect and external interface model the compiler uses.
void registerDialects(mlir::DialectRegistry &registry);

/// Every pass and pipeline the compiler uses (ours and upstream), by flag.
void registerPasses();

/// Registers what each unit's target can run with placement
/// (lib/Placement/UnitCapabilities.h); registerPasses() does it too.
void registerComputeUnits();

/// Graph-level passes on aigraph: folding, weight layouts, then constant
/// hoisting. `cpuOnly`: the model runs on the CPU alone, whose kernels read
/// some weights in a layout of their own (aigraph-block-convolution-weights).
void buildGraphPipeline(mlir::OpPassManager &pm, bool cpuOnly);

/// Graph pipeline followed by the CPU lowering to the LLVM dialect.
void buildCPUPipeline(mlir::OpPassManager &pm);

/// Compiles an aigraph module to bundle contents: runs the graph pipeline,
/// extracts descriptors and constants, lowers, and emits the CPU executable.
/// Diagnostics go through the context's handlers; on failure returns
/// failure after at least one error was emitted.
mlir::LogicalResult compileModule(mlir::ModuleOp module,
                                  const CompileOptions &options,
                                  bundle::BundleContents &contents);

/// Splits every function of `module` (after the graph pipeline and constant
/// extraction, with constant arguments still marked) between the units of
/// `options.targets`: lowers its GPU parts to SPIR-V executables and its
/// neural-engine parts to one command stream for `options.aneArch`, records
/// each function's schedule in `contents` (contents.executables[0] is the
/// CPU executable, filled later), and adds its CPU parts to `module` as
/// functions for the CPU lowering. With `options.explainPlacement`, emits a
/// remark at every op not on the preferred unit saying why.
mlir::LogicalResult buildSchedules(mlir::ModuleOp module,
                                   bundle::BundleContents &contents,
                                   const CompileOptions &options);

/// The schedule of CPU dispatches of `function` (compiled as `host`, after
/// cpu::buildDispatchPipeline), with its scratch memory planned.
mlir::FailureOr<bundle::ScheduleData>
buildCPUSchedule(mlir::func::FuncOp host, const cpu::DispatchProgram &program,
                 const bundle::FunctionData &function,
                 const std::vector<bundle::ConstantData> &constants);

} // namespace coreai

#endif // COREAI_LIB_PIPELINE_PIPELINE_H

//===- Passes.td - Placement of ops on compute units -------*- tablegen -*-===//
#ifndef COREAI_PLACEMENT_PASSES
#define COREAI_PLACEMENT_PASSES

include "mlir/Pass/PassBase.td"

def Place : Pass<"coreai-place", "::mlir::func::FuncOp"> {
  let summary = "Choose a compute unit for every op of a graph function";
  let description = [{
    Sets `coreai.unit` on every top-level op of the function, among the CPU
    (which runs everything) and `units` that can run it. With the `cost`
    strategy (the default), the assignment that minimizes the estimated
    time of the function: each op's roofline time on its unit
    (lib/Placement/CostModel.h: peak, bandwidth and launch cost per unit; the
    engine's from its description) plus a synchronization and the bytes that
    cross whenever consecutive ops change unit, starting and ending on the
    host; ties go to the unit listed first. With `preference`, the first of
    `units` that can run the op, else "cpu" (to test one unit's kernels).
    Constant ops get no unit: partitioning copies them into every segment
    that uses them. An op that already has `coreai.unit` keeps it (a
    compiler retrying after a failed lowering pins ops this way). Ops that
    move no data (reshape, flatten, identity) go to the neural engine only
    right after their operand was computed there: alone they would only add
    a rounding to fp16 and two unit boundaries.
  }];
  let options = [
    ListOption<"units", "units", "std::string",
               "units to consider besides the CPU, preferred first (ane, gpu)">,
    Option<"aneArch", "ane-arch", "std::string", "\"ane-16c-4mb\"",
           "the neural engine: a built-in name (targets/ane) or a .json path">,
    Option<"strategy", "strategy", "std::string", "\"cost\"",
           "cost (least estimated time) or preference (first unit that fits)">
  ];
}

def Partition : Pass<"coreai-partition", "::mlir::ModuleOp"> {
  let summary = "Outline each run of ops placed on one unit into a function";
  let description = [{
    After coreai-place: every maximal run of consecutive ops with the same
    `coreai.unit` (an op with `coreai.isolate` forms a run of its own) is
    outlined into `@<function>__s<K>` with attribute `coreai.unit`; the
    function becomes a sequence of calls. Values that cross segments become
    arguments and results; constants used by a segment are copied into it.
    Segment arguments are read-only for bufferization, so no segment writes
    a value another one reads.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

#endif // COREAI_PLACEMENT_PASSES

//===- Passes.td - CPU target passes -----------------------*- tablegen -*-===//
#ifndef COREAI_TARGET_CPU_PASSES
#define COREAI_TARGET_CPU_PASSES

include "mlir/Pass/PassBase.td"

def CPUApproximateVectorMath : Pass<"coreai-cpu-approximate-vector-math"> {
  let summary = "Polynomial approximations for math on f32 vectors";
  let description = [{
    erf, exp, expm1, tanh, log, log2 and log1p on f32 vectors (the
    epilogues of vector kernels) become upstream's polynomial
    approximations instead of one libm call per lane. Scalar math is left
    to libm.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def CPUDeduplicateDispatches
    : Pass<"coreai-cpu-deduplicate-dispatches", "::mlir::ModuleOp"> {
  let summary = "One dispatch function per distinct body";
  let description = [{
    Runs after coreai-cpu-form-dispatches. Repeated blocks of a model (a
    transformer's layers, a ResNet's blocks) outline into dispatches with
    the same code that differ only in the buffers their calls bind. Of
    dispatches with the same type, workgroup count and body (locations
    aside), the first is kept and the calls of the others call it; the
    others are erased, with their entries in `coreai.dispatches`. Each call
    keeps its own `coreai.source`, so schedules and profiles still name the
    nodes of each step. LLVM then compiles each distinct body once per CPU
    variant. Upstream's duplicate-function-elimination also merges public
    functions (the bundle's entry points) and leaves `coreai.dispatches`
    naming erased functions, so this pass only merges dispatches.
  }];
}

def CPUEntryPoints : Pass<"coreai-cpu-entry-points", "::mlir::ModuleOp"> {
  let summary = "Wrap lowered functions in the kernel C ABI entry points";
  let description = [{
    Runs on the LLVM dialect, after func-to-llvm with bare memref pointers.
    For each function `F` it adds `void coreai_fn_F(void *const *args)` that
    loads the buffer pointers in ABI order (inputs, outputs, constants; see
    lib/Bundle/KernelABI.h) and calls `F` with them in its own order
    (inputs, constants, outputs), and it adds `coreai_abi_version()`. `F`
    itself becomes internal. For each dispatch `D` listed in
    `coreai.dispatches` (coreai-cpu-form-dispatches) it adds
    `int32_t coreai_dispatch_D(const coreai_dispatch_state_v2 *, const
    coreai_workgroup_state_v2 *)`, which checks the binding count and runs
    one workgroup.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def CPUFormDispatches : Pass<"coreai-cpu-form-dispatches", "::mlir::ModuleOp"> {
  let summary = "Outline loop nests into dispatches spread over workgroups";
  let description = [{
    Runs on buffers, after convert-linalg-to-parallel-loops. Each top-level
    loop nest of a function, with the scalar ops that feed it, becomes a
    private dispatch function `F__dispatchK(bindings..., %workgroup_id,
    %workgroup_count)` whose bindings are the whole base buffers it touches
    (function arguments and allocations; views and constants are recomputed
    inside, as on the GPU). A dispatch holding one scf.parallel nest and
    nothing else that writes memory is distributed when LoopAccesses.h
    proves that workgroups write disjoint elements (every buffer the nest
    writes is accessed only at the iteration's own indices, which include
    every split dim; else it stays one workgroup): its parallel dims are
    ordered as they index the nest's output (outermost first, so
    workgroups write contiguous blocks and share no cache lines), enough of
    the first ones for 512 iterations are linearized and split into
    `workgroup_count` contiguous ranges, so the workgroups of one
    dispatch may run on different threads in any order. The dispatch records
    how many workgroups are worth launching (`coreai.workgroups`, from the
    work it does: about 32K scalar operations each, at most 256); the call
    records its source nodes (`coreai.source`). The function calls each dispatch as
    workgroup 0 of 1, so it still computes everything on its own, and the
    module gets `coreai.dispatches = {name = binding count}` for the entry
    points. Upstream's async-parallel-for would spread loops too, but
    through the async runtime's own threads and allocations at every call;
    the schedule's thread pool needs plain, re-entrant workgroup functions.
  }];
  let options = [
    Option<"distributeNests", "distribute", "bool", /*default=*/"true",
           "split loop nests over workgroups (false: one workgroup each)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def CPUFuseElementwise
    : Pass<"coreai-cpu-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse elementwise producers into consumers that read each "
                "element once";
  let description = [{
    Upstream's elementwise fusion patterns (as linalg-fuse-elementwise-ops
    runs them, with reshape folding and constant folding), except that a
    producer fuses into a consumer only when the consumer reads it through
    a permutation of all its loops: a producer is never recomputed per
    reduction step (a GELU feeding a matmul stays its own op, and the
    matmul stays a contraction).
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def CPUFuseParallelLoops : Pass<"coreai-cpu-fuse-parallel-loops", "::mlir::func::FuncOp"> {
  let summary = "Fuse parallel loop nests over the same iteration space";
  let description = [{
    Runs on buffers after convert-linalg-to-parallel-loops. An scf.parallel
    merges into the one before it (ops between that touch no memory move
    ahead) when both have the same bounds and every buffer either writes is
    accessed by both through one memref value at the iteration's own
    indices: running the second body right after the first, point by
    point, then reads and writes what the two nests would. A convolution's
    initialization, the convolution, its bias, activation and residual add
    become one pass over memory (one dispatch). Buffers are told apart by
    their roots: the kernel ABI makes a function's arguments distinct
    buffers, which upstream's scf-parallel-loop-fusion (through MLIR's
    alias analysis) cannot know; and unlike it, this pass also requires the
    two nests' writes to one buffer to land at the same points.
  }];
}

def CPURecordABI : Pass<"coreai-cpu-record-abi", "::mlir::ModuleOp"> {
  let summary = "Record each function's argument layout for the entry points";
  let description = [{
    Runs before bufferization and records, per function, how many arguments
    are model inputs and hoisted constants and how many results it has, in
    the module attribute `coreai.abi_layout`, which coreai-cpu-entry-points
    reads once the signature has been lowered to bare pointers.
  }];
}

def CPURecordArgumentTables
    : Pass<"coreai-cpu-record-argument-tables", "::mlir::ModuleOp"> {
  let summary = "Record each entry's buffer sizes and which it writes";
  let description = [{
    Runs on buffers, after dispatches are formed. For every function and
    dispatch, records each buffer argument's size in bytes (0 when not
    static) and whether the code may write it, in the module attribute
    `coreai.argument_tables` = {F = array<i64: bytes0, written0, ...>} in the
    function's argument order. A write is a write (or free) effect on a view
    of the argument, a call to a function that writes the operand, or any
    op whose memory effects are unknown. coreai-cpu-entry-points exports the
    tables with the entry points (KernelABI.h), and the runtime refuses a
    bundle whose buffers are smaller, or that binds an input or constant
    where the code writes.
  }];
}

def CPUVectorizeContractions
    : Pass<"coreai-cpu-vectorize-contractions", "::mlir::ModuleOp"> {
  let summary = "Register-tiled vector kernels for matmuls and convolutions";
  let description = [{
    Runs on buffers, before convert-linalg-to-parallel-loops. A linalg op
    whose body is `out += a * b` over affine maps (matmuls with transposed
    or broadcast operands, convolutions of any stride, dilation or
    grouping, depthwise convolutions) becomes an outer-product kernel: the
    output's innermost dim is the vector dim (`vector-width` lanes),
    another parallel dim gives `rows` accumulator vectors that stay in
    registers through the whole reduction, each reduction step loads one
    vector of the operand that varies along the vector dim (contiguous, or
    gathered for strided convolutions) and broadcasts one element of the
    other per row into an FMA. The op that initializes the output (bias or
    fill) and the chain of elementwise ops that consume it (activation,
    residual add) are evaluated on the accumulators, so the output is
    written once and scratch buffers only they used disappear. Tiles
    (panels of the vector operand sized to stay in cache, then blocks of
    rows) are the iterations of an scf.parallel marked
    `coreai.disjoint_tiles`, which coreai-cpu-form-dispatches splits over
    workgroups. Ops of other forms are left to the loop lowering.

    Rows come in blocks of about equal size, at most `rows`. Up to 8 rows
    that need more than one such block (a 7x7 image's) are one tile on
    targets whose registers hold them: the kernel branches on the address
    of the external `coreai_cpu_vector_registers` (declared here), which each
    CPU variant's object replaces by its count of 16-lane vectors, so the
    choice folds away per variant while every variant keeps the same
    parallel tiles. A module pass for that declaration.
  }];
  let options = [
    Option<"width", "vector-width", "int64_t", /*default=*/"16",
           "lanes of the vector dim (f32 elements)">,
    Option<"rows", "rows", "int64_t", /*default=*/"6",
           "accumulator vectors of a register tile">,
    Option<"panelFloats", "panel-floats", "int64_t", /*default=*/"65536",
           "elements of the vector operand kept in cache per panel">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // COREAI_TARGET_CPU_PASSES

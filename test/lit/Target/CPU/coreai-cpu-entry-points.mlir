// RUN: coreai-opt %s --split-input-file --coreai-cpu-entry-points --verify-diagnostics | FileCheck %s

// The entry point reads args in ABI order (input, output, constant) and
// calls the kernel in its own order (input, constant, output).
// CHECK-LABEL: llvm.func internal @main
// CHECK: llvm.func @coreai_fn_main(%[[ARGS:.*]]: !llvm.ptr)
// CHECK: %[[I0:.*]] = llvm.mlir.constant(0 : i64)
// CHECK: %[[P0:.*]] = llvm.getelementptr %[[ARGS]][%[[I0]]]
// CHECK: %[[IN:.*]] = llvm.load %[[P0]]
// CHECK: %[[I2:.*]] = llvm.mlir.constant(2 : i64)
// CHECK: %[[P2:.*]] = llvm.getelementptr %[[ARGS]][%[[I2]]]
// CHECK: %[[CST:.*]] = llvm.load %[[P2]]
// CHECK: %[[I1:.*]] = llvm.mlir.constant(1 : i64)
// CHECK: %[[P1:.*]] = llvm.getelementptr %[[ARGS]][%[[I1]]]
// CHECK: %[[OUT:.*]] = llvm.load %[[P1]]
// CHECK: llvm.call @main(%[[IN]], %[[CST]], %[[OUT]])
// CHECK-LABEL: llvm.func @coreai_abi_version() -> i32
// CHECK: llvm.mlir.constant(1 : i32)
// CHECK-NOT: coreai.abi_layout
module attributes {coreai.abi_layout = {main = array<i64: 1, 1, 1>}} {
  llvm.func @main(%in: !llvm.ptr, %cst: !llvm.ptr, %out: !llvm.ptr) {
    llvm.return
  }
}

// -----

// expected-error @+1 {{missing 'coreai.abi_layout'}}
module {
  llvm.func @main(%in: !llvm.ptr) {
    llvm.return
  }
}

// -----

module attributes {coreai.abi_layout = {main = array<i64: 1, 0, 1>}} {
  // expected-error @+1 {{expected 2 pointer arguments}}
  llvm.func @main(%in: !llvm.ptr) {
    llvm.return
  }
}

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
// Its argument table, reordered the same way: {count, bytes, written}*.
// CHECK: llvm.mlir.global external constant @coreai_fn_main__args(dense<[3, 16, 0, 8, 1, 4, 0]> : tensor<7xi64>)
// CHECK-LABEL: llvm.func @coreai_abi_version() -> i32
// CHECK: llvm.mlir.constant(3 : i32)
// CHECK-NOT: coreai.abi_layout
// CHECK-NOT: coreai.argument_tables
module attributes {coreai.abi_layout = {main = array<i64: 1, 1, 1>},
                   coreai.argument_tables = {main = array<i64: 16, 0, 4, 0, 8, 1>}} {
  llvm.func @main(%in: !llvm.ptr, %cst: !llvm.ptr, %out: !llvm.ptr) {
    llvm.return
  }
}

// -----

// A dispatch entry (KernelABI.h v2) refuses another binding count (1 when
// the state's count, at offset 8, is not 2), only checks when the
// workgroup count (offset 12) is 0, else calls the dispatch with its two
// bindings and the workgroup id and count widened to i64.
// CHECK-LABEL: llvm.func internal @main__dispatch0
// CHECK-LABEL: llvm.func @coreai_dispatch_main__dispatch0(
// CHECK-SAME: %[[STATE:.*]]: !llvm.ptr, %[[WG:.*]]: !llvm.ptr) -> i32
// CHECK: %[[BINDINGS:.*]] = llvm.load %[[STATE]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[C8:.*]] = llvm.mlir.constant(8 : i64)
// CHECK: %[[PCOUNT:.*]] = llvm.getelementptr %[[STATE]][%[[C8]]]
// CHECK: %[[COUNT:.*]] = llvm.load %[[PCOUNT]] : !llvm.ptr -> i32
// CHECK: %[[TWO:.*]] = llvm.mlir.constant(2 : i32)
// CHECK: %[[NE:.*]] = llvm.icmp "ne" %[[COUNT]], %[[TWO]]
// CHECK: llvm.cond_br %[[NE]], ^[[REFUSE:.*]], ^[[ASK:.*]]
// CHECK: ^[[REFUSE]]:
// CHECK: llvm.return %{{.*}} : i32
// CHECK: ^[[ASK]]:
// CHECK: %[[C12:.*]] = llvm.mlir.constant(12 : i64)
// CHECK: %[[PGROUPS:.*]] = llvm.getelementptr %[[STATE]][%[[C12]]]
// CHECK: %[[GROUPS:.*]] = llvm.load %[[PGROUPS]] : !llvm.ptr -> i32
// CHECK: %[[QUERY:.*]] = llvm.icmp "eq" %[[GROUPS]]
// CHECK: llvm.cond_br %[[QUERY]], ^[[DONE:.*]], ^[[BODY:.*]]
// CHECK: ^[[BODY]]:
// CHECK: %[[B0:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[B1:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[ID32:.*]] = llvm.load %[[WG]] : !llvm.ptr -> i32
// CHECK: %[[ID:.*]] = llvm.zext %[[ID32]] : i32 to i64
// CHECK: %[[N:.*]] = llvm.zext %[[GROUPS]] : i32 to i64
// CHECK: llvm.call @main__dispatch0(%[[B0]], %[[B1]], %[[ID]], %[[N]])
// CHECK: ^[[DONE]]:
// CHECK: llvm.mlir.global external constant @coreai_dispatch_main__dispatch0__args(dense<[2, 64, 0, 64, 1]> : tensor<5xi64>)
// CHECK-NOT: coreai.dispatches
module attributes {coreai.abi_layout = {}, coreai.dispatches = {main__dispatch0 = 2 : i64},
                   coreai.argument_tables = {main__dispatch0 = array<i64: 64, 0, 64, 1>}} {
  llvm.func @main__dispatch0(%a: !llvm.ptr, %b: !llvm.ptr, %id: i64, %n: i64) {
    llvm.return
  }
}

// -----

module attributes {coreai.abi_layout = {}, coreai.dispatches = {main__dispatch0 = 2 : i64}, coreai.argument_tables = {}} {
  // expected-error @+1 {{expected 2 pointer arguments and the workgroup id and count}}
  llvm.func @main__dispatch0(%a: !llvm.ptr, %id: i64, %n: i64) {
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

module attributes {coreai.abi_layout = {main = array<i64: 1, 0, 1>}, coreai.argument_tables = {}} {
  // expected-error @+1 {{expected 2 pointer arguments}}
  llvm.func @main(%in: !llvm.ptr) {
    llvm.return
  }
}

// -----

// expected-error @+1 {{missing 'coreai.argument_tables'}}
module attributes {coreai.abi_layout = {}} {
  llvm.func @main(%in: !llvm.ptr) {
    llvm.return
  }
}

// -----

// A table that does not match the entry's buffers.
// expected-error @+1 {{no argument table of 2 buffers for 'main'}}
module attributes {coreai.abi_layout = {main = array<i64: 1, 0, 1>}, coreai.argument_tables = {main = array<i64: 4, 0>}} {
  llvm.func @main(%in: !llvm.ptr, %out: !llvm.ptr) {
    llvm.return
  }
}

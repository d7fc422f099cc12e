// RUN: coreai-opt %s --coreai-cpu-pipeline | FileCheck %s

// The whole CPU pipeline, as coreai-build runs it: graph passes, lowering,
// bufferization, vector kernels, LLVM dialect with bare pointers and the ABI
// entry point.
// CHECK-NOT: aigraph.
// CHECK-NOT: memref.
// CHECK-NOT: linalg.
// CHECK-LABEL: llvm.func internal @main
// CHECK-SAME: (%{{.*}}: !llvm.ptr {{.*}}, %{{.*}}: !llvm.ptr {{.*}}, %{{.*}}: !llvm.ptr {{.*}})
// The gemm is a vector kernel: 4 output columns of 16 lanes, masked.
// CHECK: llvm.intr.masked.load
// CHECK: llvm.intr.fmuladd
// CHECK-LABEL: llvm.func @coreai_fn_main(%{{.*}}: !llvm.ptr)
// CHECK: llvm.call @main
// CHECK-LABEL: llvm.func @coreai_abi_version
func.func @main(%x: tensor<2x8xf32> {coreai.name = "x"}) -> (tensor<2x4xf32> {coreai.name = "y"}) {
  %w = aigraph.constant dense<0.5> : tensor<4x8xf32>
  %0 = aigraph.gemm %x, %w {transB = true} : (tensor<2x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  %1 = aigraph.relu %0 : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

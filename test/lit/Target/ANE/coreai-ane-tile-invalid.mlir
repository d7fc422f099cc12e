// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-ane-tile{arch=%S/Inputs/tiny-engine.json}))' --verify-diagnostics

// One row of one channel needs an 8 KB input row (K = 4096) plus 4096
// weight rows of 64 B and a 64 B output row: 270400 bytes.
func.func @too_large(%x: tensor<1x4096xf16>) -> tensor<1x8xf16> {
  %w = arith.constant dense<1.0> : tensor<4096x8xf16>
  // expected-error @+1 {{layer does not fit the engine's SRAM: the smallest tile needs 270400 bytes of SRAM; engine tiny-8kb has 8192}}
  %0 = ane.matmul %x, %w : (tensor<1x4096xf16>, tensor<4096x8xf16>) -> tensor<1x8xf16>
  return %0 : tensor<1x8xf16>
}


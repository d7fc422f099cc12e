// RUN: coreai-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(coreai-ane-tile{arch=%S/Inputs/tiny-engine.json}))' | FileCheck %s
// Tiles for an engine with 8 KB of SRAM and 64-byte rows (Inputs/
// tiny-engine.json); every row moved is padded to 64 bytes.

// The whole layer fits: input 3 x 8 rows x 64 B = 1536, weights 4 x 64 +
// bias 64 = 320, output 4 x 8 x 64 = 2048.
// CHECK-LABEL: func @whole
// CHECK: ane.conv {{.*}}tile_channels = 4 : i64, tile_rows = 8 : i64}
// CHECK-NOT: stream_weights
func.func @whole(%x: tensor<1x3x8x8xf16>) -> tensor<1x4x8x8xf16> {
  %w = arith.constant dense<1.0> : tensor<4x3x3x3xf16>
  %b = arith.constant dense<1.0> : tensor<4xf16>
  %0 = ane.conv %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf16>, tensor<4x3x3x3xf16>, tensor<4xf16>) -> tensor<1x4x8x8xf16>
  return %0 : tensor<1x4x8x8xf16>
}

// -----

// Row tiles: R output rows need R + 2 input rows: 4 x (R + 2) x 64 B of
// input, 4 x 128 B of weights (72 B rows), 4 x R x 64 B of output;
// 512 R + 1024 <= 8192 gives R = 14, weights resident.
// CHECK-LABEL: func @rows
// CHECK: ane.conv {{.*}}tile_channels = 4 : i64, tile_rows = 14 : i64}
func.func @rows(%x: tensor<1x4x32x32xf16>) -> tensor<1x4x32x32xf16> {
  %w = arith.constant dense<1.0> : tensor<4x4x3x3xf16>
  %0 = ane.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x32x32xf16>, tensor<4x4x3x3xf16>) -> tensor<1x4x32x32xf16>
  return %0 : tensor<1x4x32x32xf16>
}

// -----

// Weights of 64 x 512 B do not fit: channels split until a tile's weights
// (64 rows x 64 B for 32 channels) fit with the rows; the weights stream.
// CHECK-LABEL: func @stream
// CHECK: ane.matmul {{.*}}{stream_weights, tile_channels = 32 : i64, tile_rows = 4 : i64}
func.func @stream(%x: tensor<4x64xf16>) -> tensor<4x256xf16> {
  %w = arith.constant dense<1.0> : tensor<64x256xf16>
  %0 = ane.matmul %x, %w : (tensor<4x64xf16>, tensor<64x256xf16>) -> tensor<4x256xf16>
  return %0 : tensor<4x256xf16>
}

// -----

// Activations tile too; conversions and reshapes have no tile loop.
// CHECK-LABEL: func @activation
// CHECK: ane.convert
// CHECK-NOT: tile_rows
// CHECK: ane.activation relu {{.*}}{tile_channels = 32 : i64, tile_rows = 64 : i64}
func.func @activation(%x: tensor<64x32xf32>) -> tensor<64x32xf16> {
  %0 = ane.convert %x : tensor<64x32xf32> -> tensor<64x32xf16>
  %1 = ane.activation relu %0 : tensor<64x32xf16> -> tensor<64x32xf16>
  return %1 : tensor<64x32xf16>
}

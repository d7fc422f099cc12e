// RUN: coreai-opt %s --pass-pipeline='builtin.module(aigraph-image-inputs{inputs=a=rgb8;mean=0.5:0.25:0;std=0.5:0.25:1,b=bgra8,c=gray8;scale=1})' | FileCheck %s
// RUN: not coreai-opt %s --pass-pipeline='builtin.module(aigraph-image-inputs{inputs=nope=rgb8})' 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not coreai-opt %s --pass-pipeline='builtin.module(aigraph-image-inputs{inputs=c=rgb8})' 2>&1 | FileCheck %s --check-prefix=CHANNELS
// RUN: not coreai-opt %s --pass-pipeline='builtin.module(aigraph-image-inputs{inputs=a=yuv8})' 2>&1 | FileCheck %s --check-prefix=FORMAT

// An RGB pixel buffer [N, H, W, 3] becomes the model's float NCHW input:
// cast, transposed, then one multiply-add per channel folding scale, mean
// and std: factor = scale / std = (1/255) / std, offset = -mean / std.
// CHECK-LABEL: func.func @rgb
// CHECK-SAME: (%[[P:.*]]: tensor<2x4x5x3xui8> {coreai.image = {format = "rgb8", mean = [5.000000e-01, 2.500000e-01, 0.000000e+00], scale = 0.0039215686274509803 : f64, std = [5.000000e-01, 2.500000e-01, 1.000000e+00]}, coreai.name = "a"})
// CHECK: %[[F:.*]] = aigraph.cast %[[P]] {to = f32} : tensor<2x4x5x3xui8> -> tensor<2x4x5x3xf32>
// CHECK: %[[T:.*]] = aigraph.transpose %[[F]] {perm = array<i64: 0, 3, 1, 2>} : tensor<2x4x5x3xf32> -> tensor<2x3x4x5xf32>
// CHECK: %[[K:.*]] = aigraph.constant dense<[{{\[\[}}[0.00784313772]], {{\[\[}}0.0156862754]], {{\[\[}}0.00392156886]]]]> : tensor<1x3x1x1xf32>
// CHECK: %[[O:.*]] = aigraph.constant dense<[{{\[\[}}[-1.000000e+00]], {{\[\[}}-1.000000e+00]], {{\[\[}}-0.000000e+00]]]]> : tensor<1x3x1x1xf32>
// CHECK: %[[M:.*]] = aigraph.mul %[[T]], %[[K]]
// CHECK: %[[N:.*]] = aigraph.add %[[M]], %[[O]]
// CHECK: aigraph.relu %[[N]]
func.func @rgb(%a: tensor<2x3x4x5xf32> {coreai.name = "a"}) -> tensor<2x3x4x5xf32> {
  %0 = aigraph.relu %a : tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// BGRA: the channels picked in the model's order (blue last), alpha dropped.
// CHECK-LABEL: func.func @bgra
// CHECK-SAME: tensor<1x2x2x4xui8> {coreai.image = {format = "bgra8"
// CHECK: %[[F:.*]] = aigraph.cast
// CHECK: %[[R:.*]] = aigraph.slice %[[F]] {ends = array<i64: 1, 2, 2, 3>, starts = array<i64: 0, 0, 0, 2>, steps = array<i64: 1, 1, 1, 1>}
// CHECK: %[[G:.*]] = aigraph.slice %[[F]] {ends = array<i64: 1, 2, 2, 2>, starts = array<i64: 0, 0, 0, 1>
// CHECK: %[[B:.*]] = aigraph.slice %[[F]] {ends = array<i64: 1, 2, 2, 1>, starts = array<i64: 0, 0, 0, 0>
// CHECK: %[[C:.*]] = aigraph.concat %[[R]], %[[G]], %[[B]] {axis = 3 : i64}
// CHECK: aigraph.transpose %[[C]]
func.func @bgra(%b: tensor<1x3x2x2xf32> {coreai.name = "b"}) -> tensor<1x3x2x2xf32> {
  return %b : tensor<1x3x2x2xf32>
}

// Gray: one channel, the pixel values as they are (scale=1).
// CHECK-LABEL: func.func @gray
// CHECK-SAME: tensor<1x3x3x1xui8> {coreai.image = {format = "gray8", mean = [0.000000e+00], scale = 1.000000e+00 : f64, std = [1.000000e+00]}
// CHECK: aigraph.cast
// CHECK-NEXT: aigraph.transpose
// CHECK: aigraph.constant dense<1.000000e+00> : tensor<1x1x1x1xf32>
func.func @gray(%c: tensor<1x1x3x3xf32> {coreai.name = "c"}) -> tensor<1x1x3x3xf32> {
  return %c : tensor<1x1x3x3xf32>
}

// MISSING: error: image input: the model has no input 'nope' (it has 'a', 'b', 'c')
// CHANNELS: error: image input 'c' is tensor<1x1x3x3xf32>; a rgb8 image input needs float32 [N, 3, H, W]
// FORMAT: error: image input: unknown pixel format 'yuv8' (rgb8, bgr8, rgba8, bgra8, gray8)

//===- Kernels.h - The neural engine's layers, computed as fp16 hardware --===//
//
// Every tensor is fp16 (raw binary16 bits), NCHW. Layers that sum products
// (convolution, matmul, average pooling, softmax) accumulate in fp32 or fp16
// as the engine description says and round once to fp16 at the layer's
// output; elementwise layers round each result. The fp32 paths decode their
// operands once and run plain loops over contiguous rows that the host
// compiler vectorizes: the simulator executes every MAC.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_RUNTIME_ANE_KERNELS_H
#define COREAI_RUNTIME_ANE_KERNELS_H

#include <array>
#include <cstdint>
#include <vector>

namespace coreai::runtime::ane {

struct ConvParams {
  int64_t n = 1, c = 1, h = 1, w = 1; // input
  int64_t f = 1, kh = 1, kw = 1;      // filters
  int64_t groups = 1;
  std::array<int64_t, 2> stride{1, 1}, dilation{1, 1};
  std::array<int64_t, 4> pads{0, 0, 0, 0}; // top, left, bottom, right
  int64_t outH() const {
    return (h + pads[0] + pads[2] - dilation[0] * (kh - 1) - 1) / stride[0] + 1;
  }
  int64_t outW() const {
    return (w + pads[1] + pads[3] - dilation[1] * (kw - 1) - 1) / stride[1] + 1;
  }
};

/// out[n, f, oh, ow] = bias[f] + sum over (c in f's group, kh, kw) of
/// in * weight; `bias` may be null. Weights are [f, c / groups, kh, kw].
void conv2d(const ConvParams &p, const uint16_t *in, const uint16_t *weight,
            const uint16_t *bias, uint16_t *out, bool fp32Accumulator);

/// out[m, n] = bias[n] + sum_k a[m, k] * b[k, n] (a 1x1 convolution on the
/// engine); `bias` may be null.
void matmul(int64_t m, int64_t k, int64_t n, const uint16_t *a,
            const uint16_t *b, const uint16_t *bias, uint16_t *out,
            bool fp32Accumulator);

enum class Binary { Add, Sub, Mul };
/// out = a op b, elementwise, each result rounded to fp16. `b` is either the
/// same size as `a` or one value per channel (size c of [n, c, hw]).
void binary(Binary op, int64_t n, int64_t c, int64_t hw, const uint16_t *a,
            const uint16_t *b, bool bPerChannel, uint16_t *out);

enum class Unary { Relu, Clip, Sigmoid, Tanh, Erf };
/// Relu and Clip are exact. Sigmoid, Tanh and Erf are table-driven: `entries`
/// samples over [-8, 8] with linear interpolation in fp32 (saturating
/// outside), rounded to fp16, as a lookup-table activation unit computes.
void unary(Unary op, int64_t count, const uint16_t *in, uint16_t *out,
           float lo = 0, float hi = 0, int64_t entries = 0);

enum class Pool { Max, Avg };
/// Pooling over [n, c, h, w] with kernel/stride/pads as in ConvParams
/// (f = c, groups = c); Avg divides by the window's size without padding
/// when `countPadding` is false.
void pool(Pool kind, const ConvParams &p, const uint16_t *in, uint16_t *out,
          bool countPadding);

/// Softmax over the last axis of [rows, cols], computed in fp32 and rounded.
void softmax(int64_t rows, int64_t cols, const uint16_t *in, uint16_t *out);

/// (x - mean) / sqrt(variance + epsilon) * scale + bias over each row of
/// [rows, cols], in fp32, rounded once; `bias` may be null.
void layerNorm(int64_t rows, int64_t cols, const uint16_t *in,
               const uint16_t *scale, const uint16_t *bias, float epsilon,
               uint16_t *out);

/// Data movement (exact): `out` is `in` (of shape `inShape`) with its dims
/// permuted, output dim i being input dim perm[i].
void transpose(const std::vector<int64_t> &inShape,
               const std::vector<int64_t> &perm, const uint16_t *in,
               uint16_t *out);

/// Data movement (exact): `out` (of shape `outShape`) is the box of `in`
/// (of shape `inShape`) that starts at `starts`.
void slice(const std::vector<int64_t> &inShape,
           const std::vector<int64_t> &starts,
           const std::vector<int64_t> &outShape, const uint16_t *in,
           uint16_t *out);

} // namespace coreai::runtime::ane

#endif // COREAI_RUNTIME_ANE_KERNELS_H

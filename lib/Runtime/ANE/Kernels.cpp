//===- Kernels.cpp - The neural engine's layers ---------------------------===//
#include "lib/Runtime/ANE/Kernels.h"

#include "lib/Runtime/ANE/Fp16.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace coreai::runtime::ane {
namespace {

std::vector<float> decode(const uint16_t *p, int64_t count) {
  std::vector<float> out(count);
  for (int64_t i = 0; i < count; ++i)
    out[i] = toFloat(p[i]);
  return out;
}

/// Where tap (i, j) of the window of output (y, x) reads the input; false
/// when it falls in the padding.
bool tapAt(const ConvParams &p, int64_t y, int64_t x, int64_t i, int64_t j,
           int64_t &iy, int64_t &ix) {
  iy = y * p.stride[0] + i * p.dilation[0] - p.pads[0];
  ix = x * p.stride[1] + j * p.dilation[1] - p.pads[1];
  return iy >= 0 && iy < p.h && ix >= 0 && ix < p.w;
}

} // namespace

void conv2d(const ConvParams &p, const uint16_t *in, const uint16_t *weight,
            const uint16_t *bias, uint16_t *out, bool fp32Accumulator) {
  const int64_t oh = p.outH(), ow = p.outW();
  const int64_t cg = p.c / p.groups, fg = p.f / p.groups;
  std::vector<float> x = decode(in, p.n * p.c * p.h * p.w);
  std::vector<float> wt = decode(weight, p.f * cg * p.kh * p.kw);
  std::vector<float> acc(oh * ow);
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t f = 0; f < p.f; ++f) {
      const int64_t g = f / fg;
      float b0 = bias ? toFloat(bias[f]) : 0.0f;
      if (!fp32Accumulator) {
        // fp16 accumulator: every partial sum rounds (scalar, slow path).
        for (int64_t y = 0; y < oh; ++y)
          for (int64_t xo = 0; xo < ow; ++xo) {
            uint16_t s = floatToHalf(b0);
            for (int64_t c = 0; c < cg; ++c)
              for (int64_t i = 0; i < p.kh; ++i)
                for (int64_t j = 0; j < p.kw; ++j) {
                  int64_t iy, ix;
                  if (!tapAt(p, y, xo, i, j, iy, ix))
                    continue;
                  float prod =
                      x[((n * p.c + g * cg + c) * p.h + iy) * p.w + ix] *
                      wt[((f * cg + c) * p.kh + i) * p.kw + j];
                  s = floatToHalf(toFloat(s) + prod);
                }
            out[((n * p.f + f) * oh + y) * ow + xo] = s;
          }
        continue;
      }
      std::fill(acc.begin(), acc.end(), b0);
      for (int64_t c = 0; c < cg; ++c) {
        const float *plane = &x[(n * p.c + g * cg + c) * p.h * p.w];
        for (int64_t i = 0; i < p.kh; ++i)
          for (int64_t j = 0; j < p.kw; ++j) {
            const float wv = wt[((f * cg + c) * p.kh + i) * p.kw + j];
            // The valid output columns for this tap: 0 <= ix < w.
            const int64_t off = j * p.dilation[1] - p.pads[1];
            int64_t x0 = 0, x1 = ow;
            while (x0 < ow && x0 * p.stride[1] + off < 0)
              ++x0;
            while (x1 > x0 && (x1 - 1) * p.stride[1] + off >= p.w)
              --x1;
            for (int64_t y = 0; y < oh; ++y) {
              int64_t iy = y * p.stride[0] + i * p.dilation[0] - p.pads[0];
              if (iy < 0 || iy >= p.h)
                continue;
              const float *row = plane + iy * p.w + off;
              float *a = &acc[y * ow];
              if (p.stride[1] == 1)
                for (int64_t xo = x0; xo < x1; ++xo)
                  a[xo] += wv * row[xo];
              else
                for (int64_t xo = x0; xo < x1; ++xo)
                  a[xo] += wv * row[xo * p.stride[1]];
            }
          }
      }
      uint16_t *o = &out[(n * p.f + f) * oh * ow];
      for (int64_t i = 0; i < oh * ow; ++i)
        o[i] = floatToHalf(acc[i]);
    }
}

void matmul(int64_t m, int64_t k, int64_t n, const uint16_t *a,
            const uint16_t *b, const uint16_t *bias, uint16_t *out,
            bool fp32Accumulator) {
  std::vector<float> av = decode(a, m * k), bv = decode(b, k * n);
  std::vector<float> b0 = bias ? decode(bias, n) : std::vector<float>(n, 0.0f);
  std::vector<float> acc(n);
  for (int64_t i = 0; i < m; ++i) {
    if (!fp32Accumulator) {
      for (int64_t j = 0; j < n; ++j) {
        uint16_t s = floatToHalf(b0[j]);
        for (int64_t kk = 0; kk < k; ++kk)
          s = floatToHalf(toFloat(s) + av[i * k + kk] * bv[kk * n + j]);
        out[i * n + j] = s;
      }
      continue;
    }
    std::copy(b0.begin(), b0.end(), acc.begin());
    for (int64_t kk = 0; kk < k; ++kk) {
      const float x = av[i * k + kk];
      const float *row = &bv[kk * n];
      for (int64_t j = 0; j < n; ++j)
        acc[j] += x * row[j];
    }
    for (int64_t j = 0; j < n; ++j)
      out[i * n + j] = floatToHalf(acc[j]);
  }
}

void binary(Binary op, int64_t n, int64_t c, int64_t hw, const uint16_t *a,
            const uint16_t *b, bool bPerChannel, uint16_t *out) {
  for (int64_t i = 0; i < n * c * hw; ++i) {
    float x = toFloat(a[i]);
    float y = toFloat(bPerChannel ? b[(i / hw) % c] : b[i]);
    float r = op == Binary::Add ? x + y : op == Binary::Sub ? x - y : x * y;
    out[i] = floatToHalf(r);
  }
}

void unary(Unary op, int64_t count, const uint16_t *in, uint16_t *out, float lo,
           float hi, int64_t entries) {
  std::vector<float> table;
  bool tabled = op == Unary::Sigmoid || op == Unary::Tanh || op == Unary::Erf;
  if (tabled) {
    entries = std::max<int64_t>(entries, 2);
    table.resize(entries);
    for (int64_t i = 0; i < entries; ++i) {
      double t = -8.0 + 16.0 * double(i) / double(entries - 1);
      table[i] = op == Unary::Sigmoid ? float(1.0 / (1.0 + std::exp(-t)))
                 : op == Unary::Tanh  ? float(std::tanh(t))
                                      : float(std::erf(t));
    }
  }
  for (int64_t i = 0; i < count; ++i) {
    float x = toFloat(in[i]);
    switch (op) {
    case Unary::Relu:
      out[i] = x > 0 ? in[i] : (std::isnan(x) ? in[i] : uint16_t(0));
      break;
    case Unary::Clip:
      out[i] =
          std::isnan(x) ? in[i] : floatToHalf(std::min(std::max(x, lo), hi));
      break;
    case Unary::Sigmoid:
    case Unary::Tanh:
    case Unary::Erf: {
      if (std::isnan(x)) {
        out[i] = in[i];
        break;
      }
      float pos = (std::min(std::max(x, -8.0f), 8.0f) + 8.0f) / 16.0f *
                  float(entries - 1);
      int64_t k = std::min<int64_t>(int64_t(pos), entries - 2);
      float frac = pos - float(k);
      out[i] = floatToHalf(table[k] + (table[k + 1] - table[k]) * frac);
      break;
    }
    }
  }
}

void pool(Pool kind, const ConvParams &p, const uint16_t *in, uint16_t *out,
          bool countPadding) {
  const int64_t oh = p.outH(), ow = p.outW();
  for (int64_t nc = 0; nc < p.n * p.c; ++nc)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo) {
        float best = -std::numeric_limits<float>::infinity(), sum = 0;
        int64_t count = 0;
        for (int64_t i = 0; i < p.kh; ++i)
          for (int64_t j = 0; j < p.kw; ++j) {
            int64_t iy, ix;
            if (!tapAt(p, y, xo, i, j, iy, ix))
              continue;
            float v = toFloat(in[(nc * p.h + iy) * p.w + ix]);
            best = std::max(best, v);
            sum += v;
            ++count;
          }
        float r = kind == Pool::Max
                      ? best
                      : sum / float(countPadding ? p.kh * p.kw
                                                 : std::max<int64_t>(count, 1));
        out[(nc * oh + y) * ow + xo] = floatToHalf(r);
      }
}

void softmax(int64_t rows, int64_t cols, const uint16_t *in, uint16_t *out) {
  std::vector<float> e(cols);
  for (int64_t r = 0; r < rows; ++r) {
    float m = -std::numeric_limits<float>::infinity();
    for (int64_t c = 0; c < cols; ++c)
      m = std::max(m, toFloat(in[r * cols + c]));
    float s = 0;
    for (int64_t c = 0; c < cols; ++c)
      s += (e[c] = std::exp(toFloat(in[r * cols + c]) - m));
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = floatToHalf(e[c] / s);
  }
}

void layerNorm(int64_t rows, int64_t cols, const uint16_t *in,
               const uint16_t *scale, const uint16_t *bias, float epsilon,
               uint16_t *out) {
  std::vector<float> g = decode(scale, cols);
  std::vector<float> b = bias ? decode(bias, cols) : std::vector<float>(cols);
  std::vector<float> x(cols);
  for (int64_t r = 0; r < rows; ++r) {
    float mean = 0, var = 0;
    for (int64_t c = 0; c < cols; ++c)
      mean += (x[c] = toFloat(in[r * cols + c]));
    mean /= float(cols);
    for (int64_t c = 0; c < cols; ++c)
      var += (x[c] - mean) * (x[c] - mean);
    float inv = 1.0f / std::sqrt(var / float(cols) + epsilon);
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = floatToHalf((x[c] - mean) * inv * g[c] + b[c]);
  }
}

namespace {

/// Row-major strides of `shape`.
std::vector<int64_t> stridesOf(const std::vector<int64_t> &shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    s[d - 1] = s[d] * shape[d];
  return s;
}

/// Calls f(outIndex, inOffset) for every element of `outShape`, where the
/// input offset advances by `inStrides` per output dim.
template <typename F>
void forEach(const std::vector<int64_t> &outShape,
             const std::vector<int64_t> &inStrides, int64_t base, F f) {
  int64_t total = 1;
  for (int64_t d : outShape)
    total *= d;
  std::vector<int64_t> idx(outShape.size(), 0);
  int64_t off = base;
  for (int64_t i = 0; i < total; ++i) {
    f(i, off);
    for (size_t d = outShape.size(); d-- > 0;) {
      off += inStrides[d];
      if (++idx[d] < outShape[d])
        break;
      off -= inStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

} // namespace

void transpose(const std::vector<int64_t> &inShape,
               const std::vector<int64_t> &perm, const uint16_t *in,
               uint16_t *out) {
  std::vector<int64_t> inStrides = stridesOf(inShape), outShape, strides;
  for (int64_t p : perm) {
    outShape.push_back(inShape[p]);
    strides.push_back(inStrides[p]);
  }
  forEach(outShape, strides, 0,
          [&](int64_t i, int64_t off) { out[i] = in[off]; });
}

void slice(const std::vector<int64_t> &inShape,
           const std::vector<int64_t> &starts,
           const std::vector<int64_t> &outShape, const uint16_t *in,
           uint16_t *out) {
  std::vector<int64_t> strides = stridesOf(inShape);
  int64_t base = 0;
  for (size_t d = 0; d < starts.size(); ++d)
    base += starts[d] * strides[d];
  forEach(outShape, strides, base,
          [&](int64_t i, int64_t off) { out[i] = in[off]; });
}

} // namespace coreai::runtime::ane

//===- Compare.cpp --------------------------------------------------------===//
#include "tools/coreai-run/Compare.h"

#include "lib/Bundle/Shape.h"
#include "tools/coreai-run/Values.h"

#include <cmath>
#include <cstdio>

namespace coreai::run {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

} // namespace

Comparison compare(const runtime::NDArray &got, const runtime::NDArray &want,
                   const Tolerance &tol) {
  Comparison c;
  if (got.dtype() != want.dtype() || got.shape() != want.shape()) {
    c.detail = "expected " + bundle::formatType(want.dtype(), want.shape()) +
               ", got " + bundle::formatType(got.dtype(), got.shape());
    c.maxAbsErr = INFINITY;
    return c;
  }
  bool floating = isFloatType(got.dtype());
  uint64_t bad = 0, first = 0;
  for (uint64_t i = 0; i < got.elementCount(); ++i) {
    double g = doubleAt(got, i), w = doubleAt(want, i);
    if (std::isfinite(w) && std::fabs(w) > c.maxAbsWant)
      c.maxAbsWant = std::fabs(w);
    double err;
    bool match;
    if (floating) {
      if (std::isnan(g) || std::isnan(w)) {
        match = std::isnan(g) && std::isnan(w);
        err = match ? 0 : INFINITY;
      } else if (g == w) { // also equal infinities
        match = true;
        err = 0;
      } else {
        err = std::fabs(g - w);
        match = err <= tol.atol + tol.rtol * std::fabs(w);
      }
    } else {
      match = integerEqual(got, want, i);
      err = match ? 0 : std::fabs(g - w);
    }
    if (!(err <= c.maxAbsErr)) // keeps NaN-free; INFINITY wins
      c.maxAbsErr = err;
    if (!match && bad++ == 0)
      first = i;
  }
  c.ok = bad == 0;
  if (!c.ok)
    c.detail = std::to_string(bad) + " of " +
               std::to_string(got.elementCount()) +
               " elements differ; first at index " + std::to_string(first) +
               ": got " + number(doubleAt(got, first)) + ", want " +
               number(doubleAt(want, first));
  return c;
}

double fp16Ulp(double m) {
  if (!(m >= std::ldexp(1.0, -14)))
    return std::ldexp(1.0, -24);
  return std::ldexp(1.0, std::ilogb(m) - 10);
}

} // namespace coreai::run

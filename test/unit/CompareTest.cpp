//===- CompareTest.cpp - coreai-run's output comparison -------------------===//
#include "tools/coreai-run/Compare.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

using namespace coreai;
using namespace coreai::runtime;
using coreai::run::compare;
using coreai::run::Tolerance;

namespace {

template <typename T>
NDArray make(DType dtype, std::vector<T> v, std::vector<int64_t> shape = {}) {
  if (shape.empty())
    shape = {static_cast<int64_t>(v.size())};
  NDArray a(dtype, shape);
  std::memcpy(a.data(), v.data(), v.size() * sizeof(T));
  return a;
}

} // namespace

TEST_CASE("compare: floats within atol + rtol * |want|", "[compare]") {
  Tolerance tol; // 1e-4, 1e-3
  auto want = make<float>(DType::F32, {1, 100, -3});
  CHECK(compare(want, want, tol).ok);
  CHECK(compare(want, want, tol).maxAbsErr == 0);
  auto near = make<float>(DType::F32, {1.00005f, 100.09f, -3});
  run::Comparison c = compare(near, want, tol);
  CHECK(c.ok);
  CHECK(c.maxAbsErr == Approx(0.09).epsilon(1e-3));
  auto far = make<float>(DType::F32, {1.002f, 100, -3});
  c = compare(far, want, tol);
  CHECK_FALSE(c.ok);
  CHECK(c.detail == "1 of 3 elements differ; first at index 0: got "
                    "1.00199997, want 1");
}

TEST_CASE("compare: NaN and infinities", "[compare]") {
  Tolerance tol;
  auto want = make<double>(DType::F64, {NAN, INFINITY, -INFINITY});
  CHECK(compare(want, want, tol).ok);
  auto got = make<double>(DType::F64, {0, INFINITY, -INFINITY});
  run::Comparison c = compare(got, want, tol);
  CHECK_FALSE(c.ok);
  CHECK(std::isinf(c.maxAbsErr));
  CHECK_FALSE(compare(want, got, tol).ok);
}

TEST_CASE("compare: integers and bools are exact", "[compare]") {
  Tolerance loose{10, 10};
  auto a = make<int64_t>(DType::I64, {1, int64_t(1) << 60});
  auto b = make<int64_t>(DType::I64, {1, (int64_t(1) << 60) + 1});
  CHECK_FALSE(compare(a, b, loose).ok);
  auto t = make<uint8_t>(DType::Bool, {1, 0});
  auto t2 = make<uint8_t>(DType::Bool, {255, 0}); // nonzero is true
  CHECK(compare(t, t2, loose).ok);
}

TEST_CASE("compare: dtype and shape must agree", "[compare]") {
  Tolerance tol;
  auto a = make<float>(DType::F32, {1, 2, 3, 4}, {2, 2});
  auto b = make<float>(DType::F32, {1, 2, 3, 4}, {4});
  run::Comparison c = compare(a, b, tol);
  CHECK_FALSE(c.ok);
  CHECK(c.detail == "expected float32 [4], got float32 [2,2]");
  auto i = make<int32_t>(DType::I32, {1, 2, 3, 4}, {2, 2});
  CHECK(compare(a, i, tol).detail == "expected int32 [2,2], got float32 [2,2]");
}

TEST_CASE("compare: the reference's scale in fp16 units", "[compare]") {
  auto want = make<float>(DType::F32, {0.5f, -7.5f, INFINITY, 2.0f});
  auto got = make<float>(DType::F32, {0.5f, -7.5f, INFINITY, 2.0f});
  CHECK(compare(got, want, Tolerance{}).maxAbsWant == 7.5); // finite only
  CHECK(run::fp16Ulp(7.5) == std::ldexp(1.0, -8)); // [4, 8): 2^2 / 2^10
  CHECK(run::fp16Ulp(1.0) == std::ldexp(1.0, -10));
  CHECK(run::fp16Ulp(1e-6) == std::ldexp(1.0, -24)); // subnormal spacing
  CHECK(run::fp16Ulp(0) == std::ldexp(1.0, -24));
}

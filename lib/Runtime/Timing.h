//===- Timing.h - Wall-clock measurement for the runtime's own timings ----===//
#ifndef COREAI_RUNTIME_TIMING_H
#define COREAI_RUNTIME_TIMING_H

#include <chrono>

namespace coreai::runtime {

class Stopwatch {
public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double millis() const {
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now() - start_)
        .count();
  }

private:
  std::chrono::steady_clock::time_point start_;
};

} // namespace coreai::runtime

#endif // COREAI_RUNTIME_TIMING_H

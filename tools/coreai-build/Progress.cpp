//===- Progress.cpp - What a long compile is doing ------------------------===//
#include "Progress.h"
#include "Diagnostics.h"

#include <cstdio>

using namespace coreai;

Progress::Progress(bool live, bool verbose, Diagnostics &diagnostics)
    : live(live), verbose(verbose), diagnostics(diagnostics),
      start(Clock::now()), phaseStart(start) {
  if (!live)
    return;
  ticker = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex);
    while (!wake.wait_for(lock, std::chrono::milliseconds(250),
                          [this] { return stopping; }))
      if (!phase.empty())
        drawLocked();
  });
}

Progress::~Progress() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  if (ticker.joinable())
    ticker.join();
  std::lock_guard<std::mutex> lock(mutex);
  if (drawn)
    std::fputs("\r\033[K", stderr);
}

void Progress::beginPhase(llvm::StringRef name, llvm::StringRef unit,
                          size_t steps) {
  std::lock_guard<std::mutex> lock(mutex);
  endPhaseLocked();
  diagnostics.setUnit(unit.str());
  phase = name.str();
  done = 0;
  total = steps;
  phaseStart = Clock::now();
  if (live)
    drawLocked();
}

void Progress::stepDone() {
  std::lock_guard<std::mutex> lock(mutex);
  ++done;
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex);
  endPhaseLocked();
  diagnostics.setUnit("");
  if (drawn) {
    std::fputs("\r\033[K", stderr);
    drawn = false;
  }
  if (verbose)
    std::fprintf(stderr, "coreai-build: total %.3f s\n",
                 std::chrono::duration<double>(Clock::now() - start).count());
}

void Progress::clearLine() {
  std::lock_guard<std::mutex> lock(mutex);
  if (drawn) {
    std::fputs("\r\033[K", stderr);
    drawn = false;
  }
}

void Progress::endPhaseLocked() {
  if (phase.empty())
    return;
  if (verbose) {
    if (drawn) {
      std::fputs("\r\033[K", stderr);
      drawn = false;
    }
    double seconds =
        std::chrono::duration<double>(Clock::now() - phaseStart).count();
    std::fprintf(stderr, "coreai-build: %s: %.3f s", phase.c_str(), seconds);
    if (total)
      std::fprintf(stderr, " (%zu passes)", total);
    std::fputc('\n', stderr);
  }
  phase.clear();
}

void Progress::drawLocked() {
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::fprintf(stderr, "\r\033[K[coreai-build] %s", phase.c_str());
  if (total)
    std::fprintf(stderr, ": %zu/%zu", done < total ? done : total, total);
  std::fprintf(stderr, ", %.1f s", elapsed);
  std::fflush(stderr);
  drawn = true;
}

//===- Progress.h - What a long compile is doing, and how long it took ----===//
//
// On a terminal (stderr a TTY, no -q), one line redrawn in place:
//   [coreai-build] CPU kernel code generation: 12/31, 8.4 s
// and erased at the end; with -v, each phase's time when it is done. Off a
// terminal (CI logs, build systems) nothing, unless -v.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_COREAI_BUILD_PROGRESS_H
#define COREAI_TOOLS_COREAI_BUILD_PROGRESS_H

#include "lib/Pipeline/Pipeline.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace coreai {

class Diagnostics;

class Progress : public CompileObserver {
public:
  /// `live`: redraw a status line (a terminal); `verbose`: print timings.
  Progress(bool live, bool verbose, Diagnostics &diagnostics);
  ~Progress() override;

  void beginPhase(llvm::StringRef name, llvm::StringRef unit,
                  size_t total) override;
  void stepDone() override;
  /// Ends the last phase; with -v prints the total.
  void finish();
  /// Erases the status line (before a diagnostic is printed).
  void clearLine();

private:
  using Clock = std::chrono::steady_clock;
  void endPhaseLocked();
  void drawLocked();

  bool live, verbose;
  Diagnostics &diagnostics;
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false, drawn = false;
  std::string phase;
  size_t done = 0, total = 0;
  Clock::time_point start, phaseStart;
  std::thread ticker; // redraws the elapsed time during long steps
};

} // namespace coreai

#endif

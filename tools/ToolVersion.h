//===- ToolVersion.h - The one --version line of every tool ---------------===//
//
// "coreai-build 0.2.0 (git 0123456789ab, LLVM 22.1.0)": the same fields in
// every tool, so a CI log or a bug report says exactly what ran.
//
//===----------------------------------------------------------------------===//
#ifndef COREAI_TOOLS_TOOLVERSION_H
#define COREAI_TOOLS_TOOLVERSION_H

#include "coreai/CoreAIVersion.inc"

#include <string>

namespace coreai {
inline std::string toolVersion(const std::string &tool) {
  return tool + " " COREAI_VERSION " (git " COREAI_GIT_COMMIT
                ", LLVM " COREAI_LLVM_VERSION ")";
}
} // namespace coreai

#endif // COREAI_TOOLS_TOOLVERSION_H

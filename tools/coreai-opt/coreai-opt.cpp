//===- coreai-opt.cpp - mlir-opt with coreai-build's dialects and passes --===//
//
// Drives lit tests: every pass and pipeline of the compiler is available by
// flag, including --coreai-cpu-pipeline, the exact pipeline coreai-build
// runs.
//
//===----------------------------------------------------------------------===//
#include "lib/Pipeline/Pipeline.h"
#include "tools/ToolVersion.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  coreai::registerDialects(registry);
  coreai::registerPasses();
  // --version: our line first, as every coreai tool prints it, then LLVM's.
  llvm::cl::AddExtraVersionPrinter([](llvm::raw_ostream &os) {
    os << coreai::toolVersion("coreai-opt") << "\n";
  });
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "coreai-build optimizer driver\n", registry));
}

//===- SharedObjectEmitter.cpp - LLVM dialect -> ELF shared object --------===//
//
// The CPU executable in a bundle is a position-independent shared object so
// the runtime can load it with the system's dynamic loader (no JIT, no LLVM
// in the runtime). One object per architecture variant (--cpu-arch): the
// same LLVM-dialect module optimized and emitted for each target; the
// runtime picks the best one its host supports.
//
//===----------------------------------------------------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

using namespace mlir;

namespace {
constexpr coreai::cpu::CPUVariant kVariants[] = {
    {"x86-64", "x86_64-unknown-linux-gnu", "x86-64", "", 4},
    {"x86-64-v2", "x86_64-unknown-linux-gnu", "x86-64-v2", "", 4},
    {"x86-64-v3", "x86_64-unknown-linux-gnu", "x86-64-v3", "", 8},
    {"x86-64-v4", "x86_64-unknown-linux-gnu", "x86-64-v4", "", 32},
    {"aarch64", "aarch64-unknown-linux-gnu", "generic", "+neon", 8},
};

/// Removes the files it names when it goes out of scope.
struct TempFiles {
  llvm::SmallVector<std::string> paths;
  ~TempFiles() {
    for (auto &p : paths)
      llvm::sys::fs::remove(p);
  }
};

std::string findLinker() {
  if (const char *env = std::getenv("COREAI_LLD"))
    return env;
  if (llvm::sys::fs::can_execute(COREAI_DEFAULT_LLD))
    return COREAI_DEFAULT_LLD;
  for (const char *name : {"ld.lld", "ld.lld-22"})
    if (auto p = llvm::sys::findProgramByName(name))
      return *p;
  return "";
}
} // namespace

llvm::ArrayRef<coreai::cpu::CPUVariant> coreai::cpu::cpuVariants() {
  return kVariants;
}

const coreai::cpu::CPUVariant *
coreai::cpu::findCPUVariant(llvm::StringRef name) {
  for (const CPUVariant &v : kVariants)
    if (name == v.name)
      return &v;
  return nullptr;
}

namespace {
/// Optimizes `llvmModule` for `variant`, emits an object and links it into a
/// shared object. Touches nothing but its own module and files, so several
/// run at once (one LLVMContext each).
bool optimizeAndLink(llvm::Module *llvmModule,
                     const coreai::cpu::CPUVariant &variant,
                     std::vector<uint8_t> &out, std::string &error) {
  llvm::Triple triple(variant.triple);
  std::string lookupError;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!target) {
    error = "no LLVM target for " + std::string(variant.triple) + ": " +
            lookupError;
    return false;
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, variant.cpu, variant.features, options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(triple);
  // This variant's register count where the kernels ask for it: a
  // constant that optimization folds into their choice of register tile.
  if (llvm::GlobalVariable *query =
          llvmModule->getGlobalVariable(coreai::cpu::kVectorRegistersSymbol)) {
    llvm::Type *i64 = llvm::Type::getInt64Ty(llvmModule->getContext());
    query->replaceAllUsesWith(llvm::ConstantExpr::getIntToPtr(
        llvm::ConstantInt::get(i64, variant.vectorRegisters),
        query->getType()));
    query->eraseFromParent();
  }

  if (llvm::Error err =
          makeOptimizingTransformer(3, 0, machine.get())(llvmModule)) {
    error = "LLVM optimization failed: " + llvm::toString(std::move(err));
    return false;
  }

  TempFiles temps;
  llvm::SmallString<128> objPath, soPath;
  int objFd;
  if (llvm::sys::fs::createTemporaryFile("coreai-kernels", "o", objFd,
                                         objPath) ||
      llvm::sys::fs::createTemporaryFile("coreai-kernels", "so", soPath)) {
    error = "cannot create temporary files for code generation";
    return false;
  }
  temps.paths = {objPath.str().str(), soPath.str().str()};
  {
    llvm::raw_fd_ostream os(objFd, /*shouldClose=*/true);
    llvm::legacy::PassManager pm;
    if (machine->addPassesToEmitFile(pm, os, nullptr,
                                     llvm::CodeGenFileType::ObjectFile)) {
      error = "the LLVM target cannot emit object files";
      return false;
    }
    pm.run(*llvmModule);
  }

  std::string linker = findLinker();
  if (linker.empty()) {
    error = "ld.lld not found (install lld or set COREAI_LLD)";
    return false;
  }
  // Deterministic output: no build id, no timestamps, fixed soname.
  llvm::SmallVector<llvm::StringRef> args{
      linker, "-shared", "--build-id=none", "-z", "noexecstack",
      "--hash-style=gnu", "-soname", "coreai_kernels.so",
      "-o", soPath, objPath};
  std::string linkError;
  int rc = llvm::sys::ExecuteAndWait(linker, args, std::nullopt, {}, 0, 0,
                                     &linkError);
  if (rc != 0) {
    error = "linking the kernels failed (" + linker + "): " +
            (linkError.empty() ? "exit code " + std::to_string(rc) : linkError);
    return false;
  }
  auto buffer = llvm::MemoryBuffer::getFile(soPath);
  if (!buffer) {
    error = "cannot read the linked kernels: " + buffer.getError().message();
    return false;
  }
  out.assign((*buffer)->getBufferStart(), (*buffer)->getBufferEnd());
  return true;
}
} // namespace

bool coreai::cpu::emitSharedObjects(ModuleOp module,
                                    llvm::ArrayRef<const CPUVariant *> variants,
                                    std::vector<std::vector<uint8_t>> &out,
                                    std::string &error) {
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86Target();
  LLVMInitializeX86TargetMC();
  LLVMInitializeX86AsmPrinter();
  LLVMInitializeAArch64TargetInfo();
  LLVMInitializeAArch64Target();
  LLVMInitializeAArch64TargetMC();
  LLVMInitializeAArch64AsmPrinter();
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());

  // Translation reads the MLIR context, so it runs here, once per variant
  // into a context of its own; optimization and code generation, the slow
  // part, then run on one thread per variant (up to the host's cores).
  struct Job {
    std::unique_ptr<llvm::LLVMContext> context;
    std::unique_ptr<llvm::Module> module;
    std::vector<uint8_t> bytes;
    std::string error;
    bool ok = false;
  };
  std::vector<Job> jobs(variants.size());
  for (Job &job : jobs) {
    job.context = std::make_unique<llvm::LLVMContext>();
    job.module =
        translateModuleToLLVMIR(module, *job.context, "coreai_kernels");
    if (!job.module) {
      error = "translation to LLVM IR failed";
      return false;
    }
  }
  unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  for (size_t start = 0; start < jobs.size(); start += workers) {
    std::vector<std::thread> threads;
    for (size_t i = start; i < std::min(jobs.size(), start + workers); ++i)
      threads.emplace_back([&, i] {
        jobs[i].ok = optimizeAndLink(jobs[i].module.get(), *variants[i],
                                     jobs[i].bytes, jobs[i].error);
      });
    for (std::thread &t : threads)
      t.join();
  }
  out.clear();
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!jobs[i].ok) {
      error = std::string(variants[i]->name) + ": " + jobs[i].error;
      return false;
    }
    out.push_back(std::move(jobs[i].bytes));
  }
  return true;
}

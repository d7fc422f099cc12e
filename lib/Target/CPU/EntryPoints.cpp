//===- EntryPoints.cpp - Kernel C ABI entry points ------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "coreai/KernelABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

using namespace mlir;

namespace coreai {
#define GEN_PASS_DEF_CPUENTRYPOINTS
#define GEN_PASS_DEF_CPURECORDABI
#include "lib/Target/CPU/Passes.h.inc"
} // namespace coreai

namespace {
struct CPURecordABI : coreai::impl::CPURecordABIBase<CPURecordABI> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder b(module.getContext());
    SmallVector<NamedAttribute> entries;
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      int64_t inputs = func.getNumArguments();
      if (auto attr = func->getAttrOfType<IntegerAttr>("coreai.num_inputs"))
        inputs = attr.getInt();
      int64_t constants = func.getNumArguments() - inputs;
      entries.push_back(b.getNamedAttr(
          func.getSymName(),
          b.getDenseI64ArrayAttr(
              {inputs, constants, (int64_t)func.getNumResults()})));
    }
    module->setAttr(coreai::kABILayoutAttr, b.getDictionaryAttr(entries));
  }
};

struct CPUEntryPoints : coreai::impl::CPUEntryPointsBase<CPUEntryPoints> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto layouts =
        module->getAttrOfType<DictionaryAttr>(coreai::kABILayoutAttr);
    if (!layouts) {
      module.emitError() << "missing '" << coreai::kABILayoutAttr
                         << "': run recordABILayout before lowering";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    Location loc = module.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i32 = IntegerType::get(ctx, 32);
    auto i64 = IntegerType::get(ctx, 64);

    for (NamedAttribute entry : layouts) {
      auto layout = cast<DenseI64ArrayAttr>(entry.getValue()).asArrayRef();
      int64_t numIn = layout[0], numConst = layout[1], numOut = layout[2];
      auto callee = module.lookupSymbol<LLVM::LLVMFuncOp>(entry.getName());
      if (!callee) {
        // func-to-llvm leaves a function alone when its signature has no
        // bare-pointer form (zero-sized tensors at the boundary).
        if (auto unlowered = module.lookupSymbol<func::FuncOp>(entry.getName()))
          unlowered.emitError()
              << "zero-sized inputs or outputs are not supported yet";
        else
          module.emitError() << "lowered function '"
                             << entry.getName().strref() << "' not found";
        return signalPassFailure();
      }
      if ((int64_t)callee.getNumArguments() != numIn + numConst + numOut ||
          !llvm::all_of(callee.getArgumentTypes(),
                        [&](Type t) { return t == ptrType; })) {
        callee.emitError() << "expected " << numIn + numConst + numOut
                           << " pointer arguments (bare memref calling "
                              "convention, static shapes)";
        return signalPassFailure();
      }
      callee.setLinkage(LLVM::Linkage::Internal);

      auto fnType =
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptrType});
      std::string name =
          (Twine(COREAI_ENTRY_PREFIX) + entry.getName().strref()).str();
      auto wrapper = LLVM::LLVMFuncOp::create(b, loc, name, fnType);
      Block *body = wrapper.addEntryBlock(b);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(body);
      Value args = body->getArgument(0);
      auto load = [&](int64_t abiIndex) -> Value {
        Value idx = LLVM::ConstantOp::create(b, loc, i64, abiIndex);
        Value slot = LLVM::GEPOp::create(b, loc, ptrType, ptrType, args,
                                         ValueRange{idx});
        return LLVM::LoadOp::create(b, loc, ptrType, slot);
      };
      // ABI order: inputs, outputs, constants. Callee: inputs, constants,
      // outputs (buffer-results-to-out-params appends outputs last).
      SmallVector<Value> operands;
      for (int64_t i = 0; i < numIn; ++i)
        operands.push_back(load(i));
      for (int64_t i = 0; i < numConst; ++i)
        operands.push_back(load(numIn + numOut + i));
      for (int64_t i = 0; i < numOut; ++i)
        operands.push_back(load(numIn + i));
      LLVM::CallOp::create(b, loc, callee, operands);
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    }

    auto versionType = LLVM::LLVMFunctionType::get(i32, {});
    auto version = LLVM::LLVMFuncOp::create(b, loc, COREAI_ABI_VERSION_SYMBOL,
                                            versionType);
    Block *body = version.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    Value v = LLVM::ConstantOp::create(b, loc, i32,
                                       (int64_t)COREAI_KERNEL_ABI_VERSION);
    LLVM::ReturnOp::create(b, loc, v);
    module->removeAttr(coreai::kABILayoutAttr);
  }
};
} // namespace

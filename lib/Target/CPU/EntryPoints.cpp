//===- EntryPoints.cpp - Kernel C ABI entry points ------------------------===//
#include "lib/Target/CPU/Passes.h"

#include "lib/Bundle/KernelABI.h"

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
      int64_t inputs = coreai::numModelInputs(func, func.getNumArguments());
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
  /// int32_t coreai_dispatch_D(const coreai_dispatch_state_v2 *state,
  ///                           const coreai_workgroup_state_v2 *workgroup)
  /// (KernelABI.h): refuses a binding count other than `numBindings`,
  /// returns after that check when workgroup_count[0] is 0, else calls D
  /// with the bindings and the workgroup's id and count.
  LogicalResult addDispatchEntry(OpBuilder &b, ModuleOp module, StringAttr name,
                                 int64_t numBindings) {
    MLIRContext *ctx = module.getContext();
    Location loc = module.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i8 = IntegerType::get(ctx, 8);
    auto i32 = IntegerType::get(ctx, 32);
    auto i64 = IntegerType::get(ctx, 64);
    auto callee = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
    if (!callee) {
      if (auto unlowered = module.lookupSymbol<func::FuncOp>(name))
        return unlowered.emitError()
               << "dispatch has buffers without a bare-pointer form";
      return module.emitError()
             << "lowered dispatch '" << name.strref() << "' not found";
    }
    ArrayRef<Type> params = callee.getArgumentTypes();
    if ((int64_t)params.size() != numBindings + 2 ||
        !llvm::all_of(params.drop_back(2),
                      [&](Type t) { return t == ptrType; }) ||
        params[numBindings] != i64 || params[numBindings + 1] != i64)
      return callee.emitError()
             << "expected " << numBindings
             << " pointer arguments and the workgroup id and count";
    callee.setLinkage(LLVM::Linkage::Internal);

    OpBuilder::InsertionGuard guard(b);
    auto fnType = LLVM::LLVMFunctionType::get(i32, {ptrType, ptrType});
    std::string wrapperName =
        (Twine(COREAI_DISPATCH_PREFIX) + name.strref()).str();
    auto wrapper = LLVM::LLVMFuncOp::create(b, loc, wrapperName, fnType);
    Block *entry = wrapper.addEntryBlock(b);
    Block *refuse = wrapper.addBlock(), *check = wrapper.addBlock(),
          *run = wrapper.addBlock(), *done = wrapper.addBlock();
    Value state = entry->getArgument(0), workgroup = entry->getArgument(1);
    // Field offsets of the v2 structs (LP64: 8-byte pointers).
    auto loadField = [&](Value base, int64_t offset, Type type) -> Value {
      Value at = base;
      if (offset) {
        Value off = LLVM::ConstantOp::create(b, loc, i64, offset);
        at = LLVM::GEPOp::create(b, loc, ptrType, i8, base, ValueRange{off});
      }
      return LLVM::LoadOp::create(b, loc, type, at);
    };
    b.setInsertionPointToStart(entry);
    Value bindings = loadField(state, 0, ptrType);
    Value bindingCount = loadField(state, 8, i32);
    Value expected = LLVM::ConstantOp::create(b, loc, i32, numBindings);
    Value mismatch = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne,
                                          bindingCount, expected);
    LLVM::CondBrOp::create(b, loc, mismatch, refuse, check);

    b.setInsertionPointToStart(refuse);
    LLVM::ReturnOp::create(
        b, loc, ValueRange{LLVM::ConstantOp::create(b, loc, i32, 1)});

    b.setInsertionPointToStart(check);
    Value count32 = loadField(state, 12, i32);
    Value zero32 = LLVM::ConstantOp::create(b, loc, i32, 0);
    Value query =
        LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, count32, zero32);
    LLVM::CondBrOp::create(b, loc, query, done, run);

    b.setInsertionPointToStart(run);
    SmallVector<Value> operands;
    for (int64_t i = 0; i < numBindings; ++i) {
      Value idx = LLVM::ConstantOp::create(b, loc, i64, i);
      Value slot = LLVM::GEPOp::create(b, loc, ptrType, ptrType, bindings,
                                       ValueRange{idx});
      operands.push_back(LLVM::LoadOp::create(b, loc, ptrType, slot));
    }
    Value id32 = loadField(workgroup, 0, i32);
    operands.push_back(LLVM::ZExtOp::create(b, loc, i64, id32));
    operands.push_back(LLVM::ZExtOp::create(b, loc, i64, count32));
    LLVM::CallOp::create(b, loc, callee, operands);
    LLVM::BrOp::create(b, loc, done);

    b.setInsertionPointToStart(done);
    LLVM::ReturnOp::create(b, loc, ValueRange{zero32});
    return success();
  }

  /// Exports `<symbol>__args` = {count, bytes0, written0, ...}
  /// (KernelABI.h), from `pairs` (bytes, written) in the entry's order.
  void addArgumentTable(ModuleOp module, Location loc, StringRef symbol,
                        ArrayRef<int64_t> pairs) {
    auto b = OpBuilder::atBlockEnd(module.getBody());
    SmallVector<int64_t> words = {(int64_t)pairs.size() / 2};
    words.append(pairs.begin(), pairs.end());
    auto i64 = IntegerType::get(b.getContext(), 64);
    auto type = LLVM::LLVMArrayType::get(i64, words.size());
    LLVM::GlobalOp::create(
        b, loc, type, /*isConstant=*/true, LLVM::Linkage::External,
        (symbol + COREAI_ARGUMENT_TABLE_SUFFIX).str(),
        DenseElementsAttr::get(
            RankedTensorType::get({(int64_t)words.size()}, i64),
            ArrayRef<int64_t>(words)));
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto layouts =
        module->getAttrOfType<DictionaryAttr>(coreai::kABILayoutAttr);
    if (!layouts) {
      module.emitError() << "missing '" << coreai::kABILayoutAttr
                         << "': run recordABILayout before lowering";
      return signalPassFailure();
    }
    auto tables =
        module->getAttrOfType<DictionaryAttr>(coreai::kArgumentTablesAttr);
    if (!tables) {
      module.emitError() << "missing '" << coreai::kArgumentTablesAttr
                         << "': run coreai-cpu-record-argument-tables on "
                            "buffers first";
      return signalPassFailure();
    }
    auto tableOf = [&](StringRef name,
                       int64_t buffers) -> FailureOr<ArrayRef<int64_t>> {
      auto table = tables.getAs<DenseI64ArrayAttr>(name);
      if (!table || (int64_t)table.size() != 2 * buffers)
        return module.emitError() << "no argument table of " << buffers
                                  << " buffers for '" << name << "'";
      return table.asArrayRef();
    };
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

      // Its table in ABI order too.
      FailureOr<ArrayRef<int64_t>> table =
          tableOf(entry.getName(), numIn + numConst + numOut);
      if (failed(table))
        return signalPassFailure();
      SmallVector<int64_t> pairs;
      auto append = [&](int64_t calleeIndex) {
        pairs.push_back((*table)[2 * calleeIndex]);
        pairs.push_back((*table)[2 * calleeIndex + 1]);
      };
      for (int64_t i = 0; i < numIn; ++i)
        append(i);
      for (int64_t i = 0; i < numOut; ++i)
        append(numIn + numConst + i);
      for (int64_t i = 0; i < numConst; ++i)
        append(numIn + i);
      addArgumentTable(module, loc, name, pairs);
    }

    if (auto dispatches =
            module->getAttrOfType<DictionaryAttr>(coreai::kDispatchesAttr)) {
      for (NamedAttribute entry : dispatches) {
        int64_t bindings = cast<IntegerAttr>(entry.getValue()).getInt();
        if (failed(addDispatchEntry(b, module, entry.getName(), bindings)))
          return signalPassFailure();
        FailureOr<ArrayRef<int64_t>> table = tableOf(entry.getName(), bindings);
        if (failed(table))
          return signalPassFailure();
        addArgumentTable(
            module, loc,
            (Twine(COREAI_DISPATCH_PREFIX) + entry.getName().strref()).str(),
            *table);
      }
      module->removeAttr(coreai::kDispatchesAttr);
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
    module->removeAttr(coreai::kArgumentTablesAttr);
  }
};
} // namespace

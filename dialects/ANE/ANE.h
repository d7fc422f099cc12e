//===- ANE.h - The neural engine's dialect --------------------------------===//
#ifndef COREAI_DIALECTS_ANE_ANE_H
#define COREAI_DIALECTS_ANE_ANE_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/ANE/ANEDialect.h.inc"
#include "dialects/ANE/ANEEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/ANE/ANEAttributes.h.inc"

#define GET_OP_CLASSES
#include "dialects/ANE/ANEOps.h.inc"

#endif // COREAI_DIALECTS_ANE_ANE_H

//===- ANEDialect.cpp - ane dialect registration --------------------------===//
#include "dialects/ANE/ANE.h"

using namespace mlir;
using namespace coreai::ane;

#include "dialects/ANE/ANEDialect.cpp.inc"

void ANEDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/ANE/ANEOps.cpp.inc"
      >();
  registerAttributes();
}

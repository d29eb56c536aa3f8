//===- SSMDialect.cpp - the ssm dialect -----------------------------------===//
//
// Registers the ssm dialect's operations and types.
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/SSM/SSMDialect.h"
#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Dialect/SSM/SSMTypes.h"

using namespace mlir;
using namespace ssm;

#include "ssm/Dialect/SSM/SSMDialect.cpp.inc"

void SSMDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ssm/Dialect/SSM/SSMOps.cpp.inc"
      >();
  registerTypes();
}

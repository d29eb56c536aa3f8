//===- SSMTypes.h - types of the ssm dialect --------------------*- C++ -*-===//
//
// `!ssm.fixed<width, frac>` fixed-point numbers and `!ssm.stream<...>` token
// streams, which double as spike-message connections.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_SSM_SSMTYPES_H
#define SSM_DIALECT_SSM_SSMTYPES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"

#include "ssm/Dialect/SSM/SSMEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "ssm/Dialect/SSM/SSMTypes.h.inc"

#endif // SSM_DIALECT_SSM_SSMTYPES_H

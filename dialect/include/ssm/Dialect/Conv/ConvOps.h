//===- ConvOps.h - the conv dialect -----------------------------*- C++ -*-===//
//
// Kernel generation and causal long convolution: the conv form of S4D.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_CONV_CONVOPS_H
#define SSM_DIALECT_CONV_CONVOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ssm/Dialect/SSM/SSMDialect.h"

#include "ssm/Dialect/Conv/ConvDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "ssm/Dialect/Conv/ConvTypes.h.inc"

#define GET_OP_CLASSES
#include "ssm/Dialect/Conv/ConvOps.h.inc"

#endif // SSM_DIALECT_CONV_CONVOPS_H

//===- SSMOps.h - operations of the ssm dialect -----------------*- C++ -*-===//
//
// Layer operations (ssm.model, ssm.input, ssm.dense, ssm.s4d, ssm.egru,
// activations, ssm.add, ssm.readout, ssm.output).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_SSM_SSMOPS_H
#define SSM_DIALECT_SSM_SSMOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ssm/Dialect/SSM/SSMDialect.h"
#include "ssm/Dialect/SSM/SSMTypes.h"
#include "ssm/Runtime/NeuronLayer.h"

namespace ssm {
class OutputOp;
class InputOp;
} // namespace ssm

#define GET_OP_CLASSES
#include "ssm/Dialect/SSM/SSMOps.h.inc"

#endif // SSM_DIALECT_SSM_SSMOPS_H

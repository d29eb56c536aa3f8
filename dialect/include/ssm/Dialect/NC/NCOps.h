//===- NCOps.h - the nc neurocore dialect -----------------------*- C++ -*-===//
//
// Cores, neuron groups, synapse tables and spike-message edges of a
// Loihi 2-style neurocore graph.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_NC_NCOPS_H
#define SSM_DIALECT_NC_NCOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "ssm/Dialect/NC/NCDialect.h.inc"
#include "ssm/Dialect/NC/NCEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "ssm/Dialect/NC/NCTypes.h.inc"

#define GET_OP_CLASSES
#include "ssm/Dialect/NC/NCOps.h.inc"

#endif // SSM_DIALECT_NC_NCOPS_H

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
#include "ssm/Dialect/SSM/Weights.h"
#include "ssm/Runtime/NeuronModel.h"

#include "ssm/Dialect/NC/NCDialect.h.inc"
#include "ssm/Dialect/NC/NCEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "ssm/Dialect/NC/NCTypes.h.inc"

#define GET_OP_CLASSES
#include "ssm/Dialect/NC/NCOps.h.inc"

namespace ssm::nc {
/// Bytes a synapse table occupies in core memory: every weight (dense), or
/// each non-zero weight with the index of its source neuron (sparse). The
/// verifier and convert-ssm-to-neurocore's splitting both count with this.
int64_t synapseTableBytes(int64_t rows, int64_t cols, int64_t nonZero,
                          unsigned weightBits, bool sparse);
} // namespace ssm::nc

#endif // SSM_DIALECT_NC_NCOPS_H

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
#include "ssm/Dialect/NC/Hardware.h"
#include "ssm/Dialect/SSM/Weights.h"
#include "ssm/Runtime/Neurocore.h"
#include "ssm/Runtime/NeuronModel.h"

#include "ssm/Dialect/NC/NCDialect.h.inc"
#include "ssm/Dialect/NC/NCEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "ssm/Dialect/NC/NCTypes.h.inc"

#define GET_OP_CLASSES
#include "ssm/Dialect/NC/NCOps.h.inc"

namespace ssm::nc {
/// Builds a synapse table of `rows` x `cols` from its non-zero integer
/// weights `q` at row-major flat indices `index` (increasing, below
/// rows * cols) in the cheaper layout: a sparse table as its entries
/// (weights and their (row, column) positions), a dense one as the whole
/// matrix, the cheaper in the chip's memory (`limits`' stored weight
/// bits: 32 in an fp32 network). Weights are stored in the attribute in 8
/// bits (16 when the hardware's weight_bits exceed 8); the blobs of large
/// tables are named after `name`. `dram`: stored in the chip's DRAM.
SynapsesOp buildSynapseTable(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::ValueRange inputs, int64_t rows,
                             int64_t cols, llvm::ArrayRef<int64_t> index,
                             llvm::ArrayRef<int64_t> q, int64_t exponent,
                             int64_t delay, llvm::StringRef name,
                             const HardwareLimits &limits,
                             bool dram = false);
} // namespace ssm::nc

#endif // SSM_DIALECT_NC_NCOPS_H

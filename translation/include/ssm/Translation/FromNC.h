//===- FromNC.h - build an event-runtime network from nc --------*- C++ -*-===//
//
// Reads an nc.network (as convert-ssm-to-neurocore writes it, or as a user
// edits it) into the MLIR-free ssm::rt::neuro::Network and validates it, so
// a corrupt or hand-edited file fails at load time with a located error
// instead of misbehaving in the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_TRANSLATION_FROMNC_H
#define SSM_TRANSLATION_FROMNC_H

#include "ssm/Dialect/NC/NCOps.h"
#include "ssm/Runtime/Neurocore.h"

#include "mlir/IR/BuiltinOps.h"

namespace ssm {

/// Reads the `hardware` attribute of a network (limits and, when present,
/// the cost tables) into the runtime's description.
mlir::FailureOr<rt::neuro::Hardware> readHardware(nc::NetworkOp network);

/// Builds and validates the runtime network; failures carry a diagnostic
/// on the offending op.
mlir::FailureOr<rt::neuro::Network>
buildNeurocoreNetwork(nc::NetworkOp network);

/// Translates `network` and writes it as a compiled network file (HDF5,
/// ssm/Runtime/NetworkFile.h) at `path`; failures are diagnostics on it.
mlir::LogicalResult writeNetworkFile(nc::NetworkOp network,
                                     llvm::StringRef path);

/// The single nc.network in `module`, or a diagnostic and failure.
mlir::FailureOr<nc::NetworkOp> getSingleNetwork(mlir::ModuleOp module);

} // namespace ssm

#endif // SSM_TRANSLATION_FROMNC_H

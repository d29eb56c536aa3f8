//===- FromSSM.h - build a runtime model from the ssm dialect ---*- C++ -*-===//
//
// The translation from the compiler to the MLIR-free runtime: reads an
// ssm.model (in the ssm form, or in the conv form that
// convert-ssm-to-conv produces) and returns an ssm::rt::Model with layers in
// topological order and parameters as float64 arrays.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_TRANSLATION_FROMSSM_H
#define SSM_TRANSLATION_FROMSSM_H

#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Runtime/Model.h"

#include "mlir/IR/BuiltinOps.h"

namespace ssm {

/// Builds the runtime model. Fails with a diagnostic on the offending op
/// when an op is not supported by the executors or a parameter cannot be
/// read (e.g. a dense_resource blob without data).
/// When `layerOps` is given, it receives the op of each layer (same index).
mlir::FailureOr<rt::Model>
buildRuntimeModel(ModelOp model,
                  llvm::SmallVectorImpl<mlir::Operation *> *layerOps = nullptr);

/// Reads the continuous parameters of an S4D layer as float64; emits a
/// diagnostic on `op` and fails when a parameter cannot be read.
mlir::FailureOr<rt::S4DContinuous> readS4DContinuous(S4DOp op);

/// The model's trainable parameters: every parameter tensor of its layers
/// (complex values count twice), not counting derived ones (a_bar, b_bar)
/// or the conv form's kernels.
int64_t countParameters(ModelOp model);

/// The single ssm.model in `module`, or a diagnostic and failure.
mlir::FailureOr<ModelOp> getSingleModel(mlir::ModuleOp module);

} // namespace ssm

#endif // SSM_TRANSLATION_FROMSSM_H

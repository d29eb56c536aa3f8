//===- MLIRGen.h - the model DSL's AST to the ssm dialect -------*- C++ -*-===//
//
// Checks a parsed model (names, shapes, parameters; weights from HDF5) and
// emits an ssm.model. Every diagnostic carries the FileLineColLoc of the
// offending DSL construct; the caller installs a SourceMgrDiagnosticHandler
// to print it with the source line.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_FRONTEND_MLIRGEN_H
#define SSM_FRONTEND_MLIRGEN_H

#include "ssm/Frontend/AST.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace ssm::dsl {

struct MLIRGenOptions {
  /// Folder that relative `weights` paths are resolved against (usually the
  /// model file's folder).
  std::string baseDir = ".";
  /// A model with a weights file whose group for a layer is missing is an
  /// error (a misnamed file would otherwise run on random weights) unless
  /// initMissing is set: then that layer is initialized, with a warning.
  bool initMissing = false;
  /// Treat the warnings of weight binding ("dataset not used", a layer
  /// initialized under initMissing) as errors.
  bool strictWeights = false;
};

/// Returns a module holding one ssm.model, or null after reporting errors.
mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &context,
                                          const ModelAST &model,
                                          const llvm::SourceMgr &sourceMgr,
                                          const MLIRGenOptions &options);

} // namespace ssm::dsl

#endif // SSM_FRONTEND_MLIRGEN_H

//===- Load.h - read a model from a .ssm or .mlir file ----------*- C++ -*-===//
//
// The tools accept models as DSL source (.ssm, compiled by the frontend) or
// as MLIR (.mlir, parsed and verified). Diagnostics are printed through the
// SourceMgr with file:line:col and the source line.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_FRONTEND_LOAD_H
#define SSM_FRONTEND_LOAD_H

#include "ssm/Frontend/MLIRGen.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace ssm::dsl {

struct LoadOptions {
  /// Weight binding policy (see MLIRGenOptions).
  bool strictWeights = false;
  bool initMissing = false;
};

/// Reads `path` ("-" for stdin) into `sourceMgr` as its main buffer; prints
/// an error and returns false when it cannot be read.
bool addSourceFile(llvm::StringRef path, llvm::SourceMgr &sourceMgr);

/// Loads `path` ("-" for stdin is read as DSL). Returns null after printing
/// diagnostics. The context gets the ssm and conv dialects loaded.
mlir::OwningOpRef<mlir::ModuleOp> loadModelFile(llvm::StringRef path,
                                                mlir::MLIRContext &context,
                                                const LoadOptions &options = {});

/// The folder relative weight paths of a model file resolve against.
std::string modelBaseDir(llvm::StringRef path);

} // namespace ssm::dsl

#endif // SSM_FRONTEND_LOAD_H

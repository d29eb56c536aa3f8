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
#include "llvm/Support/MemoryBuffer.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace ssm::dsl {

struct LoadOptions {
  /// Weight binding policy (see MLIRGenOptions).
  bool strictWeights = false;
  bool initMissing = false;
  /// The discretization step (seconds) of a NIR graph (NIR.h).
  std::optional<double> nirDt;
};

/// Reads `path` ("-" for stdin) after the checks every input file gets
/// (a regular file, at most kMaxSourceBytes). With `isMLIR`, also guards
/// MLIR's text parser against inputs it mishandles: the buffer ends with a
/// newline, brackets nest at most 256 deep, and resource blobs must
/// declare a power-of-two alignment.
/// Returns null after printing an error (file:line:col where there is one)
/// to `errors`.
std::unique_ptr<llvm::MemoryBuffer>
readSourceFile(llvm::StringRef path, bool isMLIR,
               llvm::raw_ostream &errors = llvm::errs());

/// The checks readSourceFile makes on MLIR text, for a buffer from
/// elsewhere (the fuzz targets): returns the buffer, possibly copied to add
/// the final newline, or null after printing the error to `errors`.
std::unique_ptr<llvm::MemoryBuffer>
guardMLIRText(std::unique_ptr<llvm::MemoryBuffer> buffer,
              llvm::raw_ostream &errors);

/// Whether `path` names MLIR text (.mlir) rather than DSL source.
bool isMLIRPath(llvm::StringRef path);

/// readSourceFile into `sourceMgr` as its main buffer (MLIR by extension);
/// returns false after printing an error to `errors` when it cannot be read.
bool addSourceFile(llvm::StringRef path, llvm::SourceMgr &sourceMgr,
                   llvm::raw_ostream &errors = llvm::errs());

/// Loads `path` ("-" for stdin is read as DSL; .mlir as MLIR; .nir as a
/// NIR graph, NIR.h). Returns null after printing
/// diagnostics (file:line:col) to `errors`. The context gets ssmc's
/// dialects loaded (InitAllDialects.h).
mlir::OwningOpRef<mlir::ModuleOp>
loadModelFile(llvm::StringRef path, mlir::MLIRContext &context,
              const LoadOptions &options = {},
              llvm::raw_ostream &errors = llvm::errs());

/// Loads a model from `text`, as if read from a file named `name` (MLIR
/// when it ends in .mlir, else DSL; diagnostics give its name, and
/// relative weight paths resolve against its folder), with the same checks
/// as a file (size, MLIR guards). Returns null after printing diagnostics
/// to `errors`.
mlir::OwningOpRef<mlir::ModuleOp>
loadModelText(llvm::StringRef text, llvm::StringRef name,
              mlir::MLIRContext &context, const LoadOptions &options = {},
              llvm::raw_ostream &errors = llvm::errs());

/// The folder relative weight paths of a model file resolve against.
std::string modelBaseDir(llvm::StringRef path);

} // namespace ssm::dsl

#endif // SSM_FRONTEND_LOAD_H

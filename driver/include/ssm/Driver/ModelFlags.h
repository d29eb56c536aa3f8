//===- ModelFlags.h - flags every tool that loads a model shares -*- C++
//-*-===//
//
// --init-missing and --strict-weights (how a model binds its weights file),
// defined once for ssmc and ssmc-run, and the start-up every tool shares.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DRIVER_MODELFLAGS_H
#define SSM_DRIVER_MODELFLAGS_H

#include "ssm/Frontend/Load.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace ssm::driver {

llvm::cl::OptionCategory &modelCategory();

/// The weight-binding flags as load options.
dsl::LoadOptions loadOptionsFromFlags();

/// What every tool does after InitLLVM: a crash names ssmc (not LLVM's
/// "submit a bug report to llvm-project" banner), and diagnostics show the
/// location without dumping the whole failing operation in generic form.
void setUpTool(llvm::StringRef name, mlir::MLIRContext &context);

} // namespace ssm::driver

#endif // SSM_DRIVER_MODELFLAGS_H

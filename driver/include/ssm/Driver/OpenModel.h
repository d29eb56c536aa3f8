//===- OpenModel.h - a model made ready to run on a target ------*- C++ -*-===//
//
// What ssmc-run and the Python module do before they run anything, in one
// place: load a compiled network file with the runtime alone, or parse a
// model (DSL or MLIR, from a file or from text), refuse what the target
// cannot run, and compile it through the target's pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DRIVER_OPENMODEL_H
#define SSM_DRIVER_OPENMODEL_H

#include "ssm/Driver/Target.h"
#include "ssm/Frontend/Load.h"
#include "ssm/Runtime/Model.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <optional>
#include <string>

namespace ssm::driver {

/// Where a model comes from.
struct ModelSource {
  /// The file (.ssm, .mlir, or a target's compiled file such as loihi2's
  /// .h5); with `text`, the name the text reads as (for diagnostics, the
  /// .mlir extension, and the folder relative weight paths resolve against).
  std::string path;
  /// The model's source itself, when it is not read from `path`.
  std::optional<std::string> text;
};

/// A model ready to run on one target.
struct OpenedModel {
  const Target *target = nullptr;
  /// The compiled module; null when a compiled file was loaded by the
  /// runtime alone.
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<Executable> executable;
  /// The model's parameters before lowering (the conv form replaces S4D's
  /// by derived ones); -1 for a network compiled before.
  int64_t parameters = -1;
  /// Wall seconds of the target's compile() (loihi2: calibration, PTQ,
  /// lowering, placement); 0 when compiled before.
  double compileSeconds = 0;
  /// The model as the reference runs it, before compilation (when asked
  /// for and the source was a model, not a compiled network): what
  /// Executable::compareWithFloat compares with.
  std::optional<rt::Model> floatModel;
};

/// Opens `source` for `target` (null: the target a compiled file or module
/// was compiled for, which it must then be) with `options`, calibrating on
/// `threads` threads. `compileOption` names a compile option the user gave
/// (as spelled) or is empty: a network compiled before refuses it.
/// Diagnostics with a location go to `context`'s handler (install one
/// before: a SourceMgrDiagnosticHandler printing to `errors`) and the
/// frontend's to `errors`; other errors (a compiled network for another
/// target, a runtime exception while loading) are printed to `errors` as
/// "TOOL: error: ...". With `keepFloatModel`, a model also keeps its
/// float form (OpenedModel::floatModel). Returns failure after printing.
mlir::FailureOr<OpenedModel>
openModel(const ModelSource &source, const Target *target,
          const TargetOptions &options, llvm::StringRef compileOption,
          const dsl::LoadOptions &load, int threads, mlir::MLIRContext &context,
          llvm::StringRef tool, llvm::raw_ostream &errors,
          bool keepFloatModel = false);

} // namespace ssm::driver

#endif // SSM_DRIVER_OPENMODEL_H

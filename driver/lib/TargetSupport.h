//===- TargetSupport.h - what the target files share ----------*- C++ -*-===//
//
// Private to the driver: each target's instance (one file each under
// targets/) and the helpers they share.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DRIVER_TARGETSUPPORT_H
#define SSM_DRIVER_TARGETSUPPORT_H

#include "ssm/Driver/Target.h"
#include "ssm/Runtime/Model.h"
#include "ssm/Translation/FromSSM.h"

#include <chrono>

namespace ssm::driver {

const Target &referenceTarget();
const Target &convTarget();
const Target &loihi2Target();
const Target &spinnaker2Target();

/// An Executable over the runtime's float model (the reference and conv
/// targets); `run` is the target's.
class ModelExecutable : public Executable {
public:
  explicit ModelExecutable(rt::Model model) : model(std::move(model)) {}
  std::string modelName() const override { return model.name; }
  int64_t inputChannels() const override { return model.inputChannels(); }
  int64_t outputChannels() const override { return model.outputChannels(); }
  int64_t inputVocabulary() const override {
    return model.inputVocabulary();
  }

protected:
  rt::Model model;
};

/// The runtime's model of the module's one ssm.model (errors are
/// diagnostics).
inline mlir::FailureOr<rt::Model> loadRuntimeModel(mlir::ModuleOp module) {
  mlir::FailureOr<ModelOp> op = getSingleModel(module);
  if (mlir::failed(op))
    return mlir::failure();
  return buildRuntimeModel(*op);
}

/// Seconds from `start` to now (the runs' wall times in the reports).
inline double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// An error with `message` (option checks).
inline llvm::Error flagError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The error for a setting `target` does not have, listing those it has.
llvm::Error unknownOption(const Target &target, const Setting &setting,
                          Spelling spelling);

/// Reads settings into typed values for a target's parseOptions: each
/// `get` finds its option by name and parses its text, recording the first
/// error (which names the option as the user spelled it); finish() reports
/// that error, or one for a setting no `get` asked for.
class SettingsReader {
public:
  SettingsReader(const Target &target, llvm::ArrayRef<Setting> settings,
                 Spelling spelling)
      : target(target), settings(settings), spelling(spelling),
        used(settings.size(), false) {}

  /// Whether option `name` was given; if so, parses it into `value`. An
  /// empty text is an error: "<name> needs <what>".
  bool get(llvm::StringRef name, std::string &value,
           const std::string &what = "a value");
  /// get() of a file the run will write, checked now (cannotWrite,
  /// OutputFile.h), so that a bad path fails before the compile and the run
  /// rather than after them.
  bool getOutputFile(llvm::StringRef name, std::string &path);
  bool get(llvm::StringRef name, double &value);
  bool get(llvm::StringRef name, int64_t &value);
  /// An error naming option `name`: "<spelled name> <message>".
  void fail(llvm::StringRef name, const llvm::Twine &message);
  /// `name` as the user wrote it.
  std::string spelled(llvm::StringRef name) const {
    return spell(name, spelling);
  }
  llvm::Error finish();

private:
  const Setting *find(llvm::StringRef name);

  const Target &target;
  llvm::ArrayRef<Setting> settings;
  Spelling spelling;
  std::vector<bool> used;
  std::string error;
};

} // namespace ssm::driver

#endif // SSM_DRIVER_TARGETSUPPORT_H

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

/// `Exe` (a ModelExecutable) over the module's one ssm.model.
template <typename Exe>
mlir::FailureOr<std::unique_ptr<Executable>>
loadModelExecutable(mlir::ModuleOp module) {
  mlir::FailureOr<ModelOp> op = getSingleModel(module);
  if (mlir::failed(op))
    return mlir::failure();
  mlir::FailureOr<rt::Model> built = buildRuntimeModel(*op);
  if (mlir::failed(built))
    return mlir::failure();
  return std::unique_ptr<Executable>(std::make_unique<Exe>(std::move(*built)));
}

/// Seconds from `start` to now (the runs' wall times in the reports).
inline double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// An error with `message` (flag checks).
inline llvm::Error flagError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace ssm::driver

#endif // SSM_DRIVER_TARGETSUPPORT_H

//===- Instrumentation.h - how a tool instruments compilation ---*- C++ -*-===//

#ifndef SSM_DRIVER_INSTRUMENTATION_H
#define SSM_DRIVER_INSTRUMENTATION_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <functional>

namespace ssm::driver {

/// How a tool instruments the compilation: `configure` sets up the pass
/// manager of each stage (instrumentation, command-line pass-manager
/// options), when given; steps that are not passes (calibration) are timed
/// under `timing`, when given.
struct Instrumentation {
  std::function<mlir::LogicalResult(mlir::PassManager &)> configure;
  mlir::TimingScope *timing = nullptr;
};

/// Runs on `module` a pass manager set up by `instrumentation` and filled
/// by `build`.
mlir::LogicalResult
runPipeline(mlir::ModuleOp module, const Instrumentation &instrumentation,
            llvm::function_ref<void(mlir::OpPassManager &)> build);

} // namespace ssm::driver

#endif // SSM_DRIVER_INSTRUMENTATION_H

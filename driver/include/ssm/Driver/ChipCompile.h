//===- ChipCompile.h - the driver's compilation for a chip ------*- C++ -*-===//
//
// How ssmc and ssmc-run compile a model for a chip target (loihi2,
// spinnaker2: the chip is the hardware description), in one place:
// the check stage of the pipeline, then PTQ calibration (here, in the
// driver: it runs the model on data, which no pass does), then the lowering
// stage, which reads the ranges. A ranges file from `ssmc --emit=calibration`
// replaces the calibration run.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DRIVER_CHIPCOMPILE_H
#define SSM_DRIVER_CHIPCOMPILE_H

#include "ssm/Conversion/Pipelines.h"
#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Driver/Instrumentation.h"
#include "ssm/Transforms/Calibration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include <functional>
#include <string>

namespace ssm::driver {

/// Where calibration sequences come from when no ranges file is given.
struct CalibrationRequest {
  std::string data;      // data spec; "" = the model's own `calibration`
  int64_t samples = 256; // sequences from the start of the data
  /// Also measure each layer's activation SQNR (the float64 reference run
  /// that measures the states goes on to kSqnrSamples sequences; the
  /// quantization report asks for it).
  bool measureSqnr = false;
};

/// Sequences the quantization report's SQNR is measured over (the first of
/// the calibration sequences).
constexpr int64_t kSqnrSamples = 32;
/// Calibration sequences whose states size the state registers.
constexpr int64_t kStateSamples = 16;

/// The data spec to calibrate `model` on: `request.data` when given, else
/// the model's `calibration` attribute (the DSL's `calibration "SPEC"`).
/// Neither is an error at the model's location that says how to give one.
mlir::FailureOr<std::string> calibrationData(ModelOp model,
                                             const CalibrationRequest &request);

/// Runs `model` (discretized or not) on the first `samples` sequences of
/// `data` and measures its calibration ranges: layer outputs with the conv
/// executor, S4D states with the reference interpreter (ssm::rt::quant::
/// calibrate), and, with `measureSqnr`, each layer's activation SQNR at
/// `messageBits` over the first kSqnrSamples. Data errors (unreadable,
/// wrong channel count) are diagnostics at the model's location. Results do
/// not depend on `threads`.
mlir::FailureOr<CalibrationRanges>
calibrate(ModelOp model, const std::string &data, int64_t samples,
          unsigned messageBits, bool measureSqnr, int threads);

/// The calibration ranges of the module's one model for `options`'
/// hardware: runs the check stage (which may rewrite the module), then
/// calibrate().
mlir::FailureOr<CalibrationRanges>
calibrateForChip(mlir::ModuleOp module, ChipPipelineOptions options,
                   const CalibrationRequest &request, int threads,
                   const Instrumentation &instrumentation = {});

/// Compiles the module's one ssm.model to an nc.network in place: the check
/// stage, calibration unless `options.calibrationRanges` names a file, and
/// the lowering stage.
mlir::LogicalResult
compileForChip(mlir::ModuleOp module, ChipPipelineOptions options,
                 const CalibrationRequest &request, int threads,
                 const Instrumentation &instrumentation = {});

} // namespace ssm::driver

#endif // SSM_DRIVER_CHIPCOMPILE_H

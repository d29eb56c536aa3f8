//===- Pipelines.h - pass pipelines of each target --------------*- C++ -*-===//
//
// The passes a target needs, in order, so that ssmc, ssmc-run and ssmc-opt
// (as the named pipelines the targets register, ssm/Driver/Target.h) run
// the same sequence.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_CONVERSION_PIPELINES_H
#define SSM_CONVERSION_PIPELINES_H

#include "ssm/Transforms/Calibration.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Pass/PassManager.h"

#include <memory>
#include <string>

namespace ssm {

/// ssm -> conv form: ssm-discretize, convert-ssm-to-conv (on every model).
void buildConvPipeline(mlir::OpPassManager &pm);

/// Options of the chip pipeline (buildChipPipeline: loihi2, spinnaker2); the pass
/// descriptions document each one. The calibration ranges come from one of
/// two places: a file (`calibrationRanges`) or the driver's in-memory
/// calibration (`ranges`).
struct ChipPipelineOptions {
  std::string hardware; // "" = the built-in description of `chip`
  /// The chip compiled for (one of rt::hw::kChipTargets: the driver's
  /// target): its built-in description when `hardware` is "", and the
  /// `target` a given description must name. "" (ssmc-opt): any chip, and
  /// loihi2's description built in.
  std::string chip;
  /// Chips of the system, in a row (--chips; 0: the description's own).
  int64_t chips = 0;
  /// The arithmetic compiled for, "fixed" or "fp32" (--arithmetic; "": the
  /// description's own): the description's variant of it
  /// (nc::withArithmetic), which the driver loads into
  /// `hardwareDescription`.
  std::string arithmetic;
  /// The description of `hardware`, loaded once by the driver and given to
  /// every pass (null: each pass reads `hardware` itself).
  mlir::DictionaryAttr hardwareDescription;
  std::string calibrationRanges; // path of a ranges file
  std::shared_ptr<const CalibrationRanges> ranges;
  double sigmaDelta = kDefaultSigmaDelta;
  /// Where synapse tables live: "core" (each core's memory, DRAM only for
  /// a neuron too large for a core) or "dram" (nc-split-groups).
  std::string synapseMemory = "core";
  /// At most this many neurons of a group per core (0: the hardware's;
  /// nc-split-groups).
  int64_t neuronsPerCore = 0;
  std::string quantizationReport, coreReport; // paths, "-" = stdout

  /// Default sigma-delta threshold, as a fraction of each connection's
  /// calibrated range (docs/loihi2-compile.md has the measurements).
  static constexpr double kDefaultSigmaDelta = 0.002;
};

/// Lowers a module with one ssm.model to one nc.network: the check stage,
/// then the lowering stage.
void buildChipPipeline(mlir::OpPassManager &pm,
                         const ChipPipelineOptions &options);

/// What runs before calibration (ssm-check-neurocore, ssm-discretize), so
/// that a model the chip cannot run fails before the slow part.
void buildChipCheckPipeline(mlir::OpPassManager &pm,
                              const ChipPipelineOptions &options);

/// What runs after calibration: ssm-quantize, convert-ssm-to-neurocore,
/// nc-insert-delays, nc-split-groups, nc-place and, when `coreReport` names
/// a file, nc-core-report.
void buildChipLoweringPipeline(mlir::OpPassManager &pm,
                                 const ChipPipelineOptions &options);

} // namespace ssm

#endif // SSM_CONVERSION_PIPELINES_H

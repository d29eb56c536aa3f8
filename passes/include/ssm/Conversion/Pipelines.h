//===- Pipelines.h - pass pipelines of each target --------------*- C++ -*-===//
//
// The passes a target needs, in order, so that ssmc, ssmc-run and ssmc-opt
// (as named pipelines) run the same sequence.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_CONVERSION_PIPELINES_H
#define SSM_CONVERSION_PIPELINES_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace ssm {

/// ssm -> conv form: ssm-discretize, convert-ssm-to-conv (on every model).
void buildConvPipeline(mlir::OpPassManager &pm);

/// Registers the pipelines with the pass registry (`ssm-to-conv`).
/// Options of the loihi2 pipeline (ssm-check-neurocore, ssm-discretize,
/// ssm-quantize, convert-ssm-to-neurocore); the pass descriptions document
/// each one.
struct Loihi2PipelineOptions {
  std::string hardware;                   // "" = built-in loihi2.json
  std::string calibration = "mnist:train"; // data spec
  int64_t samples = 256;
  double sigmaDelta = kDefaultSigmaDelta;
  std::string quantizationReport, coreReport; // paths, "-" = stdout
  int threads = 2;

  /// Default sigma-delta threshold, as a fraction of each connection's
  /// calibrated range (docs/loihi2-compile.md has the measurements).
  static constexpr double kDefaultSigmaDelta = 0.002;
};

/// Lowers a module with one ssm.model to one nc.network.
void buildLoihi2Pipeline(mlir::OpPassManager &pm,
                         const Loihi2PipelineOptions &options);

void registerSSMPipelines();

} // namespace ssm

#endif // SSM_CONVERSION_PIPELINES_H

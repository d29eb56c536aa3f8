//===- Passes.h - transforms on the ssm dialect -----------------*- C++ -*-===//
//
// Declarations and registration of the ssm model-level passes.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_TRANSFORMS_PASSES_H
#define SSM_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"
#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Transforms/Calibration.h"

#include <memory>

namespace ssm {

#define GEN_PASS_DECL
#include "ssm/Transforms/Passes.h.inc"

/// ssm-quantize with ranges the driver calibrated in memory (its
/// `calibration-ranges` option, if set, must then be empty).
std::unique_ptr<mlir::Pass>
createSSMQuantize(const SSMQuantizeOptions &options,
                  std::shared_ptr<const CalibrationRanges> ranges);

#define GEN_PASS_REGISTRATION
#include "ssm/Transforms/Passes.h.inc"

} // namespace ssm

#endif // SSM_TRANSFORMS_PASSES_H

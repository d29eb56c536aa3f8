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

/// ssm-quantize with what the driver has in memory: ranges it calibrated
/// (null: the `calibration-ranges` file; if both, the file must be empty)
/// and the hardware description it loaded once for the whole pipeline
/// (null: the `hw` option's file).
std::unique_ptr<mlir::Pass>
createSSMQuantize(const SSMQuantizeOptions &options,
                  std::shared_ptr<const CalibrationRanges> ranges,
                  mlir::DictionaryAttr hardwareDescription = {});

#define GEN_PASS_REGISTRATION
#include "ssm/Transforms/Passes.h.inc"

} // namespace ssm

#endif // SSM_TRANSFORMS_PASSES_H

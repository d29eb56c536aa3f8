//===- Passes.h - conversions out of the ssm dialect ------------*- C++ -*-===//
//
// Declarations and registration of the lowerings to target forms.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_CONVERSION_PASSES_H
#define SSM_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"
#include "ssm/Dialect/Conv/ConvOps.h"
#include "ssm/Dialect/NC/Hardware.h"
#include "ssm/Dialect/NC/NCOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "ssm/Dialect/SSM/SSMOps.h"

namespace ssm {

#define GEN_PASS_DECL
#include "ssm/Conversion/Passes.h.inc"

/// ssm-check-neurocore and convert-ssm-to-neurocore with the hardware
/// description the driver loaded once for the whole pipeline (null: the
/// `hw` option's file, as the generated constructors do).
std::unique_ptr<mlir::Pass>
createCheckNeurocoreLowering(const CheckNeurocoreLoweringOptions &options,
                             mlir::DictionaryAttr hardwareDescription);
std::unique_ptr<mlir::Pass>
createConvertSSMToNeurocore(const ConvertSSMToNeurocoreOptions &options,
                            mlir::DictionaryAttr hardwareDescription);

#define GEN_PASS_REGISTRATION
#include "ssm/Conversion/Passes.h.inc"

/// What convert-ssm-to-neurocore would refuse in `model` before any work:
/// layers without a neurocore lowering (each reported at its location) and
/// models that cannot fit `limits` (neurons in all, EGRU units per core).
/// Fails after emitting the errors. ssm-check-neurocore runs it first in
/// the loihi2 pipeline so that calibration is not wasted.
mlir::LogicalResult checkNeurocoreLowering(ModelOp model,
                                           const nc::HardwareLimits &limits);

} // namespace ssm

#endif // SSM_CONVERSION_PASSES_H

//===- Pipelines.h - pass pipelines of each target --------------*- C++ -*-===//
//
// The passes a target needs, in order, so that ssmc, ssmc-run and ssmc-opt
// (as named pipelines) run the same sequence.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_CONVERSION_PIPELINES_H
#define SSM_CONVERSION_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace ssm {

/// ssm -> conv form: ssm-discretize, convert-ssm-to-conv (on every model).
void buildConvPipeline(mlir::OpPassManager &pm);

/// Registers the pipelines with the pass registry (`ssm-to-conv`).
void registerSSMPipelines();

} // namespace ssm

#endif // SSM_CONVERSION_PIPELINES_H

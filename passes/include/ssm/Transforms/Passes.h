//===- Passes.h - transforms on the ssm dialect -----------------*- C++ -*-===//
//
// Declarations and registration of the ssm model-level passes.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_TRANSFORMS_PASSES_H
#define SSM_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"
#include "ssm/Dialect/SSM/SSMOps.h"

namespace ssm {

#define GEN_PASS_DECL
#include "ssm/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ssm/Transforms/Passes.h.inc"

} // namespace ssm

#endif // SSM_TRANSFORMS_PASSES_H

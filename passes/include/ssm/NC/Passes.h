//===- Passes.h - passes on the nc dialect ----------------------*- C++ -*-===//
//
// Declarations and registration of the passes that work on a neurocore
// graph (Passes.td has each one's contract).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_NC_PASSES_H
#define SSM_NC_PASSES_H

#include "ssm/Dialect/NC/NCOps.h"

#include "mlir/Pass/Pass.h"

namespace ssm::nc {

#define GEN_PASS_DECL
#include "ssm/NC/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ssm/NC/Passes.h.inc"

} // namespace ssm::nc

#endif // SSM_NC_PASSES_H

//===- InitAllDialects.h - every dialect ssmc defines -----------*- C++ -*-===//
//
// The one list of ssmc's dialects, for the tools' registries (ssmc-opt) and
// the contexts that load models (frontend/lib/Load.cpp), as MLIR's
// InitAllDialects.h is for upstream's.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_INITALLDIALECTS_H
#define SSM_INITALLDIALECTS_H

#include "ssm/Dialect/Conv/ConvOps.h"
#include "ssm/Dialect/NC/NCOps.h"
#include "ssm/Dialect/SSM/SSMDialect.h"

#include "mlir/IR/DialectRegistry.h"

namespace ssm {

/// Adds the ssm, conv and nc dialects to `registry`.
inline void registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<SSMDialect, conv::ConvDialect, nc::NCDialect>();
}

} // namespace ssm

#endif // SSM_INITALLDIALECTS_H

//===- SSMDialect.h - the ssm dialect ---------------------------*- C++ -*-===//
//
// The model-level dialect of ssmc: layers of S4D and EGRU models over token
// streams. See docs/dialect-ssm.md for the rationale.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_SSM_SSMDIALECT_H
#define SSM_DIALECT_SSM_SSMDIALECT_H

#include "mlir/IR/Dialect.h"

#include "ssm/Dialect/SSM/SSMDialect.h.inc"

#endif // SSM_DIALECT_SSM_SSMDIALECT_H

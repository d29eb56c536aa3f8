//===- Verification.h - shared checks of layer parameters -------*- C++ -*-===//
//
// Parameter checks used by the verifiers of every ssmc dialect, so that a
// wrong shape reads the same wherever it is caught.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_SSM_VERIFICATION_H
#define SSM_DIALECT_SSM_VERIFICATION_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Operation.h"

#include <string>

namespace ssm {

/// What a parameter's element type must be.
enum class ParamKind { Real, Complex };

/// Formats a shape as "[a, b, c]" for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Checks that parameter `name` of `op` is a statically shaped tensor of
/// `shape` with a float (or complex float) element type; `meaning` names the
/// axes in the message, e.g. "[H, N/2]".
mlir::LogicalResult verifyParam(mlir::Operation *op, llvm::StringRef name,
                                mlir::ElementsAttr attr,
                                llvm::ArrayRef<int64_t> shape,
                                llvm::StringRef meaning,
                                ParamKind kind = ParamKind::Real);

} // namespace ssm

#endif // SSM_DIALECT_SSM_VERIFICATION_H

//===- Verification.cpp - shared checks of layer parameters ---------------===//

#include "ssm/Dialect/SSM/Verification.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace ssm;

/// Formats a shape as [a, b, c] for diagnostics.
std::string ssm::formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(shape, os);
  os << "]";
  return text;
}

/// Checks that parameter `name` is a statically shaped tensor of `shape` with
/// a real float (or complex float) element type. `meaning` names the axes in
/// the error message, e.g. "[H, N/2]".
LogicalResult ssm::verifyParam(Operation *op, StringRef name,
                               ElementsAttr attr, ArrayRef<int64_t> shape,
                               StringRef meaning, ParamKind kind) {
  auto type = dyn_cast<RankedTensorType>(attr.getShapedType());
  if (!type || !type.hasStaticShape())
    return op->emitOpError() << "parameter '" << name
                             << "' must be a statically shaped tensor";
  Type element = type.getElementType();
  if (kind == ParamKind::Real && !isa<FloatType>(element))
    return op->emitOpError() << "parameter '" << name
                             << "' must have a float element type, got "
                             << element;
  if (kind == ParamKind::Complex) {
    auto complex = dyn_cast<ComplexType>(element);
    if (!complex || !isa<FloatType>(complex.getElementType()))
      return op->emitOpError() << "parameter '" << name
                               << "' must have a complex float element type, "
                                  "got "
                               << element;
  }
  if (type.getShape() != shape)
    return op->emitOpError()
           << "parameter '" << name << "' must have shape " << meaning
           << " = " << formatShape(shape) << ", got "
           << formatShape(type.getShape());
  return success();
}


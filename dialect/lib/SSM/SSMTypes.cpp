//===- SSMTypes.cpp - types of the ssm dialect ----------------------------===//
//
// Parsing, printing and verification of !ssm.fixed and !ssm.stream.
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/SSM/SSMTypes.h"
#include "ssm/Dialect/SSM/SSMDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace ssm;

#include "ssm/Dialect/SSM/SSMEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "ssm/Dialect/SSM/SSMTypes.cpp.inc"

void SSMDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "ssm/Dialect/SSM/SSMTypes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// FixedType
//===----------------------------------------------------------------------===//

LogicalResult FixedType::verify(function_ref<InFlightDiagnostic()> emitError,
                                unsigned width, int fracBits) {
  if (width < 1 || width > 64)
    return emitError() << "fixed-point width must be in [1, 64], got "
                       << width;
  if (fracBits < -64 || fracBits > 64)
    return emitError() << "fixed-point fractional bits must be in [-64, 64], "
                          "got "
                       << fracBits;
  return success();
}

//===----------------------------------------------------------------------===//
// StreamType
//===----------------------------------------------------------------------===//

std::optional<double> StreamType::getThresholdValue() const {
  if (FloatAttr threshold = getThreshold())
    return threshold.getValueAsDouble();
  return std::nullopt;
}

StreamType StreamType::withChannels(int64_t channels) const {
  return StreamType::get(getContext(), channels, getElementType(),
                         getEncoding(), getPayloadBits(), getThreshold());
}

Type StreamType::parse(AsmParser &parser) {
  MLIRContext *ctx = parser.getContext();
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t, 1> dims;
  Type elementType;
  if (parser.parseLess() ||
      parser.parseDimensionList(dims, /*allowDynamic=*/false,
                                /*withTrailingX=*/true) ||
      parser.parseType(elementType))
    return {};
  if (dims.size() != 1) {
    parser.emitError(loc, "stream must have exactly one channel dimension, "
                          "as in !ssm.stream<64xf32>");
    return {};
  }

  Encoding encoding = Encoding::Float;
  unsigned payloadBits = 0;
  FloatAttr threshold;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keywordLoc = parser.getCurrentLocation();
    StringRef keyword;
    if (parser.parseKeyword(&keyword))
      return {};
    if (keyword == "threshold") {
      double value;
      if (parser.parseEqual() || parser.parseFloat(value))
        return {};
      threshold = FloatAttr::get(Float64Type::get(ctx), value);
    } else if (keyword == "graded") {
      encoding = Encoding::Graded;
      if (parser.parseLess() || parser.parseInteger(payloadBits) ||
          parser.parseGreater())
        return {};
    } else if (keyword == "binary") {
      encoding = Encoding::Binary;
    } else if (keyword == "float") {
      encoding = Encoding::Float;
    } else {
      parser.emitError(keywordLoc, "unknown stream property '")
          << keyword
          << "'; expected 'float', 'graded<bits>', 'binary' or "
             "'threshold = value'";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<StreamType>(loc, ctx, dims.front(), elementType,
                                       encoding, payloadBits, threshold);
}

void StreamType::print(AsmPrinter &printer) const {
  printer << '<' << getChannels() << 'x' << getElementType();
  switch (getEncoding()) {
  case Encoding::Float:
    break;
  case Encoding::Graded:
    printer << ", graded<" << getPayloadBits() << '>';
    break;
  case Encoding::Binary:
    printer << ", binary";
    break;
  }
  if (FloatAttr threshold = getThreshold()) {
    printer << ", threshold = ";
    printer.printFloat(threshold.getValue());
  }
  printer << '>';
}

LogicalResult StreamType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t channels, Type elementType,
                                 Encoding encoding, unsigned payloadBits,
                                 FloatAttr threshold) {
  if (channels < 1)
    return emitError() << "stream must have at least one channel, got "
                       << channels;
  bool isFloat = mlir::isa<FloatType>(elementType);
  bool isFixed = mlir::isa<FixedType>(elementType);
  bool isBit = elementType.isInteger(1);
  if (!isFloat && !isFixed && !isBit)
    return emitError() << "stream element type must be a float type, "
                          "!ssm.fixed or i1, got "
                       << elementType;
  switch (encoding) {
  case Encoding::Float:
    if (!isFloat)
      return emitError() << "float-encoded stream needs a float element "
                            "type, got "
                         << elementType;
    break;
  case Encoding::Graded:
    if (!isFixed)
      return emitError() << "graded-spike stream needs an !ssm.fixed element "
                            "type, got "
                         << elementType;
    if (payloadBits < 1 || payloadBits > 32)
      return emitError() << "graded-spike payload must be 1 to 32 bits, got "
                         << payloadBits;
    break;
  case Encoding::Binary:
    if (!isBit)
      return emitError() << "binary-spike stream needs element type i1, got "
                         << elementType;
    if (threshold)
      return emitError() << "binary-spike stream cannot have a sigma-delta "
                            "threshold";
    break;
  }
  if (threshold) {
    double value = threshold.getValueAsDouble();
    if (!std::isfinite(value) || value < 0)
      return emitError() << "sigma-delta threshold must be finite and >= 0, "
                            "got "
                         << value;
  }
  return success();
}

//===- Weights.cpp - reading and writing layer parameters -----------------===//
//
// Reads parameters from dense elements or dense_resource blobs and makes new
// parameter attributes.
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/SSM/Weights.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FormatVariadic.h"

#include <cstring>

using namespace mlir;

namespace {
/// Reports `message` through `error` (when given) and fails.
template <typename T>
FailureOr<T> fail(std::string *error, const llvm::Twine &message) {
  if (error)
    *error = message.str();
  return failure();
}

/// Decodes `count` scalars of float type `type` from raw little-endian bytes.
SmallVector<double> decodeScalars(const char *data, size_t count,
                                  FloatType type) {
  SmallVector<double> values(count);
  if (type.isF64()) {
    for (size_t i = 0; i < count; ++i)
      std::memcpy(&values[i], data + i * sizeof(double), sizeof(double));
    return values;
  }
  if (type.isF32()) {
    // The hardware's float -> double conversion is exact, as APFloat's is,
    // at a fraction of the cost (trained models are f32 blobs of millions).
    for (size_t i = 0; i < count; ++i) {
      float f;
      std::memcpy(&f, data + i * sizeof(float), sizeof(float));
      values[i] = f;
    }
    return values;
  }
  unsigned bytes = type.getWidth() / 8;
  for (size_t i = 0; i < count; ++i) {
    uint64_t bits = 0;
    std::memcpy(&bits, data + i * bytes, bytes);
    APFloat value(type.getFloatSemantics(), APInt(type.getWidth(), bits));
    values[i] = value.convertToDouble();
  }
  return values;
}

/// The bytes of a dense_resource attribute, which must hold exactly
/// `expected` of them (the blob is absent when the IR elided it).
FailureOr<ArrayRef<char>> resourceBytes(DenseResourceElementsAttr attr,
                                        size_t expected, std::string *error) {
  AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  if (!blob)
    return fail<ArrayRef<char>>(
        error, llvm::formatv("dense_resource blob '{0}' has no data",
                             attr.getRawHandle().getKey()));
  ArrayRef<char> data = blob->getData();
  if (data.size() != expected)
    return fail<ArrayRef<char>>(
        error, llvm::formatv("dense_resource blob '{0}' holds {1} bytes, "
                             "expected {2}",
                             attr.getRawHandle().getKey(), data.size(),
                             expected));
  return data;
}

/// Reads the raw scalars (complex numbers as interleaved pairs) of a
/// dense_resource attribute whose element is `scalarType`.
FailureOr<SmallVector<double>>
readResourceScalars(DenseResourceElementsAttr attr, FloatType scalarType,
                    size_t scalarCount, std::string *error) {
  FailureOr<ArrayRef<char>> data =
      resourceBytes(attr, scalarCount * (scalarType.getWidth() / 8), error);
  if (failed(data))
    return failure();
  return decodeScalars(data->data(), scalarCount, scalarType);
}

template <typename T>
ElementsAttr makeParam(MLIRContext *ctx, ArrayRef<int64_t> shape,
                       ArrayRef<T> values, Type elementType,
                       StringRef blobName) {
  auto type = RankedTensorType::get(shape, elementType);
  if (static_cast<int64_t>(values.size()) <= ssm::kInlineLimit)
    return DenseElementsAttr::get(type, values);
  return DenseResourceElementsAttr::get(
      type, blobName, HeapAsmResourceBlob::allocateAndCopyInferAlign(values));
}
} // namespace

FailureOr<SmallVector<double>> ssm::readRealElements(ElementsAttr attr,
                                                     std::string *error) {
  auto floatType = dyn_cast<FloatType>(attr.getElementType());
  if (!floatType)
    return fail<SmallVector<double>>(
        error, llvm::formatv("expected a real float tensor, got element type "
                             "{0}",
                             attr.getElementType()));
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    SmallVector<double> values;
    values.reserve(dense.getNumElements());
    for (const APFloat &value : dense.getValues<APFloat>())
      values.push_back(value.convertToDouble());
    return values;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return readResourceScalars(resource, floatType, resource.getNumElements(),
                               error);
  return fail<SmallVector<double>>(error,
                                   "unsupported parameter attribute kind");
}

FailureOr<SmallVector<int64_t>> ssm::readIntegerElements(ElementsAttr attr,
                                                        std::string *error) {
  auto intType = dyn_cast<IntegerType>(attr.getElementType());
  if (!intType || intType.getWidth() > 64)
    return fail<SmallVector<int64_t>>(
        error, llvm::formatv("expected an integer tensor, got element type "
                             "{0}",
                             attr.getElementType()));
  const unsigned width = intType.getWidth();
  SmallVector<int64_t> values;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    values.reserve(dense.getNumElements());
    for (const APInt &value : dense.getValues<APInt>())
      values.push_back(intType.isUnsigned() ? int64_t(value.getZExtValue())
                                            : value.getSExtValue());
    return values;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return fail<SmallVector<int64_t>>(error,
                                      "unsupported parameter attribute kind");
  const size_t bytes = (width + 7) / 8;
  const size_t count = resource.getNumElements();
  FailureOr<ArrayRef<char>> blob = resourceBytes(resource, count * bytes, error);
  if (failed(blob))
    return failure();
  const char *data = blob->data();
  values.resize(count);
  for (size_t i = 0; i < count; ++i) {
    uint64_t raw = 0;
    std::memcpy(&raw, data + i * bytes, bytes);
    values[i] = intType.isUnsigned()
                    ? int64_t(raw)
                    : APInt(width, raw).getSExtValue();
  }
  return values;
}

FailureOr<int64_t> ssm::countNonZeroIntegers(ElementsAttr attr,
                                             std::string *error) {
  auto intType = dyn_cast<IntegerType>(attr.getElementType());
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!intType || !resource || intType.getWidth() % 8 != 0) {
    FailureOr<SmallVector<int64_t>> values = readIntegerElements(attr, error);
    if (failed(values))
      return failure();
    return static_cast<int64_t>(
        llvm::count_if(*values, [](int64_t v) { return v != 0; }));
  }
  // An entry is zero exactly when all its bytes are.
  const size_t bytes = intType.getWidth() / 8;
  const size_t count = resource.getNumElements();
  FailureOr<ArrayRef<char>> blob = resourceBytes(resource, count * bytes, error);
  if (failed(blob))
    return failure();
  int64_t nonZero = 0;
  const char *data = blob->data();
  for (size_t i = 0; i < count; ++i) {
    char any = 0;
    for (size_t b = 0; b < bytes; ++b)
      any |= data[i * bytes + b];
    nonZero += any != 0;
  }
  return nonZero;
}

FailureOr<SmallVector<std::complex<double>>>
ssm::readComplexElements(ElementsAttr attr, std::string *error) {
  using Result = SmallVector<std::complex<double>>;
  auto complexType = dyn_cast<ComplexType>(attr.getElementType());
  auto floatType =
      complexType ? dyn_cast<FloatType>(complexType.getElementType()) : nullptr;
  if (!floatType)
    return fail<Result>(error,
                        llvm::formatv("expected a complex float tensor, got "
                                      "element type {0}",
                                      attr.getElementType()));
  Result values;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    values.reserve(dense.getNumElements());
    for (const std::complex<APFloat> &value :
         dense.getValues<std::complex<APFloat>>())
      values.emplace_back(value.real().convertToDouble(),
                          value.imag().convertToDouble());
    return values;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return fail<Result>(error, "unsupported parameter attribute kind");
  FailureOr<SmallVector<double>> scalars = readResourceScalars(
      resource, floatType, 2 * resource.getNumElements(), error);
  if (failed(scalars))
    return failure();
  values.reserve(resource.getNumElements());
  for (size_t i = 0; i + 1 < scalars->size(); i += 2)
    values.emplace_back((*scalars)[i], (*scalars)[i + 1]);
  return values;
}

ElementsAttr ssm::makeRealParam(MLIRContext *ctx, ArrayRef<int64_t> shape,
                                ArrayRef<float> values, StringRef blobName) {
  return makeParam(ctx, shape, values, Float32Type::get(ctx), blobName);
}

ElementsAttr ssm::makeComplexParam(MLIRContext *ctx, ArrayRef<int64_t> shape,
                                   ArrayRef<std::complex<float>> values,
                                   StringRef blobName) {
  return makeParam(ctx, shape, values,
                   ComplexType::get(Float32Type::get(ctx)), blobName);
}

ElementsAttr ssm::makeComplexParam(MLIRContext *ctx, ArrayRef<int64_t> shape,
                                   ArrayRef<std::complex<double>> values,
                                   StringRef blobName) {
  return makeParam(ctx, shape, values,
                   ComplexType::get(Float64Type::get(ctx)), blobName);
}

ElementsAttr ssm::makeIntegerParam(MLIRContext *ctx, ArrayRef<int64_t> shape,
                                   ArrayRef<int64_t> values, unsigned bits,
                                   StringRef blobName) {
  // Signed, so that MLIR's parser refuses a literal outside the range
  // (with signless i8 it would read 128 as -128).
  Type type = IntegerType::get(ctx, bits, IntegerType::Signed);
  auto narrow = [&](auto tag) {
    using T = decltype(tag);
    SmallVector<T> converted(values.begin(), values.end());
    return makeParam(ctx, shape, ArrayRef<T>(converted), type, blobName);
  };
  switch (bits) {
  case 8:
    return narrow(int8_t());
  case 16:
    return narrow(int16_t());
  case 32:
    return narrow(int32_t());
  default:
    return makeParam(ctx, shape, values, type, blobName);
  }
}

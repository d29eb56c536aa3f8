//===- Weights.h - reading and writing layer parameters ---------*- C++ -*-===//
//
// Layer parameters are ElementsAttr: dense elements (small or splat tensors)
// or dense_resource blobs (weights). This is the one place that knows how to
// read either as numbers and how to make new parameter attributes, so passes,
// the frontend and the translation to the runtime agree on layouts.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_SSM_WEIGHTS_H
#define SSM_DIALECT_SSM_WEIGHTS_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/SmallVector.h"

#include <complex>
#include <string>
#include <vector>

namespace ssm {

/// Reads a real (f16/bf16/f32/f64) parameter tensor in row-major order.
/// Fails with a message in `error` when the attribute is complex, not a
/// float tensor, or a dense_resource whose blob is missing or of wrong size.
mlir::FailureOr<llvm::SmallVector<double>>
readRealElements(mlir::ElementsAttr attr, std::string *error = nullptr);

/// Reads an integer (fixed-point) parameter tensor, sign-extended.
mlir::FailureOr<llvm::SmallVector<int64_t>>
readIntegerElements(mlir::ElementsAttr attr, std::string *error = nullptr);

/// The non-zero entries of an integer matrix: row-major flat indices
/// (increasing) and their values.
struct IntegerEntries {
  std::vector<int64_t> index, value;
};

/// The number of non-zero entries of an integer tensor, without widening
/// each entry (synapse tables of millions of int8 weights); fails like
/// readIntegerElements.
mlir::FailureOr<int64_t> countNonZeroIntegers(mlir::ElementsAttr attr,
                                              std::string *error = nullptr);

/// Reads a complex<f32|f64> parameter tensor in row-major order.
mlir::FailureOr<llvm::SmallVector<std::complex<double>>>
readComplexElements(mlir::ElementsAttr attr, std::string *error = nullptr);

/// Makes an f32 parameter tensor of `shape` from row-major `values`:
/// dense elements for tensors of up to `kInlineLimit` elements, otherwise a
/// dense_resource blob named `blobName` (made unique by the context).
mlir::ElementsAttr makeRealParam(mlir::MLIRContext *ctx,
                                 llvm::ArrayRef<int64_t> shape,
                                 llvm::ArrayRef<float> values,
                                 llvm::StringRef blobName);

/// Makes a complex<f32> parameter tensor; storage rules as makeRealParam.
mlir::ElementsAttr makeComplexParam(mlir::MLIRContext *ctx,
                                    llvm::ArrayRef<int64_t> shape,
                                    llvm::ArrayRef<std::complex<float>> values,
                                    llvm::StringRef blobName);

/// Makes a complex<f64> parameter tensor (discretized S4D parameters, whose
/// powers over long sequences need the precision); storage as makeRealParam.
mlir::ElementsAttr makeComplexParam(mlir::MLIRContext *ctx,
                                    llvm::ArrayRef<int64_t> shape,
                                    llvm::ArrayRef<std::complex<double>> values,
                                    llvm::StringRef blobName);

/// Makes a signed integer tensor of `bits` (8, 16, 32 or 64) from row-major
/// `values`, which must fit; storage rules as makeRealParam. The nc
/// dialect's synapse tables (si8) and neuron parameters (si32) use it.
mlir::ElementsAttr makeIntegerParam(mlir::MLIRContext *ctx,
                                    llvm::ArrayRef<int64_t> shape,
                                    llvm::ArrayRef<int64_t> values,
                                    unsigned bits, llvm::StringRef blobName);

/// Tensors up to this many elements are printed inline as dense<...>.
constexpr int64_t kInlineLimit = 16;

} // namespace ssm

#endif // SSM_DIALECT_SSM_WEIGHTS_H

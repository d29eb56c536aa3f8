//===- Hardware.h - hardware description files ------------------*- C++ -*-===//
//
// A hardware description is a JSON file naming a neuromorphic chip's limits
// (mesh, neurons and synapse memory per core, bit widths, weight exponent
// range, synaptic delay) and its per-operation energy and time, the inputs
// of the cost model (docs/cost-model.md). It becomes the `hardware`
// attribute of nc.network, so a compiled network carries the chip it was
// compiled for and the event runtime needs no second file.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_NC_HARDWARE_H
#define SSM_DIALECT_NC_HARDWARE_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

namespace ssm::nc {

/// Keys of the `energy_pj` and `time_ns` tables, in this order.
llvm::ArrayRef<llvm::StringLiteral> costKeys();

/// Parses the JSON text of a hardware description. Errors name
/// `sourceName`, the line and column of a syntax error, or the key that is
/// missing, mistyped, out of range or unknown.
llvm::Expected<mlir::DictionaryAttr>
parseHardwareDescription(mlir::MLIRContext *context, llvm::StringRef json,
                         llvm::StringRef sourceName);

/// Reads and parses the file at `path`; an empty path gives the built-in
/// default, hardware/loihi2.json as shipped.
llvm::Expected<mlir::DictionaryAttr>
loadHardwareDescription(mlir::MLIRContext *context, llvm::StringRef path);

/// The text of the built-in hardware/loihi2.json.
llvm::StringRef defaultHardwareJSON();

} // namespace ssm::nc

#endif // SSM_DIALECT_NC_HARDWARE_H

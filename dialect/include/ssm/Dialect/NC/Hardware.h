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
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include "ssm/Runtime/HardwareRanges.h"

#include <string>

namespace ssm::nc {

/// The limits of a hardware description, as nc.network's `hardware`
/// attribute holds them. readHardwareLimits is the one reader of these
/// keys, for ssm-quantize, ssm-check-neurocore, convert-ssm-to-neurocore
/// and, through NetworkOp::readLimits, the verifier, the nc passes and the
/// translation; the cost tables, which only the runtime uses, are read by
/// the translation (FromNC.cpp).
struct HardwareLimits {
  std::string name;
  int64_t chips = 0, meshX = 0, meshY = 0;
  int64_t chipMeshX = 0, chipMeshY = 0; // the chips' arrangement
  int64_t neuronsPerCore = 0, synapseBytesPerCore = 0;
  unsigned stateBits = 0, messageBits = 0, weightBits = 0;
  int exponentMin = 0, exponentMax = 0;
  int64_t maxDelay = 0; // 0 when the attribute has no `max_delay`
  int64_t dramBytes = 0; // DRAM per chip for synapse tables; 0: none
  ssm::rt::hw::Arithmetic arithmetic = ssm::rt::hw::Arithmetic::Fixed;
  /// Bits a weight takes in memory (rt::hw::storedWeightBits): what table
  /// sizes are computed from.
  unsigned storedWeightBits() const {
    return ssm::rt::hw::storedWeightBits(arithmetic, weightBits);
  }
};

/// Reads the limits from a `hardware` attribute; a missing or mistyped key
/// is reported through `emitError` and fails.
mlir::FailureOr<HardwareLimits>
readHardwareLimits(mlir::DictionaryAttr hardware,
                   llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// `hardware` with `chips` chips in a row (chip_mesh [chips, 1]): the
/// loihi2 target's --chips. Fails with the reason when that many cores is
/// more than supported.
llvm::Expected<mlir::DictionaryAttr> withChips(mlir::DictionaryAttr hardware,
                                               int64_t chips);

/// `hardware` for networks computing in `arithmetic` ("fixed" or "fp32",
/// rt::hw::kArithmetics; "": the description's own): the description
/// itself, without its variants, when it is of that arithmetic, else its
/// variant (the `fp32` section a description may give: the keys that
/// differ, e.g. SpiNNaker 2's synop cost on the Arm core). Fails naming the
/// chip when it has no such variant.
llvm::Expected<mlir::DictionaryAttr>
withArithmetic(mlir::DictionaryAttr hardware, llvm::StringRef arithmetic);

/// Parses the JSON text of a hardware description. Errors name
/// `sourceName`, the line and column of a syntax error, or the key that is
/// missing, mistyped, out of range or unknown.
llvm::Expected<mlir::DictionaryAttr>
parseHardwareDescription(mlir::MLIRContext *context, llvm::StringRef json,
                         llvm::StringRef sourceName);

/// Reads and parses the file at `path`; an empty path gives the built-in
/// description of chip `builtin` (hardware/loihi2.json or spinnaker2.json
/// as shipped).
llvm::Expected<mlir::DictionaryAttr>
loadHardwareDescription(mlir::MLIRContext *context, llvm::StringRef path,
                        llvm::StringRef builtin = "loihi2");

/// A hardware description and its limits.
struct ResolvedHardware {
  mlir::DictionaryAttr description;
  HardwareLimits limits;
};

/// The hardware a pass targets: `given` when set (the driver loaded the
/// description once for the whole pipeline), else the file at `path` (""
/// = built in; ssmc-opt's `hw=` options). Errors are emitted on `anchor`.
mlir::FailureOr<ResolvedHardware> resolveHardware(mlir::Operation *anchor,
                                                  mlir::DictionaryAttr given,
                                                  llvm::StringRef path);

/// The text of the built-in description of chip `target` (one of
/// rt::hw::kChipTargets): hardware/TARGET.json as shipped.
llvm::StringRef builtinHardwareJSON(llvm::StringRef target);

} // namespace ssm::nc

#endif // SSM_DIALECT_NC_HARDWARE_H

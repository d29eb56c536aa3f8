//===- HardwareFuzzer.cpp - fuzz target for hardware descriptions ---------===//
//
// libFuzzer entry point: the input is the JSON text of a hardware
// description (`--hw`), parsed as the tools parse it and, when it parses,
// read into the limits every pass and the runtime use. An error is the
// expected answer to bad input; crashes, hangs, leaks and sanitizer reports
// are findings.
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/NC/Hardware.h"
#include "ssm/Dialect/NC/NCOps.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context per input: attributes are uniqued for a context's lifetime.
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  llvm::Expected<mlir::DictionaryAttr> hw = ssm::nc::parseHardwareDescription(
      &context,
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.json");
  if (!hw) {
    llvm::consumeError(hw.takeError());
    return 0;
  }
  (void)ssm::nc::readHardwareLimits(
      *hw, [&] { return mlir::emitError(mlir::UnknownLoc::get(&context)); });
  return 0;
}

//===- FrontendFuzzer.cpp - fuzz target for the whole DSL frontend --------===//
//
// libFuzzer entry point: parse arbitrary bytes as a model and, when they
// parse, run semantic analysis and IR generation (MLIRGen) and verify the
// result. Diagnostics are discarded; crashes, hangs, leaks and sanitizer
// reports are the findings. Weights files named by inputs are opened only
// when they are regular files (WeightFile), so a fuzz input cannot block on
// a device.
//
//===----------------------------------------------------------------------===//

#include "ssm/Frontend/MLIRGen.h"
#include "ssm/Frontend/Parser.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.ssm"),
      llvm::SMLoc());
  ssm::dsl::Parser parser(sourceMgr, llvm::nulls());
  std::unique_ptr<ssm::dsl::ModelAST> model = parser.parseModel();
  if (!model)
    return 0;
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, llvm::nulls());
  ssm::dsl::MLIRGenOptions options;
  options.baseDir = "/nonexistent-ssmc-fuzz";
  (void)ssm::dsl::mlirGen(context, *model, sourceMgr, options);
  return 0;
}

//===- WeightsFuzzer.cpp - fuzz target for HDF5 weight files --------------===//
//
// libFuzzer entry point: the input is the weights file (`weights "w.h5"`)
// of a fixed model with a dense, an S4D and an EGRU layer, compiled by the
// frontend as ssmc compiles it (the weights are read by WeightFile through
// the HDF5 C library, checked against each layer's shapes, and bound).
// Diagnostics are discarded; crashes, hangs, leaks and sanitizer reports
// are findings. The seed corpus is made by test/fuzz/make_seeds.py.
// WeightFile reads the file in a child process (WeightFile.cpp), so what
// libhdf5 does wrong on a corrupt file (crashes, leaks, huge mallocs) stays
// there; the target checks that ssmc turns it into an error.
//
//===----------------------------------------------------------------------===//

#include "FuzzFiles.h"

#include "ssm/Frontend/MLIRGen.h"
#include "ssm/Frontend/Parser.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>

using namespace ssm;

namespace {
/// The model whose weights are fuzzed: every kind of parameter the weights
/// reader binds (dense W and bias, S4D's six, EGRU's W, R, bias, theta).
constexpr const char *kModel = R"(model w {
  weights "w.h5"
  input u : 2
  enc = dense(u, 3)
  s = s4d(enc, state=4)
  e = egru(s, hidden=2)
  output e
}
)";
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::writeFile("w.h5",
                  std::string_view(reinterpret_cast<const char *>(data), size));
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(kModel, "w.ssm"), llvm::SMLoc());
  dsl::Parser parser(sourceMgr, llvm::nulls());
  std::unique_ptr<dsl::ModelAST> model = parser.parseModel();
  if (!model)
    __builtin_trap(); // the fixed model always parses
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, llvm::nulls());
  dsl::MLIRGenOptions options;
  options.baseDir = fuzz::tempDir();
  (void)dsl::mlirGen(context, *model, sourceMgr, options);
  return 0;
}

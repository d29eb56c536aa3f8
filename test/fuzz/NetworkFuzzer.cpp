//===- NetworkFuzzer.cpp - fuzz target for compiled nc networks -----------===//
//
// libFuzzer entry point: the input is a compiled network as MLIR text (what
// `ssmc --target=loihi2 -o net.mlir` writes and `ssmc-run net.mlir` reads).
// It goes the way ssmc-run takes it: the text checks of guardMLIRText,
// MLIR's parser and the verifiers, the translation to the event runtime
// (buildNeurocoreNetwork) and, for networks small enough to run quickly,
// three tokens through a Session. Diagnostics are discarded; crashes,
// hangs, leaks and sanitizer reports (UBSan included: shifts by fuzzed
// exponents and fractional bits) are findings.
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/NC/NCOps.h"
#include "ssm/Frontend/Load.h"
#include "ssm/Runtime/Neurocore.h"
#include "ssm/Translation/FromNC.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace ssm;

namespace {
/// Networks with more neurons than this are built but not run, so that one
/// input takes milliseconds.
constexpr int64_t kMaxRunNeurons = 1 << 14;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::unique_ptr<llvm::MemoryBuffer> buffer = dsl::guardMLIRText(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.mlir"),
      llvm::nulls());
  if (!buffer)
    return 0;
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  context.loadDialect<nc::NCDialect>();
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;
  for (nc::NetworkOp op : module->getOps<nc::NetworkOp>()) {
    mlir::FailureOr<rt::neuro::Network> network = buildNeurocoreNetwork(op);
    if (mlir::failed(network))
      continue;
    int64_t neurons = 0;
    for (const rt::neuro::NeuronGroup &group : network->groups)
      neurons += group.size;
    if (neurons > kMaxRunNeurons)
      continue;
    rt::neuro::Session session(*network);
    const std::vector<float> token(network->inputChannels(), 0.5f);
    for (int t = 0; t < 3; ++t)
      session.feed(token.data());
    (void)session.finish();
  }
  return 0;
}

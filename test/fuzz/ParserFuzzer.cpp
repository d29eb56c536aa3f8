//===- ParserFuzzer.cpp - fuzz target for the model DSL parser ------------===//
//
// libFuzzer entry point: lex and parse arbitrary bytes as a model file, and
// dump the AST when it parses. Built with -fsanitize=fuzzer when the
// compiler is clang (SSMC_ENABLE_FUZZER); otherwise linked with a replay
// driver that runs the given files once each (the seed corpus in lit).
//
//===----------------------------------------------------------------------===//

#include "ssm/Frontend/AST.h"
#include "ssm/Frontend/Parser.h"

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
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  ssm::dsl::Parser parser(sourceMgr, os);
  if (std::unique_ptr<ssm::dsl::ModelAST> model = parser.parseModel())
    ssm::dsl::dump(*model, sourceMgr, llvm::nulls());
  return 0;
}

//===- Load.cpp - read a model from a .ssm or .mlir file ------------------===//

#include "ssm/Frontend/Load.h"
#include "ssm/Dialect/Conv/ConvOps.h"
#include "ssm/Dialect/NC/NCOps.h"
#include "ssm/Dialect/SSM/SSMDialect.h"
#include "ssm/Frontend/Parser.h"
#include "ssm/Runtime/InputFile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;

std::string ssm::dsl::modelBaseDir(llvm::StringRef path) {
  llvm::SmallString<256> dir(path == "-" ? llvm::StringRef(".") : path);
  llvm::sys::path::remove_filename(dir);
  return dir.empty() ? "." : std::string(dir);
}

bool ssm::dsl::addSourceFile(llvm::StringRef path,
                             llvm::SourceMgr &sourceMgr) {
  if (path != "-") {
    uint64_t size = 0;
    const std::string problem =
        ssm::inputFileProblem(path.str(), ssm::kMaxSourceBytes, size);
    if (!problem.empty()) {
      llvm::WithColor::error(llvm::errs())
          << "model file '" << path << "' " << problem << "\n";
      return false;
    }
  }
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(path, &error);
  if (!buffer) {
    llvm::WithColor::error(llvm::errs()) << error << "\n";
    return false;
  }
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  return true;
}

OwningOpRef<ModuleOp> ssm::dsl::loadModelFile(llvm::StringRef path,
                                              MLIRContext &context,
                                              const LoadOptions &options) {
  context.loadDialect<SSMDialect, conv::ConvDialect, nc::NCDialect>();
  llvm::SourceMgr sourceMgr;
  if (!addSourceFile(path, sourceMgr))
    return nullptr;
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);

  if (path.ends_with(".mlir")) {
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module || failed(verify(*module)))
      return nullptr;
    return module;
  }
  Parser parser(sourceMgr, llvm::errs());
  std::unique_ptr<ModelAST> model = parser.parseModel();
  if (!model)
    return nullptr;
  MLIRGenOptions genOptions;
  genOptions.baseDir = modelBaseDir(path);
  genOptions.strictWeights = options.strictWeights;
  genOptions.initMissing = options.initMissing;
  return mlirGen(context, *model, sourceMgr, genOptions);
}

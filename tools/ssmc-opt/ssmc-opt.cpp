//===- ssmc-opt.cpp - the ssmc optimizer driver ---------------------------===//
//
// An mlir-opt style driver that knows only the dialects and passes ssmc
// uses: parse a file, run a pass pipeline, print the result. The input is
// read by the frontend's readSourceFile, as ssmc and ssmc-run read .mlir
// files, so that it gets the same checks before MLIR's parser sees it.
//
//===----------------------------------------------------------------------===//

#include "ssm/Conversion/Passes.h"
#include "ssm/Driver/Target.h"
#include "ssm/Driver/Version.h"
#include "ssm/Frontend/Load.h"
#include "ssm/InitAllDialects.h"
#include "ssm/NC/Passes.h"
#include "ssm/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  ssm::registerAllDialects(registry);

  ssm::registerSSMPasses();
  ssm::registerSSMConversionPasses();
  ssm::nc::registerNCPasses();
  ssm::driver::registerTargetPipelines();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();

  ssm::driver::setVersionPrinter("ssmc-opt");
  auto [inputPath, outputPath] = mlir::registerAndParseCLIOptions(
      argc, argv, "ssmc optimizer driver: ssm and nc dialects and passes\n",
      registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputPath, outputPath, registry));
  std::unique_ptr<llvm::MemoryBuffer> input =
      ssm::dsl::readSourceFile(inputPath, /*isMLIR=*/true);
  if (!input)
    return 1;
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputPath, &error);
  if (!output) {
    llvm::WithColor::error(llvm::errs()) << error << "\n";
    return 1;
  }
  if (mlir::failed(
          mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}

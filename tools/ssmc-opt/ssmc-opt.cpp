//===- ssmc-opt.cpp - the ssmc optimizer driver ---------------------------===//
//
// An mlir-opt style driver that knows only the dialects and passes ssmc
// uses: parse a file, run a pass pipeline, print the result.
//
//===----------------------------------------------------------------------===//

#include "ssm/Conversion/Passes.h"
#include "ssm/Conversion/Pipelines.h"
#include "ssm/Dialect/Conv/ConvOps.h"
#include "ssm/Dialect/NC/NCOps.h"
#include "ssm/Dialect/SSM/SSMDialect.h"
#include "ssm/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<ssm::SSMDialect, ssm::conv::ConvDialect, ssm::nc::NCDialect>();

  ssm::registerSSMPasses();
  ssm::registerSSMConversionPasses();
  ssm::registerSSMPipelines();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "ssmc optimizer driver: ssm and nc dialects and passes\n",
      registry));
}

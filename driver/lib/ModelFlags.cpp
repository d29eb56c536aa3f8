//===- ModelFlags.cpp - flags every tool that loads a model shares --------===//

#include "ssm/Driver/ModelFlags.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/PrettyStackTrace.h"

#include <string>

namespace cl = llvm::cl;

cl::OptionCategory &ssm::driver::modelCategory() {
  static cl::OptionCategory category("model options");
  return category;
}

namespace {
cl::opt<bool> initMissing(
    "init-missing",
    cl::desc("Initialize layers that have no group in the weights file from "
             "the seed (a warning) instead of failing"),
    cl::cat(ssm::driver::modelCategory()));
cl::opt<bool> strictWeights(
    "strict-weights",
    cl::desc("Make the weight-binding warnings (a dataset no layer uses, a "
             "layer initialized under --init-missing) errors"),
    cl::cat(ssm::driver::modelCategory()));
cl::opt<double> nirDt(
    "nir-dt",
    cl::desc("Discretization step of a NIR graph (.nir) in seconds: its time "
             "constants become decays dt/tau (docs/nir.md); default: the "
             "graph's metadata dt, which ssmc's exporter writes"),
    cl::value_desc("seconds"), cl::cat(ssm::driver::modelCategory()));
} // namespace

ssm::dsl::LoadOptions ssm::driver::loadOptionsFromFlags() {
  dsl::LoadOptions options;
  if (nirDt.getNumOccurrences())
    options.nirDt = nirDt;
  options.initMissing = initMissing;
  options.strictWeights = strictWeights;
  return options;
}

void ssm::driver::setUpTool(llvm::StringRef name, mlir::MLIRContext &context) {
  static std::string message;
  message = (name + " crashed: this is a bug in ssmc. Please report it with "
                    "the command line and input files below.\n")
                .str();
  llvm::setBugReportMsg(message.c_str());
  context.printOpOnDiagnostic(false);
}

//===- ssmc.cpp - the ssmc compiler driver --------------------------------===//
//
// ssmc MODEL.ssm [--emit=ast|ssm|conv|nc|calibration] [--target=conv|loihi2]
//      [-o OUT]
//
// Reads a model written in the DSL (docs/dsl.md), checks it, binds its
// weights, and prints a stage of the pipeline. Every error is printed as
// file:line:col with the source line and a caret; the exit code is non-zero
// when anything was wrong.
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/SSM/SSMDialect.h"
#include "ssm/Frontend/AST.h"
#include "ssm/Frontend/LayerSpecs.h"
#include "ssm/Conversion/Pipelines.h"
#include "ssm/Frontend/Load.h"
#include "ssm/Frontend/Parser.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "ssm/Tools/Loihi2Compile.h"
#include "ssm/Tools/Loihi2Flags.h"
#include "ssm/Tools/ModelFlags.h"
#include "ssm/Translation/FromNC.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;

namespace {
enum class Emit { AST, SSM, Conv, NC, Calibration };
enum class Target { None, Conv, Loihi2 };

cl::OptionCategory category("ssmc options");

/// Threads that calibration runs on (its results do not depend on them).
constexpr int kCalibrationThreads = 2;

cl::opt<std::string> inputFilename(cl::Positional, cl::desc("<model.ssm>"),
                                   cl::init("-"), cl::cat(category));
cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                    cl::value_desc("filename"), cl::init("-"),
                                    cl::cat(category));
cl::opt<Emit> emit(
    "emit", cl::desc("Stage of the pipeline to print"), cl::init(Emit::SSM),
    cl::values(clEnumValN(Emit::AST, "ast", "the parsed DSL as a tree"),
               clEnumValN(Emit::SSM, "ssm", "the model in the ssm dialect"),
               clEnumValN(Emit::Conv, "conv",
                          "the conv form: S4D as kernel generation plus "
                          "causal convolution"),
               clEnumValN(Emit::NC, "nc",
                          "the placed neurocore graph of the loihi2 target "
                          "(after PTQ)"),
               clEnumValN(Emit::Calibration, "calibration",
                          "the loihi2 target's PTQ calibration ranges (JSON, "
                          "for --calibration-ranges)")),
    cl::cat(category));
cl::opt<Target> target(
    "target",
    cl::desc("Target whose form to emit (the default --emit of a target: "
             "conv -> conv, loihi2 -> nc)"),
    cl::init(Target::None),
    cl::values(clEnumValN(Target::Conv, "conv", "convolution kernels"),
               clEnumValN(Target::Loihi2, "loihi2", "Loihi 2 neurocores")),
    cl::cat(category));
cl::opt<bool> report(
    "report",
    cl::desc("With --emit=nc: print the quantization table and the per-core "
             "table (neurons, synapse bytes, utilization) to stdout"),
    cl::cat(category));
cl::opt<bool> listLayers("list-layers",
                         cl::desc("Print the DSL's layer kinds and their "
                                  "parameters, then exit"),
                         cl::cat(category));

/// Whether -o names a compiled network file (HDF5) rather than MLIR text.
bool isNetworkFilePath(llvm::StringRef path) {
  return path.ends_with(".h5") || path.ends_with(".hdf5");
}

void printLayers(llvm::raw_ostream &os) {
  auto printParam = [&](const ssm::dsl::ParamSpec &p) {
    os << "    " << p.name;
    if (!p.choices.empty())
      os << " = " << p.choices;
    os << (p.defaultValue.empty() ? " (required)"
                                  : " (default " + p.defaultValue.str() + ")")
       << ": " << p.help << "\n";
  };
  for (const ssm::dsl::LayerSpec &spec : ssm::dsl::getLayerSpecs()) {
    os << spec.kind << " (" << spec.numInputs << " input"
       << (spec.numInputs == 1 ? "" : "s") << "): " << spec.summary << "\n";
    for (const ssm::dsl::ParamSpec &p : spec.params)
      printParam(p);
  }
  os << "every layer also accepts:\n";
  for (const ssm::dsl::ParamSpec &p : ssm::dsl::getConnectionParams())
    printParam(p);
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions(); // --mlir-timing, IR printing
  mlir::registerDefaultTimingManagerCLOptions();
  cl::HideUnrelatedOptions({&category, &ssm::tools::loihi2Category(),
                            &ssm::tools::modelCategory(),
                            &cl::getGeneralCategory()});
  // (MLIR's pass-manager and timing flags stay usable, listed under
  // --help-hidden.)
  cl::ParseCommandLineOptions(argc, argv,
                              "ssmc: compile S4D / EGRU models written in the "
                              "ssmc DSL\n");
  if (listLayers) {
    printLayers(llvm::outs());
    return 0;
  }
  // A target picks its form unless --emit names one.
  if (emit.getNumOccurrences() == 0 && target == Target::Conv)
    emit = Emit::Conv;
  if (emit.getNumOccurrences() == 0 && target == Target::Loihi2)
    emit = Emit::NC;
  const bool isLoihi2Form = emit == Emit::NC || emit == Emit::Calibration;
  if ((target == Target::Conv && isLoihi2Form) ||
      (target == Target::Loihi2 && emit == Emit::Conv)) {
    llvm::WithColor::error(llvm::errs(), "ssmc")
        << "--emit="
        << (emit == Emit::Conv ? "conv"
            : emit == Emit::NC ? "nc"
                               : "calibration")
        << " is a form of the other target\n";
    return 1;
  }

  if (std::string flag = ssm::tools::givenLoihi2Flag();
      !flag.empty() && !isLoihi2Form) {
    llvm::WithColor::error(llvm::errs(), "ssmc")
        << flag << " applies only to --target=loihi2\n";
    return 1;
  }
  if (llvm::Error error = ssm::tools::checkLoihi2Flags()) {
    llvm::WithColor::error(llvm::errs(), "ssmc")
        << llvm::toString(std::move(error)) << "\n";
    return 1;
  }

  if (isNetworkFilePath(outputFilename) && emit != Emit::NC) {
    llvm::WithColor::error(llvm::errs(), "ssmc")
        << "-o " << outputFilename
        << " names a compiled network file (HDF5), which only "
           "--target=loihi2 (--emit=nc) writes\n";
    return 1;
  }

  std::string errorMessage;
  auto output = mlir::openOutputFile(outputFilename, &errorMessage);
  if (!output) {
    llvm::WithColor::error(llvm::errs(), "ssmc") << errorMessage << "\n";
    return 1;
  }

  if (emit == Emit::AST) {
    llvm::SourceMgr sourceMgr;
    if (!ssm::dsl::addSourceFile(inputFilename, sourceMgr))
      return 1;
    ssm::dsl::Parser parser(sourceMgr, llvm::errs());
    std::unique_ptr<ssm::dsl::ModelAST> model = parser.parseModel();
    if (!model)
      return 1;
    ssm::dsl::dump(*model, sourceMgr, output->os());
    output->keep();
    return 0;
  }

  mlir::MLIRContext context;
  ssm::tools::setUpTool("ssmc", context);
  mlir::OwningOpRef<mlir::ModuleOp> module = ssm::dsl::loadModelFile(
      inputFilename, context, ssm::tools::loadOptionsFromFlags());
  if (!module)
    return 1;
  // Pass diagnostics as file:line:col with the source line.
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  mlir::DefaultTimingManager timing; // --mlir-timing
  mlir::applyDefaultTimingManagerCLOptions(timing);
  mlir::TimingScope rootTiming = timing.getRootScope();
  auto configure = [&](mlir::PassManager &pm) -> mlir::LogicalResult {
    pm.enableTiming(rootTiming);
    return mlir::applyPassManagerCLOptions(pm);
  };
  const ssm::tools::Instrumentation instrumentation{configure, &rootTiming};
  ssm::Loihi2PipelineOptions options = ssm::tools::loihi2OptionsFromFlags();
  if (report)
    options.quantizationReport = options.coreReport = "-";
  ssm::tools::CalibrationRequest request =
      ssm::tools::calibrationRequestFromFlags();
  // The ranges file carries the SQNR for the quantization report.
  request.measureSqnr = emit == Emit::Calibration;
  if (emit == Emit::Calibration) {
    if (!options.calibrationRanges.empty()) {
      llvm::WithColor::error(llvm::errs(), "ssmc")
          << "--emit=calibration measures the ranges that "
             "--calibration-ranges gives: use one\n";
      return 1;
    }
    mlir::FailureOr<ssm::CalibrationRanges> ranges =
        ssm::tools::calibrateForLoihi2(*module, options, request,
                                       kCalibrationThreads, instrumentation);
    if (failed(ranges))
      return 1;
    output->os() << llvm::formatv("{0:2}", ssm::toJSON(*ranges)) << "\n";
    output->keep();
    return 0;
  }
  if (emit == Emit::Conv) {
    mlir::PassManager pm(&context);
    if (failed(configure(pm)))
      return 1;
    ssm::buildConvPipeline(pm);
    if (failed(pm.run(*module)))
      return 1;
  } else if (emit == Emit::NC && failed(ssm::tools::compileForLoihi2(
                                     *module, options, request,
                                     kCalibrationThreads, instrumentation))) {
    return 1;
  }
  if (emit == Emit::NC && isNetworkFilePath(outputFilename)) {
    // The compiled network as the runtime's HDF5 file.
    output.reset();
    mlir::FailureOr<ssm::nc::NetworkOp> op = ssm::getSingleNetwork(*module);
    if (failed(op) || failed(ssm::writeNetworkFile(*op, outputFilename)))
      return 1;
    return 0;
  }
  module->print(output->os());
  output->keep();
  return 0;
}

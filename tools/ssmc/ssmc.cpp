//===- ssmc.cpp - the ssmc compiler driver --------------------------------===//
//
// ssmc MODEL.ssm|MODEL.nir [--emit=ast|ssm|nir|FORM] [--target=NAME] [-o OUT]
//
// Reads a model written in the DSL (docs/dsl.md) or a NIR graph
// (docs/nir.md), checks it, binds its weights, and prints a stage of the
// pipeline: the AST, the ssm IR, the model as a NIR graph, or a form of a
// target (ssm/Driver/Target.h: conv; loihi2's nc and
// calibration). Every error is printed as
// file:line:col with the source line and a caret; the exit code is non-zero
// when anything was wrong.
//
//===----------------------------------------------------------------------===//

#include "ssm/Driver/ModelFlags.h"
#include "ssm/Driver/Target.h"
#include "ssm/Driver/Version.h"
#include "ssm/Frontend/AST.h"
#include "ssm/Frontend/LayerSpecs.h"
#include "ssm/Frontend/Load.h"
#include "ssm/Frontend/NIR.h"
#include "ssm/Frontend/Parser.h"
#include "ssm/Translation/FromSSM.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;
namespace driver = ssm::driver;

namespace {
cl::OptionCategory category("ssmc options");

/// Threads that calibration runs on (its results do not depend on them).
constexpr int kCalibrationThreads = 2;

cl::opt<std::string> inputFilename(cl::Positional,
                                   cl::desc("<model.ssm|model.mlir|model.nir>"),
                                   cl::init("-"), cl::cat(category));
cl::opt<std::string> outputFilename("o", cl::desc("Output file"),
                                    cl::value_desc("filename"), cl::init("-"),
                                    cl::cat(category));
/// The forms of every target (Target::forms), for --help.
/// (cl::desc keeps a reference: the text lives as long as the program.)
const std::string &emitHelp() {
  static const std::string text = [] {
    std::string help = "Stage of the pipeline to print: ast (the parsed DSL as "
                       "a tree), ssm (the model in the ssm dialect), nir (the "
                       "model as a NIR graph, HDF5, to -o FILE.nir)";
    // (Each once: the chips share theirs; --target picks whose.)
    for (const driver::Target *target : driver::targets())
      for (const driver::Form &form : target->forms())
        if (driver::findTargetOfForm(form.name) == target)
          help += ", " + form.name.str() + " (" + form.help.str() + ")";
    return help;
  }();
  return text;
}
cl::opt<std::string> emit("emit", cl::desc(emitHelp()), cl::init("ssm"),
                          cl::value_desc("form"), cl::cat(category));
/// (cl::desc keeps a reference: the text lives as long as the program.)
const std::string &targetHelp() {
  static const std::string text = [] {
    std::string help = "Target whose form to emit, its default form unless "
                       "--emit names one:";
    for (const driver::Target *target : driver::targets())
      if (!target->forms().empty())
        help += " " + target->name().str() + " (" + target->summary().str() +
                ") -> " + target->forms().front().name.str() + ";";
    return help;
  }();
  return text;
}
cl::opt<std::string> targetName("target", cl::desc(targetHelp()),
                                cl::value_desc("name"), cl::cat(category));
cl::opt<bool>
    report("report",
           cl::desc("Print the target's compile report to stdout (loihi2, spinnaker2: the "
                    "quantization table and the per-core table)"),
           cl::cat(category));
cl::opt<bool> listLayers("list-layers",
                         cl::desc("Print the DSL's layer kinds and their "
                                  "parameters, then exit"),
                         cl::cat(category));

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

int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "ssmc") << message << "\n";
  return 1;
}

/// --emit=nir: the model as a NIR graph, with the step of --nir-dt, else
/// the one it was imported with, else NIR.h's default.
int emitNIR() {
  mlir::MLIRContext context;
  ssm::driver::setUpTool("ssmc", context);
  const ssm::dsl::LoadOptions load = ssm::driver::loadOptionsFromFlags();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      ssm::dsl::loadModelFile(inputFilename, context, load);
  if (!module)
    return 1;
  mlir::FailureOr<ssm::ModelOp> op = ssm::getSingleModel(*module);
  if (mlir::failed(op))
    return 1;
  double dt = ssm::dsl::kDefaultExportDt;
  if (load.nirDt)
    dt = *load.nirDt;
  else if (auto imported = (*op)->getAttrOfType<mlir::FloatAttr>("ssm.nir_dt"))
    dt = imported.getValueAsDouble();
  mlir::FailureOr<ssm::rt::Model> model = ssm::buildRuntimeModel(*op);
  if (mlir::failed(model))
    return 1;
  if (llvm::Error error = ssm::dsl::exportNIR(*model, outputFilename, dt))
    return fail(llvm::toString(std::move(error)));
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions(); // --mlir-timing, IR printing
  mlir::registerDefaultTimingManagerCLOptions();
  std::vector<const cl::OptionCategory *> shown =
      driver::targetFlagCategories(/*running=*/false);
  shown.insert(shown.begin(), {&category, &ssm::driver::modelCategory(),
                               &cl::getGeneralCategory()});
  cl::HideUnrelatedOptions(shown);
  driver::setVersionPrinter("ssmc");
  // (MLIR's pass-manager and timing flags stay usable, listed under
  // --help-hidden.)
  cl::ParseCommandLineOptions(argc, argv,
                              "ssmc: compile S4D / EGRU models written in the "
                              "ssmc DSL\n");
  if (listLayers) {
    printLayers(llvm::outs());
    return 0;
  }
  // The target: named, or the one whose form --emit names.
  const driver::Target *target = nullptr;
  if (targetName.getNumOccurrences()) {
    target = driver::findTarget(targetName);
    if (!target)
      return fail("--target=" + targetName + " is not a target; ssmc has " +
                  driver::targetNames());
    if (target->forms().empty())
      return fail("--target=" + targetName +
                  " runs the ssm IR as it is and has no form to emit; run it "
                  "with ssmc-run");
    if (emit.getNumOccurrences() == 0)
      emit = target->forms().front().name.str();
  }
  const bool isTargetForm = emit != "ast" && emit != "ssm" && emit != "nir";
  if (isTargetForm) {
    const driver::Target *owner = driver::findTargetOfForm(emit);
    if (!owner)
      return fail("--emit=" + emit + " is not a form ssmc prints; see --help");
    // Chips share their forms: --target picks one, else the first.
    if (target && llvm::none_of(target->forms(), [&](const driver::Form &f) {
          return f.name == emit;
        }))
      return fail("--emit=" + emit + " is a form of --target=" + owner->name() +
                  ", not of --target=" + target->name());
    if (!target)
      target = owner;
  }
  if (llvm::Error error =
          driver::checkTargetFlags(isTargetForm ? target : nullptr,
                                   /*running=*/false))
    return fail(llvm::toString(std::move(error)));
  // The target checks its own flags' values.
  std::unique_ptr<driver::TargetOptions> options;
  if (isTargetForm) {
    llvm::Expected<std::unique_ptr<driver::TargetOptions>> parsed =
        target->optionsFromFlags();
    if (!parsed)
      return fail(llvm::toString(parsed.takeError()));
    options = std::move(*parsed);
  }
  if (report && !(isTargetForm && target->hasCompileReport()))
    return fail("--report applies only to a target with a compile report "
                "(--target=loihi2 or spinnaker2)");
  // A compiled file (loihi2's .h5) is written only as its target's default
  // form.
  // (The chips share the file format, so only the chosen target is asked
  // when it writes one.)
  for (const driver::Target *t : driver::targets())
    if (t->isCompiledFilePath(outputFilename) &&
        !(target && target->isCompiledFilePath(outputFilename) &&
          emit == target->forms().front().name))
      return fail(
          "-o " + outputFilename +
          " names a compiled network file, which only --target=" + t->name() +
          " (--emit=" + t->forms().front().name + ") writes");

  if (emit == "nir" && !ssm::dsl::isNIRPath(outputFilename))
    return fail("--emit=nir writes an HDF5 file: give it as -o FILE.nir");
  if (emit == "nir")
    return emitNIR();

  std::string errorMessage;
  auto output = mlir::openOutputFile(outputFilename, &errorMessage);
  if (!output)
    return fail(errorMessage);

  if (emit == "ast") {
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
  ssm::driver::setUpTool("ssmc", context);
  mlir::OwningOpRef<mlir::ModuleOp> module = ssm::dsl::loadModelFile(
      inputFilename, context, ssm::driver::loadOptionsFromFlags());
  if (!module)
    return 1;
  if (!isTargetForm) {
    module->print(output->os());
    output->keep();
    return 0;
  }
  // Pass diagnostics as file:line:col with the source line.
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  mlir::DefaultTimingManager timing; // --mlir-timing
  mlir::applyDefaultTimingManagerCLOptions(timing);
  mlir::TimingScope rootTiming = timing.getRootScope();
  driver::CompileContext compile;
  compile.instrumentation.configure =
      [&](mlir::PassManager &pm) -> mlir::LogicalResult {
    pm.enableTiming(rootTiming);
    return mlir::applyPassManagerCLOptions(pm);
  };
  compile.instrumentation.timing = &rootTiming;
  compile.threads = kCalibrationThreads;
  compile.report = report;
  // A compiled file is written by the target (HDF5), not as text.
  const bool compiledFile = target->isCompiledFilePath(outputFilename);
  if (compiledFile)
    output.reset();
  if (failed(target->emit(*module, emit,
                          compiledFile ? llvm::nulls() : output->os(),
                          outputFilename, *options, compile)))
    return 1;
  if (output)
    output->keep();
  return 0;
}

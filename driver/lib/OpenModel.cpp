//===- OpenModel.cpp - a model made ready to run on a target --------------===//

#include "ssm/Driver/OpenModel.h"

#include "ssm/Translation/FromSSM.h"

#include "llvm/Support/WithColor.h"

#include <chrono>
#include <exception>

using namespace ssm;
using namespace ssm::driver;

mlir::FailureOr<OpenedModel>
ssm::driver::openModel(const ModelSource &source, const Target *target,
                       const TargetOptions &options,
                       llvm::StringRef compileOption,
                       const dsl::LoadOptions &load, int threads,
                       mlir::MLIRContext &context, llvm::StringRef tool,
                       llvm::raw_ostream &errors, bool keepFloatModel) {
  auto fail = [&](const llvm::Twine &message) {
    llvm::WithColor::error(errors, tool) << message << "\n";
    return mlir::failure();
  };
  OpenedModel opened;
  // A compiled file (loihi2: ssmc --target=loihi2 -o FILE.h5) is loaded by
  // the runtime alone, without MLIR; a compiled module runs as it is; a
  // model goes through the target's pipeline (which rewrites it in place).
  const Target *compiledFor = nullptr;
  if (!source.text)
    for (const Target *t : targets())
      if (t->isCompiledFile(source.path))
        compiledFor = t;
  if (!compiledFor) {
    opened.module =
        source.text ? dsl::loadModelText(*source.text, source.path, context,
                                         load, errors)
                    : dsl::loadModelFile(source.path, context, load, errors);
    if (!opened.module)
      return mlir::failure();
    for (const Target *t : targets())
      if (t->isCompiled(*opened.module))
        compiledFor = t;
  }
  if (!target && !compiledFor)
    return fail("'" + source.path +
                "' is a model, not a compiled network: name the target to "
                "compile it for (" +
                targetNames() + ")");
  if (!target)
    target = compiledFor;
  opened.target = target;
  if (compiledFor && compiledFor != target)
    return fail("'" + source.path + "' is a compiled network; only target " +
                compiledFor->name() + " runs it");
  if (compiledFor && !compileOption.empty())
    return fail(compileOption + " applies when compiling a model; '" +
                source.path + "' is a compiled network");
  try {
    if (compiledFor && !opened.module) {
      opened.executable = target->loadFile(source.path, options);
      return opened;
    }
    if (!compiledFor) {
      mlir::FailureOr<ModelOp> model = getSingleModel(*opened.module);
      if (failed(model))
        return mlir::failure();
      // The executors give one output per sample (the reference and conv
      // read a model's first output, loihi2 would concatenate them): a
      // model of several is refused rather than run differently.
      auto output = llvm::cast<OutputOp>(model->getBody().front().getTerminator());
      if (output.getOutputs().size() != 1)
        return output.emitError()
               << "model '" << model->getSymName() << "' has "
               << output.getOutputs().size()
               << " outputs; ssmc runs models of one output (concatenate "
                  "them into one layer, or run a model per output)";
      // Counted before lowering: the conv form replaces S4D's parameters
      // by derived ones.
      opened.parameters = countParameters(*model);
      if (keepFloatModel) {
        mlir::FailureOr<rt::Model> built = buildRuntimeModel(*model);
        if (failed(built))
          return mlir::failure();
        opened.floatModel = std::move(*built);
      }
      const auto start = std::chrono::steady_clock::now();
      CompileContext compile;
      compile.threads = threads;
      if (failed(target->compile(*opened.module, options, compile)))
        return mlir::failure();
      opened.compileSeconds = std::chrono::duration<double>(
                                  std::chrono::steady_clock::now() - start)
                                  .count();
    }
    mlir::FailureOr<std::unique_ptr<Executable>> executable =
        target->load(*opened.module, options);
    if (failed(executable))
      return mlir::failure();
    opened.executable = std::move(*executable);
  } catch (const std::exception &e) {
    return fail(e.what());
  }
  return opened;
}

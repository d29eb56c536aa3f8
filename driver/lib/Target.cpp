//===- Target.cpp - the registry of targets -------------------------------===//

#include "ssm/Driver/Target.h"

#include "TargetSupport.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>

namespace cl = llvm::cl;
using namespace ssm;
using namespace ssm::driver;

mlir::LogicalResult Target::emit(mlir::ModuleOp module, llvm::StringRef form,
                                 llvm::raw_ostream &os,
                                 llvm::StringRef outputPath,
                                 const CompileContext &context) const {
  return module.emitError()
         << "target " << name() << " has no form '" << form << "' to emit";
}

std::unique_ptr<Executable> Target::loadFile(llvm::StringRef path) const {
  throw std::runtime_error("target " + name().str() +
                           " has no compiled file format ('" + path.str() +
                           "')");
}

mlir::LogicalResult ssm::driver::runPipeline(
    mlir::ModuleOp module, const Instrumentation &instrumentation,
    llvm::function_ref<void(mlir::OpPassManager &)> build) {
  mlir::PassManager pm(module.getContext());
  if (instrumentation.configure && failed(instrumentation.configure(pm)))
    return mlir::failure();
  build(pm);
  return pm.run(module);
}

llvm::ArrayRef<const Target *> ssm::driver::targets() {
  // The one list of targets.
  static const std::vector<const Target *> all = {
      &referenceTarget(), &convTarget(), &loihi2Target()};
  return all;
}

const Target *ssm::driver::findTarget(llvm::StringRef name) {
  for (const Target *target : targets())
    if (target->name() == name)
      return target;
  return nullptr;
}

const Target *ssm::driver::findTargetOfForm(llvm::StringRef form) {
  for (const Target *target : targets())
    for (const Form &f : target->forms())
      if (f.name == form)
        return target;
  return nullptr;
}

std::string ssm::driver::targetNames() {
  std::string names;
  for (const Target *target : targets())
    names += (names.empty() ? "" : ", ") + target->name().str();
  return names;
}

std::string ssm::driver::givenFlag(const cl::OptionCategory *category) {
  if (!category)
    return "";
  std::vector<std::string> given;
  for (const auto &entry : cl::getRegisteredOptions()) {
    const cl::Option *option = entry.second;
    if (option->getNumOccurrences() &&
        llvm::is_contained(option->Categories, category))
      given.push_back(("--" + option->ArgStr).str());
  }
  // The registry is a hash map: the first by name, so the message is stable.
  std::sort(given.begin(), given.end());
  return given.empty() ? "" : given.front();
}

llvm::Error ssm::driver::checkTargetFlags(const Target *chosen, bool running) {
  for (const Target *target : targets()) {
    if (target == chosen)
      continue;
    for (const cl::OptionCategory *category :
         {target->compileFlags(), target->runFlags()})
      if (std::string flag = givenFlag(category); !flag.empty())
        return flagError(flag + " applies only to --target=" + target->name());
  }
  if (!chosen)
    return llvm::Error::success();
  if (!running)
    if (std::string flag = givenFlag(chosen->runFlags()); !flag.empty())
      return flagError(flag + " applies when running a model (ssmc-run)");
  return chosen->checkFlags();
}

std::vector<const cl::OptionCategory *>
ssm::driver::targetFlagCategories(bool running) {
  std::vector<const cl::OptionCategory *> categories;
  for (const Target *target : targets()) {
    if (const cl::OptionCategory *c = target->compileFlags())
      categories.push_back(c);
    if (const cl::OptionCategory *c = target->runFlags(); c && running)
      categories.push_back(c);
  }
  return categories;
}

void ssm::driver::registerTargetPipelines() {
  for (const Target *target : targets())
    target->registerPipeline();
}

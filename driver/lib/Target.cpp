//===- Target.cpp - the registry of targets -------------------------------===//

#include "ssm/Driver/Target.h"

#include "TargetSupport.h"

#include "ssm/Driver/OutputFile.h"

#include "ssm/Runtime/Dataset.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <thread>

namespace cl = llvm::cl;
using namespace ssm;
using namespace ssm::driver;

std::vector<float> StreamSession::feed(const float *token) {
  if (finished)
    throw std::logic_error("the sequence has been finished: reset() the "
                           "session to start another");
  std::vector<float> y = doFeed(token);
  ++fed;
  return y;
}

std::vector<float>
StreamSession::finish(const std::function<void()> &afterStep) {
  if (finished)
    throw std::logic_error("the sequence has been finished already");
  if (fed == 0)
    throw std::logic_error("finish() needs a token fed first");
  finished = true;
  return doFinish(afterStep);
}

void StreamSession::reset() {
  doReset();
  fed = 0;
  finished = false;
}

namespace {
/// Executable::stream()'s default: the whole sequence so far through
/// run() at every token, its last token's outputs.
class RerunStream : public StreamSession {
public:
  explicit RerunStream(const Executable &executable) : executable(executable) {
    sequence.spec = "the stream";
    sequence.samples = 1;
    sequence.channels = executable.inputChannels();
  }

protected:
  std::vector<float> doFeed(const float *token) override {
    sequence.inputs.insert(sequence.inputs.end(), token,
                           token + sequence.channels);
    sequence.length = static_cast<int64_t>(sequence.inputs.size()) /
                      sequence.channels;
    last = executable.run(sequence, RunOptions()).outputs;
    return last;
  }
  std::vector<float> doFinish(const std::function<void()> &) override {
    return last;
  }
  void doReset() override {
    sequence.inputs.clear();
    sequence.length = 0;
    last.clear();
  }

private:
  const Executable &executable;
  rt::Dataset sequence;
  std::vector<float> last;
};
} // namespace

std::unique_ptr<StreamSession> Executable::stream() const {
  return std::make_unique<RerunStream>(*this);
}

RunResult Executable::run(const rt::Dataset &data,
                          const RunOptions &options) const {
  return summarize(data, runSamples(data, 0, data.samples, options));
}

RunResult Executable::summarize(const rt::Dataset &, SampleRun all) const {
  RunResult result;
  result.classes = all.classes;
  result.outputs = std::move(all.outputs);
  result.seconds = all.seconds;
  result.report = std::move(all.report);
  return result;
}

int ssm::driver::allCores() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::string ssm::driver::threadsProblem(int64_t threads, llvm::StringRef name,
                                        Spelling spelling) {
  /// The most threads accepted (or 4 per core, if that is more).
  constexpr int kMaxThreads = 256;
  const int most = std::max(kMaxThreads, 4 * allCores());
  if (threads >= 1 && threads <= most)
    return "";
  return spell(name, spelling) + " must be between 1 and " +
         std::to_string(most) + " on this machine, got " +
         std::to_string(threads);
}

std::string ssm::driver::spell(llvm::StringRef name, Spelling spelling) {
  if (spelling == Spelling::Flag)
    return ("--" + name).str();
  std::string keyword = name.str();
  std::replace(keyword.begin(), keyword.end(), '-', '_');
  return keyword;
}

mlir::LogicalResult Target::emit(mlir::ModuleOp module, llvm::StringRef form,
                                 llvm::raw_ostream &os,
                                 llvm::StringRef outputPath,
                                 const TargetOptions &options,
                                 const CompileContext &context) const {
  return module.emitError()
         << "target " << name() << " has no form '" << form << "' to emit";
}

llvm::Expected<std::unique_ptr<TargetOptions>>
Target::parseOptions(llvm::ArrayRef<Setting> settings,
                     Spelling spelling) const {
  if (!settings.empty())
    return unknownOption(*this, settings.front(), spelling);
  return std::make_unique<TargetOptions>();
}

std::vector<Setting> Target::givenFlags() const {
  std::vector<Setting> given;
  for (const cl::opt<std::string> *flag : flags())
    if (flag->getNumOccurrences())
      given.push_back({flag->ArgStr.str(), flag->getValue()});
  return given;
}

std::string Target::compileOptionIn(llvm::ArrayRef<Setting> settings,
                                    Spelling spelling) const {
  for (const Setting &setting : settings)
    for (const cl::opt<std::string> *flag : flags())
      if (flag->ArgStr == setting.name &&
          llvm::is_contained(flag->Categories, compileFlags()))
        return spell(setting.name, spelling);
  return "";
}

std::unique_ptr<Executable> Target::loadFile(llvm::StringRef path,
                                             const TargetOptions &) const {
  throw std::runtime_error("target " + name().str() +
                           " has no compiled file format ('" + path.str() +
                           "')");
}

mlir::LogicalResult Target::saveFile(mlir::ModuleOp module,
                                     llvm::StringRef path) const {
  return module.emitError() << "target " << name()
                            << " has no compiled file format ('" << path
                            << "'); save the module as .mlir";
}

llvm::Error ssm::driver::unknownOption(const Target &target,
                                       const Setting &setting,
                                       Spelling spelling) {
  std::string known;
  for (const cl::opt<std::string> *flag : target.flags())
    known += (known.empty() ? "" : ", ") + spell(flag->ArgStr, spelling);
  return flagError(spell(setting.name, spelling) +
                   " is not an option of target " + target.name() +
                   (known.empty() ? std::string(", which has none")
                                  : "; its options: " + known));
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
      &referenceTarget(), &convTarget(), &loihi2Target(), &spinnaker2Target()};
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
  // Targets may share a category (the chips: loihi2, spinnaker2); a flag
  // of the chosen target's is never refused.
  auto chosenHas = [&](const cl::OptionCategory *category) {
    return chosen && (category == chosen->compileFlags() ||
                      category == chosen->runFlags());
  };
  for (const cl::OptionCategory *category : targetFlagCategories(true)) {
    if (chosenHas(category))
      continue;
    std::string flag = givenFlag(category);
    if (flag.empty())
      continue;
    std::string owners;
    for (const Target *target : targets())
      if (target->compileFlags() == category || target->runFlags() == category)
        owners += (owners.empty() ? "" : " or ") + ("--target=" + target->name()).str();
    return flagError(flag + " applies only to " + owners);
  }
  if (!chosen)
    return llvm::Error::success();
  if (!running)
    if (std::string flag = givenFlag(chosen->runFlags()); !flag.empty())
      return flagError(flag + " applies when running a model (ssmc-run)");
  return llvm::Error::success();
}

std::vector<const cl::OptionCategory *>
ssm::driver::targetFlagCategories(bool running) {
  // Each once, in the targets' order (targets may share one).
  std::vector<const cl::OptionCategory *> categories;
  auto add = [&](const cl::OptionCategory *c) {
    if (c && llvm::find(categories, c) == categories.end())
      categories.push_back(c);
  };
  for (const Target *target : targets()) {
    add(target->compileFlags());
    if (running)
      add(target->runFlags());
  }
  return categories;
}

void ssm::driver::registerTargetPipelines() {
  for (const Target *target : targets())
    target->registerPipeline();
}

const Setting *SettingsReader::find(llvm::StringRef name) {
  for (size_t i = 0; i < settings.size(); ++i)
    if (settings[i].name == name) {
      used[i] = true;
      return &settings[i];
    }
  return nullptr;
}

void SettingsReader::fail(llvm::StringRef name, const llvm::Twine &message) {
  if (error.empty())
    error = spelled(name) + " " + message.str();
}

bool SettingsReader::get(llvm::StringRef name, std::string &value,
                         const std::string &what) {
  const Setting *s = find(name);
  if (!s)
    return false;
  if (s->value.empty())
    fail(name, "needs " + what);
  value = s->value;
  return true;
}

bool SettingsReader::getOutputFile(llvm::StringRef name, std::string &path) {
  if (!get(name, path, "a file name"))
    return false;
  if (path.empty())
    return true;
  if (std::string error = cannotWrite(path); !error.empty())
    fail(name, "cannot write '" + path + "': " + error);
  return true;
}

bool SettingsReader::get(llvm::StringRef name, double &value) {
  const Setting *s = find(name);
  if (!s)
    return false;
  if (llvm::StringRef(s->value).trim().getAsDouble(value))
    fail(name, "must be a number, got '" + s->value + "'");
  return true;
}

bool SettingsReader::get(llvm::StringRef name, int64_t &value) {
  const Setting *s = find(name);
  if (!s)
    return false;
  long long parsed = 0;
  if (llvm::StringRef(s->value).trim().getAsInteger(10, parsed))
    fail(name, "must be an integer, got '" + s->value + "'");
  value = parsed;
  return true;
}

llvm::Error SettingsReader::finish() {
  if (!error.empty())
    return flagError(error);
  for (size_t i = 0; i < settings.size(); ++i)
    if (!used[i])
      return unknownOption(target, settings[i], spelling);
  return llvm::Error::success();
}

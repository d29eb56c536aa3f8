//===- Target.h - a target of ssmc as one unit ------------------*- C++ -*-===//
//
// A target is everything ssmc knows about one way of running a model: its
// name, its options (one struct, parsed and checked by the target from the
// command line's flags or the Python module's keywords), the forms it
// compiles a model to (its pass pipeline), how it runs data through a
// compiled model and what it reports. ssmc, ssmc-run and ssmc-opt find
// targets here by name and do nothing target-specific themselves; adding a
// target is one file under driver/lib/targets/, its accessor declared in
// driver/lib/TargetSupport.h and listed in targets() (driver/lib/Target.cpp),
// and the file in driver/CMakeLists.txt (docs/extending.md).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DRIVER_TARGET_H
#define SSM_DRIVER_TARGET_H

#include "ssm/Driver/ChipCompile.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ssm::rt {
struct Dataset;
struct Model;
namespace neuro {
class StepExchange;
} // namespace neuro
} // namespace ssm::rt

namespace ssm::driver {

/// What running a data set produced.
struct RunResult {
  /// Row-major [samples, classes]: each sample's outputs at its last token.
  std::vector<float> outputs;
  int64_t classes = 0;
  /// Wall time of the run, in seconds (setup included).
  double seconds = 0;
  /// The target's entries of the JSON report (docs/ssmc-run.md).
  llvm::json::Object report;
  /// The target's rows of the printed summary: (key, value).
  std::vector<std::pair<std::string, std::string>> rows;
};

/// What running samples [first, first + count) of a data set produced,
/// before the run's summary (Executable::runSamples): what MPI ranks that
/// share a data set gather on rank 0 (docs/mpi.md).
struct SampleRun {
  int64_t first = 0, count = 0, classes = 0;
  /// Row-major [count, classes]: each sample's outputs at its last token.
  std::vector<float> outputs;
  /// The target's record of each sample, `recordBytes` each, [count]: what
  /// summarize() reduces (loihi2: the sample's counters and EGRU events);
  /// none for the float targets. Plain bytes, the same layout in every
  /// process of one binary.
  int64_t recordBytes = 0;
  std::vector<char> records;
  /// Wall time in seconds, and the run's own report entries (conv: batch,
  /// FFT size, device) that do not depend on the samples.
  double seconds = 0;
  llvm::json::Object report;
};

/// One stream's cores split across the ranks of an MPI launch (loihi2;
/// docs/mpi.md): this process's rank and the step exchange.
struct StreamSplit {
  int rank = 0, ranks = 1;
  rt::neuro::StepExchange *exchange = nullptr;
};

struct RunOptions {
  int threads = 1;
  /// False in every MPI rank but rank 0: another process writes the run's
  /// files (loihi2's trace and plot).
  bool root = true;
  /// When set, each sample runs as one stream whose cores are split across
  /// ranks (targets that run a core graph; others throw).
  const StreamSplit *split = nullptr;
  /// Called with the number of samples done, from one thread at a time;
  /// may be empty.
  std::function<void(int64_t)> progress;
  /// When set, called once per sample with the outputs of every token,
  /// row-major [tokens, classes] float32 (a language model predicts after
  /// every word), from any worker thread but never twice for one sample;
  /// the pointer is valid during the call only.
  std::function<void(int64_t sample, int64_t tokens, const float *outputs)>
      perToken;
};

/// A group of neurons of a compiled network (loihi2): what the activity,
/// energy and raster plots show.
struct GroupInfo {
  std::string name;  // its layer's name, or a part of it (".modes", ".0")
  std::string model; // the neuron model: s4d_mode, sigma_delta, lif, ...
  int64_t neurons = 0;
  int core = -1;     // index of its neurocore; -1 on the host (an input)
  int64_t depth = 0; // pipeline depth: the tokens it runs behind the input
};

/// What one group did in the last step.
struct GroupStep {
  int64_t token = -1; // the token it took in; -1 while the pipeline fills
  int64_t spikes = 0, synops = 0, active = 0, events = 0, messages = 0;
  double energyPJ = 0; // its dynamic energy (cost model)
};

/// One layer's error of a quantized target against the float reference
/// (Executable::compareWithFloat): root-mean-square differences over every
/// value of every token, each relative to the reference's RMS.
struct LayerError {
  std::string layer;
  int64_t values = 0;       // values compared (tokens x channels x samples)
  double referenceRms = 0;  // RMS of the float reference's values
  double weightError = 0;   // quantized weights, exact activations vs float
  double activationError = 0; // the target vs quantized weights, exact
                              // activations: rounding, saturation,
                              // sigma-delta thresholds
  double totalError = 0;    // the target vs float
};

/// One sequence at a time, token by token: the streaming use (a sensor, a
/// word at a time). Not thread-safe; errors are exceptions.
class StreamSession {
public:
  virtual ~StreamSession() = default;
  /// Feeds the next token (`inputChannels()` values; for a language model
  /// one token id) and returns the outputs the host holds after it,
  /// [outputChannels()]: those of the token latency() tokens back (zeros
  /// before). Throws std::logic_error after finish() until reset().
  std::vector<float> feed(const float *token);
  /// Ends the sequence and returns the outputs after its last token
  /// (loihi2: after the steps that drain the pipeline, calling `afterStep`,
  /// when given, after each).
  std::vector<float> finish(const std::function<void()> &afterStep = nullptr);
  /// Back to the start of a sequence (zero state, zero counters).
  void reset();
  /// Tokens fed since reset().
  int64_t tokens() const { return fed; }
  /// Tokens the outputs lag behind the input: loihi2's pipeline depth,
  /// 0 for the float targets.
  virtual int64_t latency() const { return 0; }
  /// The target's counters since reset(), named as in its JSON report
  /// (loihi2: steps, synops, spikes, messages, overflows, energy and latency
  /// per token); empty for the float targets.
  virtual llvm::json::Object counters() const { return {}; }
  /// The compiled network's groups (loihi2); none for the float targets.
  virtual std::vector<GroupInfo> groups() const { return {}; }
  /// Each group's last step, in groups() order.
  virtual std::vector<GroupStep> lastStep() const { return {}; }
  /// Whether each neuron of group `group` sent a message in the last step.
  virtual std::vector<uint8_t> sent(int group) const { return {}; }

protected:
  virtual std::vector<float> doFeed(const float *token) = 0;
  virtual std::vector<float> doFinish(const std::function<void()> &afterStep) = 0;
  virtual void doReset() = 0;

private:
  int64_t fed = 0;
  bool finished = false;
};

/// A model compiled for a target and ready to run. Errors while running
/// (unwritable trace, bad data) are exceptions with a message.
class Executable {
public:
  virtual ~Executable() = default;
  virtual std::string modelName() const = 0;
  virtual int64_t inputChannels() const = 0;
  virtual int64_t outputChannels() const = 0;
  /// The vocabulary V when the input is a token input (one channel, a
  /// token id in [0, V) per step: a language model), else 0.
  virtual int64_t inputVocabulary() const = 0;
  /// Runs every sample of `data` (channels already checked):
  /// summarize(runSamples(all of them)).
  RunResult run(const rt::Dataset &data, const RunOptions &options) const;
  /// Runs samples [first, first + count) of `data` (perToken and progress
  /// see absolute sample indices; progress counts this range).
  virtual SampleRun runSamples(const rt::Dataset &data, int64_t first,
                               int64_t count,
                               const RunOptions &options) const = 0;
  /// The run's result from every sample's (`all` covers the data set, in
  /// sample order): outputs, wall time and the report, whose counters are
  /// reduced in sample order so they do not depend on how the samples were
  /// shared among threads or processes. The default passes outputs and
  /// the run's report through.
  virtual RunResult summarize(const rt::Dataset &data, SampleRun all) const;
  /// Samples [0, N) that must run in rank 0 when ranks share a data set
  /// (loihi2: the traced ones, so that the trace is one file in order).
  virtual int64_t rootSamples() const { return 0; }
  /// A streaming session (which must not outlive this executable). The
  /// default reruns the whole sequence so far through run() at every token
  /// (the conv target: a long convolution has no state to carry); the
  /// reference and loihi2 carry their state from token to token.
  virtual std::unique_ptr<StreamSession> stream() const;
  /// Each layer's error against `floatModel` (the model before
  /// compilation, run by the reference) over `data`, for a target that
  /// quantizes (loihi2: layers with a group of their own name; others
  /// return none). Results do not depend on `threads`.
  virtual std::vector<LayerError> compareWithFloat(const rt::Model &floatModel,
                                                   const rt::Dataset &data,
                                                   int threads) const {
    return {};
  }
};

/// One target's settings, parsed and checked (Target::parseOptions); each
/// target reads its own subclass.
class TargetOptions {
public:
  virtual ~TargetOptions() = default;
};

/// An option as a user gave it: its name (the flag's, without "--") and its
/// value as text.
struct Setting {
  std::string name;
  std::string value;
};

/// How errors name an option: as the tools' flag (`--sigma-delta`) or as the
/// Python module's keyword (`sigma_delta`).
enum class Spelling { Flag, Keyword };
/// `name` ("sigma-delta") as the user wrote it.
std::string spell(llvm::StringRef name, Spelling spelling);

/// The worker threads a run uses when none are asked for: every core.
int allCores();
/// Why `threads` worker threads are refused (fewer than 1, or more than
/// 256 or 4 per core, whichever is more: beyond it OpenMP only
/// oversubscribes, and libgomp fails on very large teams), naming the
/// option `name` as `spelling` writes it; "" when accepted.
std::string threadsProblem(int64_t threads, llvm::StringRef name,
                           Spelling spelling);

/// How a tool instruments compilation (ChipCompile.h has the struct) and
/// on how many threads calibration runs.
struct CompileContext {
  Instrumentation instrumentation;
  int threads = 1;
  /// Print the target's compile report (loihi2: the quantization and core
  /// tables) to stdout.
  bool report = false;
};

/// A form of the model a target can print (`ssmc --emit=NAME`).
struct Form {
  llvm::StringLiteral name;
  llvm::StringLiteral help;
};

class Target {
public:
  virtual ~Target() = default;
  /// `--target=NAME`.
  virtual llvm::StringRef name() const = 0;
  /// One line for --help.
  virtual llvm::StringRef summary() const = 0;

  /// The forms `ssmc` can print for this target, its default first; none
  /// when the target runs the ssm IR as it is.
  virtual llvm::ArrayRef<Form> forms() const { return {}; }
  /// Whether the target prints a compile report (ssmc --report).
  virtual bool hasCompileReport() const { return false; }
  /// Compiles the module's one model and writes `form` as text to `os`, or,
  /// when `outputPath` names a compiled file (isCompiledFilePath), to that
  /// file. Errors are diagnostics or messages on stderr.
  virtual mlir::LogicalResult emit(mlir::ModuleOp module, llvm::StringRef form,
                                   llvm::raw_ostream &os,
                                   llvm::StringRef outputPath,
                                   const TargetOptions &options,
                                   const CompileContext &context) const;

  /// The command-line flags only this target reads, as a category (for
  /// --help, and so that the tools refuse them for other targets): those
  /// that shape compilation (ssmc and ssmc-run) and those that shape a run
  /// (ssmc-run only). Null when it has none. Every flag of both is a
  /// cl::opt<std::string> listed by flags(): its text goes to parseOptions.
  virtual const llvm::cl::OptionCategory *compileFlags() const {
    return nullptr;
  }
  virtual const llvm::cl::OptionCategory *runFlags() const { return nullptr; }
  virtual llvm::ArrayRef<const llvm::cl::opt<std::string> *> flags() const {
    return {};
  }
  /// Parses and checks `settings` (each name at most once): an error naming
  /// the option (as `spelling` writes it) when it is not one of this
  /// target's, is out of range, or excludes another given one. Options not
  /// given keep their defaults.
  virtual llvm::Expected<std::unique_ptr<TargetOptions>>
  parseOptions(llvm::ArrayRef<Setting> settings, Spelling spelling) const;
  /// The flags given on the command line, as settings.
  std::vector<Setting> givenFlags() const;
  /// parseOptions() of givenFlags().
  llvm::Expected<std::unique_ptr<TargetOptions>> optionsFromFlags() const {
    return parseOptions(givenFlags(), Spelling::Flag);
  }
  /// The first of `settings` that shapes compilation (a flag of
  /// compileFlags()), as `spelling` writes it, or "".
  std::string compileOptionIn(llvm::ArrayRef<Setting> settings,
                              Spelling spelling) const;

  /// Whether `module` holds a model already compiled for this target (it
  /// then runs as it is; other targets refuse it).
  virtual bool isCompiled(mlir::ModuleOp module) const { return false; }
  /// Whether `path` is a compiled file the target loads without MLIR (by
  /// its content).
  virtual bool isCompiledFile(llvm::StringRef path) const { return false; }
  /// Whether an output path names such a file (by its name: loihi2's
  /// `.h5`), which only the target's default form writes.
  virtual bool isCompiledFilePath(llvm::StringRef path) const { return false; }
  /// Compiles the module's one model in place for running.
  virtual mlir::LogicalResult compile(mlir::ModuleOp module,
                                      const TargetOptions &options,
                                      const CompileContext &context) const = 0;
  /// Prepares a compiled module (after compile(), or isCompiled()) to run
  /// with `options`' run settings.
  virtual mlir::FailureOr<std::unique_ptr<Executable>>
  load(mlir::ModuleOp module, const TargetOptions &options) const = 0;
  /// Loads a file isCompiledFile() accepted; exceptions name what is wrong.
  virtual std::unique_ptr<Executable>
  loadFile(llvm::StringRef path, const TargetOptions &options) const;
  /// Writes a compiled module as the file isCompiledFile() accepts (loihi2:
  /// the HDF5 network file); errors are diagnostics. The default: the target
  /// has no such file.
  virtual mlir::LogicalResult saveFile(mlir::ModuleOp module,
                                       llvm::StringRef path) const;

  /// Registers the target's pass pipeline with ssmc-opt, if it has one.
  virtual void registerPipeline() const {}
};

/// Every target, in the order --help lists them.
llvm::ArrayRef<const Target *> targets();
/// The target named `name`, or null.
const Target *findTarget(llvm::StringRef name);
/// The first target whose forms include `form` (the one `ssmc --emit=FORM`
/// means without --target: loihi2 for the chips' shared `nc`), or null.
const Target *findTargetOfForm(llvm::StringRef form);
/// "reference, conv, loihi2, spinnaker2": for errors and help.
std::string targetNames();
/// An error naming the flag when a target's flag is given for another
/// target than `chosen` (null: no target chosen) or when a run flag is given
/// to a tool that does not run (`running` false). (The chosen target's
/// optionsFromFlags() checks their values.)
llvm::Error checkTargetFlags(const Target *chosen, bool running);
/// The first (by name) flag of `category` given on the command line, as
/// "--name", or "" (also for a null category).
std::string givenFlag(const llvm::cl::OptionCategory *category);
/// Every target's flag categories (run flags only when `running`), each
/// once (targets may share one), for cl::HideUnrelatedOptions.
std::vector<const llvm::cl::OptionCategory *>
targetFlagCategories(bool running);
/// Registers every target's pipeline (ssmc-opt).
void registerTargetPipelines();

} // namespace ssm::driver

#endif // SSM_DRIVER_TARGET_H

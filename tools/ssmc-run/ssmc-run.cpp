//===- ssmc-run.cpp - run a model on a data set ---------------------------===//
//
// ssmc-run MODEL(.ssm|.mlir|.h5) --target=NAME --data=SPEC [--limit=N]
//          [--threads=N] [--report=FILE.json] [--outputs=FILE.npy]
//          [the target's flags]
//
// Compiles the model through the target's pipeline (ssm/Driver/Target.h:
// reference, conv, loihi2), runs every sample, and
// prints a summary (accuracy when the data set has labels, throughput); the
// JSON report and the .npy outputs let two targets, or ssmc and another
// framework, be compared sample by sample (docs/ssmc-run.md).
//
// Under `mpirun -np R` the ranks share the run (--distribute: samples or
// cores; ssm/Driver/Distributed.h, docs/mpi.md); rank 0 prints and writes
// what one process would.
//
//===----------------------------------------------------------------------===//

#include "ssm/Driver/Distributed.h"
#include "ssm/Driver/Evaluate.h"
#include "ssm/Driver/LanguageModel.h"
#include "ssm/Driver/ModelFlags.h"
#include "ssm/Driver/OpenModel.h"
#include "ssm/Driver/OutputFile.h"
#include "ssm/Driver/Target.h"
#include "ssm/Driver/Version.h"
#include "ssm/Frontend/Load.h"
#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/Npy.h"
#include "ssm/Translation/FromSSM.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace cl = llvm::cl;
using namespace ssm;

namespace {
cl::OptionCategory category("ssmc-run options");
cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                               cl::desc("<model.ssm|model.mlir|net.h5>"),
                               cl::cat(category));
/// (cl::desc keeps a reference: the text lives as long as the program.)
const std::string &targetHelp() {
  static const std::string text = [] {
    std::string help = "Where to run the model:";
    for (const driver::Target *target : driver::targets())
      help +=
          " " + target->name().str() + " (" + target->summary().str() + ");";
    return help;
  }();
  return text;
}
cl::opt<std::string> targetName("target", cl::Required, cl::desc(targetHelp()),
                                cl::value_desc("name"), cl::cat(category));
cl::opt<std::string>
    dataSpec("data", cl::Required,
             cl::desc("Data set: mnist:train|test, pmnist:train|test, "
                      "brown:train|valid|test, or "
                      "file:INPUTS.npy[,LABELS.npy]"),
             cl::value_desc("spec"), cl::cat(category));
cl::opt<int64_t> limit("limit", cl::desc("Run the first N samples only"),
                       cl::init(0), cl::cat(category));
cl::opt<int> threads("threads", cl::desc("Worker threads (default: all cores)"),
                     cl::init(0), cl::cat(category));
cl::opt<std::string> reportPath("report",
                                cl::desc("Write a JSON report to this file"),
                                cl::value_desc("file.json"), cl::cat(category));
cl::opt<std::string> outputsPath(
    "outputs",
    cl::desc("Write the last token's outputs, [samples, classes] float32"),
    cl::value_desc("file.npy"), cl::cat(category));
cl::opt<std::string> tokenOutputsPath(
    "token-outputs",
    cl::desc("Write every token's outputs, [samples, tokens, classes] "
             "float32 (at most 2 GiB: use --limit)"),
    cl::value_desc("file.npy"), cl::cat(category));
cl::opt<bool> quiet("quiet", cl::desc("No progress bar"), cl::cat(category));
cl::opt<bool> compareFloat(
    "compare-float",
    cl::desc("Also print each layer's error against the float reference, "
             "weights and activations apart (a quantizing target: loihi2)"),
    cl::cat(category));
cl::opt<int64_t> generate(
    "generate",
    cl::desc("Language models: sample N words after --prompt instead of "
             "scoring the data set (whose vocabulary maps the words)"),
    cl::value_desc("N"), cl::init(0), cl::cat(category));
/// The most words --generate samples (each reruns the sequence).
constexpr int64_t kMaxGenerate = 10000;
cl::opt<std::string> prompt("prompt", cl::desc("The words --generate starts from"),
                            cl::value_desc("text"), cl::cat(category));
cl::opt<uint64_t> seed("seed", cl::desc("Seed of --generate's draws"),
                       cl::init(0), cl::cat(category));
cl::opt<driver::Distribute> distribute(
    "distribute",
    cl::desc("Under mpirun with several ranks: how they share the run "
             "(docs/mpi.md)"),
    cl::values(clEnumValN(driver::Distribute::Samples, "samples",
                          "each rank runs a block of the samples (default)"),
               clEnumValN(driver::Distribute::Cores, "cores",
                          "each sample is one stream whose neurocores are "
                          "split across the ranks (loihi2)")),
    cl::init(driver::Distribute::Samples), cl::cat(category));

/// A one-line progress bar on stderr, redrawn at most ten times a second,
/// shown only on a terminal.
class Progress {
public:
  Progress(int64_t total, bool enabled)
      : total(total), enabled(enabled && llvm::errs().is_displayed()),
        start(std::chrono::steady_clock::now()) {}

  void update(int64_t done) {
    if (!enabled)
      return;
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - last < std::chrono::milliseconds(100))
      return;
    last = now;
    const int width = 30;
    const int filled =
        static_cast<int>(width * done / std::max<int64_t>(total, 1));
    double seconds = std::chrono::duration<double>(now - start).count();
    llvm::errs() << "\r  [" << std::string(filled, '#')
                 << std::string(width - filled, '.') << "] " << done << "/"
                 << total << " samples, " << llvm::format("%.1f", seconds)
                 << " s";
    if (done == total)
      llvm::errs() << "\n";
  }

private:
  int64_t total;
  bool enabled;
  std::chrono::steady_clock::time_point start, last;
};

/// The ranks of an MPI launch, once MPI has started (main's).
driver::Ranks *ranks = nullptr;

/// Reports an error and returns the exit status. Before MPI starts every
/// rank of a launch meets the same errors (the same flags), so rank 0 alone
/// prints; after, an error may be one rank's while the others wait in a
/// collective, so it ends the whole launch.
int fail(const llvm::Twine &message) {
  if (ranks && ranks->size() > 1) {
    llvm::WithColor::error(llvm::errs(), "ssmc-run")
        << "rank " << ranks->rank() << " of " << ranks->size() << ": "
        << message << "\n";
    llvm::errs().flush();
    ranks->abort(1);
  }
  if (driver::Ranks::launchRank() == 0)
    llvm::WithColor::error(llvm::errs(), "ssmc-run") << message << "\n";
  return 1;
}

/// An error already reported (diagnostics): ends the launch as fail()
/// does, without a message of its own.
int stop() {
  if (ranks && ranks->size() > 1)
    ranks->abort(1);
  return 1;
}

/// An error every rank found alike (rank 0 prints it; no abort).
int failTogether(const llvm::Twine &message) {
  if (ranks->root())
    llvm::WithColor::error(llvm::errs(), "ssmc-run") << message << "\n";
  return 1;
}

/// The model file's bytes, hashed (0 when unreadable: opening it reports
/// that).
uint64_t fileFingerprint(const std::string &path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  return file ? llvm::xxh3_64bits((*file)->getBuffer()) : 0;
}

/// The data set's values and labels, hashed.
uint64_t dataFingerprint(const rt::Dataset &data) {
  std::string text = std::to_string(data.samples) + "x" +
                     std::to_string(data.length) + "x" +
                     std::to_string(data.channels) + ":";
  const uint64_t inputs = llvm::xxh3_64bits(llvm::ArrayRef(
      reinterpret_cast<const uint8_t *>(data.inputs.data()),
      data.inputs.size() * sizeof(float)));
  const uint64_t labels = llvm::xxh3_64bits(llvm::ArrayRef(
      reinterpret_cast<const uint8_t *>(data.labels.data()),
      data.labels.size() * sizeof(data.labels[0])));
  return llvm::xxh3_64bits(text + std::to_string(inputs) + "," +
                           std::to_string(labels));
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  std::vector<const cl::OptionCategory *> shown =
      driver::targetFlagCategories(/*running=*/true);
  shown.insert(shown.begin(), {&category, &driver::modelCategory(),
                               &cl::getGeneralCategory()});
  cl::HideUnrelatedOptions(shown);
  driver::setVersionPrinter("ssmc-run");
  cl::ParseCommandLineOptions(argc, argv,
                              "ssmc-run: run an S4D / EGRU model on a data set\n");
  // Every flag is checked, with its own name, before any work.
  const driver::Target *target = driver::findTarget(targetName);
  if (!target)
    return fail("--target=" + targetName + " is not a target; ssmc-run has " +
                driver::targetNames());
  if (threads.getNumOccurrences())
    if (std::string problem =
            driver::threadsProblem(threads, "threads", driver::Spelling::Flag);
        !problem.empty())
      return fail(problem);
  if (generate.getNumOccurrences() && (generate < 1 || generate > kMaxGenerate))
    return fail("--generate must be between 1 and " + llvm::Twine(kMaxGenerate) +
                ", got " + llvm::Twine(generate));
  if (generate.getNumOccurrences() &&
      llvm::StringRef(prompt).trim().empty())
    return fail("--generate needs --prompt=TEXT, the words to start from");
  if (!generate.getNumOccurrences() && prompt.getNumOccurrences())
    return fail("--prompt applies with --generate=N");
  if (limit.getNumOccurrences() && limit < 1)
    return fail("--limit must be at least 1, got " + llvm::Twine(limit));
  // Flags of other targets are refused, not ignored; the target checks its
  // own.
  if (llvm::Error error = driver::checkTargetFlags(target, /*running=*/true))
    return fail(llvm::toString(std::move(error)));
  const std::vector<driver::Setting> settings = target->givenFlags();
  llvm::Expected<std::unique_ptr<driver::TargetOptions>> options =
      target->parseOptions(settings, driver::Spelling::Flag);
  if (!options)
    return fail(llvm::toString(options.takeError()));
  // Output files are opened for writing now, so that a bad path fails
  // before a long run rather than after it (the targets' own, like
  // loihi2's --trace, by their parseOptions above).
  for (const std::string *path : std::initializer_list<const std::string *>{
           &reportPath, &outputsPath, &tokenOutputsPath})
    if (!path->empty())
      if (std::string error = driver::cannotWrite(*path); !error.empty())
        return fail("cannot write '" + *path + "': " + error);

  // MPI starts once the flags are known to be good (before it, every rank
  // refuses them alike and rank 0 says so). Threads default to this machine's cores shared
  // among its ranks.
  std::optional<driver::Ranks> mpi;
  try {
    mpi.emplace();
  } catch (const std::exception &e) {
    return fail(e.what());
  }
  ranks = &*mpi;
  const bool shared = mpi->size() > 1;
  const bool bySamples = distribute == driver::Distribute::Samples;
  // Every rank must run the same build on the same files: one with other
  // code, flags, model or data would silently compute something else.
  auto differs = [&](uint64_t fingerprint, const llvm::Twine &what) {
    const int rank = mpi->firstDiffering(fingerprint);
    if (rank < 0)
      return false;
    failTogether("MPI launch: rank " + llvm::Twine(rank) + " of " +
                 llvm::Twine(mpi->size()) + " " + what + " than rank 0");
    return true;
  };
  if (shared) {
    if (differs(driver::launchFingerprint(llvm::ArrayRef<const char *>(
                    const_cast<const char **>(argv) + 1, argc - 1)),
                "runs a different ssmc-run binary or command line") ||
        differs(fileFingerprint(modelPath),
                "reads a different '" + modelPath + "'"))
      return 1;
    if (generate.getNumOccurrences() || compareFloat)
      return failTogether(std::string(generate.getNumOccurrences()
                                          ? "--generate"
                                          : "--compare-float") +
                          " runs in one process: start it without mpirun");
  }
  const int numThreads =
      threads.getNumOccurrences()
          ? threads.getValue()
          : std::max(1, driver::allCores() / mpi->localSize());
  mlir::MLIRContext context;
  driver::setUpTool("ssmc-run", context);
  // Diagnostics (parser, pipelines, translation) as file:line:col with the
  // source line.
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  mlir::FailureOr<driver::OpenedModel> opened = driver::openModel(
      {modelPath, std::nullopt}, target, **options,
      target->compileOptionIn(settings, driver::Spelling::Flag),
      driver::loadOptionsFromFlags(), numThreads, context, "ssmc-run",
      llvm::errs(), /*keepFloatModel=*/compareFloat);
  if (failed(opened))
    return stop(); // (the diagnostics are printed)
  if (compareFloat && !opened->floatModel)
    return fail("--compare-float compares with the model before "
                "compilation: give the model (.ssm or .mlir), not a compiled "
                "network");
  const int64_t parameters = opened->parameters;
  const double compileSeconds = opened->compileSeconds;
  const driver::Executable *executable = opened->executable.get();
  try {
    const std::string modelName = executable->modelName();
    rt::Dataset data = rt::loadDataset(
        dataSpec, limit.getNumOccurrences() ? std::optional<int64_t>(limit)
                                            : std::nullopt);
    if (std::string problem = driver::dataProblem(*executable, data, dataSpec);
        !problem.empty())
      return fail(problem);
    if (shared && differs(dataFingerprint(data),
                          "reads other data for '" + dataSpec + "'"))
      return 1;
    const int64_t vocabulary = executable->inputVocabulary();

    if (generate) {
      if (!vocabulary || !data.isTokens())
        return fail("--generate samples words: it needs a language model "
                    "(a token input) and a corpus data set for its "
                    "vocabulary, such as brown:train");
      const std::vector<driver::GeneratedWord> words = driver::generateWords(
          *executable, data.vocabulary, prompt, generate, seed, numThreads);
      llvm::outs() << "ssmc-run: " << generate << " words after \"" << prompt
                   << "\" from model '" << modelName << "' on target '"
                   << target->name() << "' (seed " << seed << ")\n";
      std::string text = prompt;
      for (const driver::GeneratedWord &w : words) {
        text += " " + w.word;
        llvm::outs() << fmt::format(
            "  {:<20} {}\n", w.word,
            w.energyPerTokenUJ >= 0
                ? fmt::format("{:.3f} uJ/token (chip estimate, mean over the "
                              "sequence so far)",
                              w.energyPerTokenUJ)
                : std::string());
      }
      llvm::outs() << text << "\n";
      return 0;
    }
    // The bar shows rank 0's own samples (a block of them when the ranks
    // share them).
    Progress progress(
        shared && bySamples
            ? driver::sampleBlocks(data.samples, mpi->size(),
                                   executable->rootSamples())[1]
            : data.samples,
        !quiet && mpi->root());
    driver::RunOptions run;
    run.threads = numThreads;
    run.progress = [&](int64_t done) { progress.update(done); };
    // (evaluate() refuses more than 2 GiB of token outputs, before the run.)
    const driver::Evaluation evaluation = driver::evaluate(
        *executable, data, run, /*keepTokenOutputs=*/!tokenOutputsPath.empty(),
        driver::Sharing{&*mpi, distribute});
    if (!mpi->root())
      return 0; // rank 0 reports
    const driver::RunResult &results = evaluation.run;
    const std::optional<driver::NextWordScore> &nextWord = evaluation.nextWord;
    const int64_t tokens = data.samples * data.length;
    const double tokensPerSecond = tokens / std::max(results.seconds, 1e-9);

    std::string table = fmt::format(
        "ssmc-run: model '{}' ({}) on target '{}', {} thread{}\n", modelName,
        parameters >= 0 ? fmt::format("{} parameters", parameters)
                        : std::string("compiled nc network"),
        target->name().str(), numThreads, numThreads == 1 ? "" : "s");
    auto row = [&](const std::string &key, const std::string &value) {
      table += fmt::format("  {:<18} {}\n", key, value);
    };
    row("data", dataSpec);
    row("samples", fmt::format("{} x {} tokens x {} channels", data.samples,
                               data.length, data.channels));
    if (nextWord) {
      row("perplexity", fmt::format("{:.2f}  ({:.3f} bits/word, {} next-word "
                                    "predictions)",
                                    nextWord->perplexity(),
                                    nextWord->bitsPerWord(),
                                    nextWord->predictions()));
      row("next-word acc.", fmt::format("{:.4f}", nextWord->accuracy()));
      row("host softmax", fmt::format("{:.3f} s (host CPU, in the wall time)",
                                      nextWord->softmaxSeconds()));
    } else {
      row("accuracy",
          evaluation.accuracy
              ? fmt::format("{:.4f}  ({} / {})", *evaluation.accuracy,
                            evaluation.correct,
                            data.samples)
              : std::string("n/a (no labels)"));
    }
    std::vector<driver::LayerError> layerErrors;
    if (compareFloat) {
      layerErrors = executable->compareWithFloat(*opened->floatModel, data,
                                                 numThreads);
      if (layerErrors.empty())
        return fail("--compare-float: target " + target->name() +
                    " does not quantize; it applies to loihi2 and "
                    "spinnaker2");
    }
    if (shared)
      row("ranks", fmt::format("{} MPI ranks sharing {}", mpi->size(),
                               bySamples ? "the samples"
                                         : "each stream's cores"));
    row("wall time", fmt::format("{:.3f} s", results.seconds));
    row("tokens/s", fmt::format("{:.0f} (this machine)", tokensPerSecond));
    for (const auto &[key, value] : results.rows)
      row(key, value);
    if (!layerErrors.empty()) {
      table += "  per-layer error against the float reference (RMS of the "
               "differences / RMS of the reference):\n";
      table += fmt::format("    {:<20} {:>10} {:>12} {:>12} {:>12}\n", "layer",
                           "ref. RMS", "weights", "activations", "total");
      for (const driver::LayerError &e : layerErrors)
        table += fmt::format("    {:<20} {:>10.3e} {:>12.3e} {:>12.3e} "
                             "{:>12.3e}\n",
                             e.layer, e.referenceRms, e.weightError,
                             e.activationError, e.totalError);
    }
    llvm::outs() << table;

    if (!outputsPath.empty())
      rt::writeNpy(outputsPath, {data.samples, results.classes},
                   results.outputs.data());
    if (!tokenOutputsPath.empty())
      rt::writeNpy(tokenOutputsPath,
                   {data.samples, data.length, results.classes},
                   evaluation.tokenOutputs.data());
    if (!reportPath.empty()) {
      llvm::json::Object report{
          {"ssmc_version", driver::version()},
          {"ssmc_commit", driver::commit()},
          {"target", target->name()},
          {"model", modelName},
          {"parameters", parameters >= 0 ? llvm::json::Value(parameters)
                                         : llvm::json::Value(nullptr)},
          {"data", dataSpec},
          {"samples", data.samples},
          {"tokens", tokens},
          {"threads", numThreads},
          {"ranks", mpi->size()},
          {"compile_seconds", compileSeconds},
          {"wall_seconds", results.seconds},
          {"tokens_per_second", tokensPerSecond},
      };
      if (shared)
        report["distribute"] = bySamples ? "samples" : "cores";
      for (auto &entry : driver::scoreReport(evaluation))
        report[entry.first] = std::move(entry.second);
      if (!layerErrors.empty())
        report["layer_errors"] = driver::layerErrorReport(layerErrors);
      std::error_code ec;
      llvm::raw_fd_ostream file(reportPath, ec, llvm::sys::fs::OF_Text);
      if (ec)
        return fail("cannot write report '" + reportPath +
                    "': " + ec.message());
      file << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
           << "\n";
      if (std::string error = driver::closeFile(file); !error.empty())
        return fail("cannot write report '" + reportPath + "': " + error);
    }
  } catch (const std::exception &e) {
    return fail(e.what());
  }
  return 0;
}

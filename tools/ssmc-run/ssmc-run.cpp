//===- ssmc-run.cpp - run a model on a data set ---------------------------===//
//
// ssmc-run MODEL(.ssm|.mlir) --target=reference|conv|loihi2 --data=SPEC
//          [--limit=N] [--batch=N] [--threads=N] [--report=FILE.json]
//          [--outputs=FILE.npy] [--trace=FILE.csv]
//
// Compiles the model through the target's pipeline, runs every sample, and
// prints a summary (accuracy when the data set has labels, throughput); the
// JSON report and the .npy outputs let two targets, or ssmc and another
// framework, be compared sample by sample (docs/ssmc-run.md).
//
//===----------------------------------------------------------------------===//

#include "ssm/Conversion/Pipelines.h"
#include "ssm/Frontend/Load.h"
#include "ssm/Runtime/ConvExecutor.h"
#include "ssm/Runtime/CudaConvExecutor.h"
#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/NetworkFile.h"
#include "ssm/Runtime/Neurocore.h"
#include "ssm/Runtime/Reference.h"
#include "ssm/Tools/Loihi2Compile.h"
#include "ssm/Tools/Loihi2Flags.h"
#include "ssm/Tools/ModelFlags.h"
#include "ssm/Translation/FromNC.h"
#include "ssm/Translation/FromSSM.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace cl = llvm::cl;
using namespace ssm;

namespace {
enum class Target { Reference, Conv, Loihi2 };
enum class Device { CPU, CUDA };

cl::OptionCategory category("ssmc-run options");
cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                               cl::desc("<model.ssm|model.mlir>"),
                               cl::cat(category));
cl::opt<Target> target(
    "target", cl::Required, cl::desc("Where to run the model"),
    cl::values(clEnumValN(Target::Reference, "reference",
                          "float64 recurrent interpreter (the oracle)"),
               clEnumValN(Target::Conv, "conv",
                          "S4D as FFT long convolution (float32; --device)"),
               clEnumValN(Target::Loihi2, "loihi2",
                          "the event-driven neurocore runtime (fixed point, "
                          "Loihi 2 cost estimate)")),
    cl::cat(category));
cl::opt<Device> device(
    "device", cl::desc("Where the conv target runs"), cl::init(Device::CPU),
    cl::values(clEnumValN(Device::CPU, "cpu", "FFTW, OpenBLAS, OpenMP"),
               clEnumValN(Device::CUDA, "cuda",
                          "cuFFT, cuBLAS and ssmc's CUDA kernels")),
    cl::cat(category));
cl::opt<std::string> dataSpec(
    "data", cl::Required,
    cl::desc("Data set: mnist:train|test, pmnist:train|test, or "
             "file:INPUTS.npy[,LABELS.npy]"),
                              cl::value_desc("spec"), cl::cat(category));
cl::opt<int64_t> limit("limit", cl::desc("Run the first N samples only"),
                       cl::init(0), cl::cat(category));
cl::opt<int64_t> batchSize("batch",
                           cl::desc("Sequences per batch (conv target)"),
                           cl::init(64), cl::cat(category));
cl::opt<int> threads("threads", cl::desc("Worker threads (default: all cores)"),
                     cl::init(0), cl::cat(category));
/// The most threads --threads accepts (or 4 per core, if that is more):
/// beyond it OpenMP only oversubscribes, and libgomp fails on very large
/// teams.
constexpr int kMaxThreads = 256;
/// The most sequences --batch accepts.
constexpr int64_t kMaxBatch = 1 << 20;
cl::opt<std::string> reportPath("report",
                                cl::desc("Write a JSON report to this file"),
                                cl::value_desc("file.json"), cl::cat(category));
cl::opt<std::string> outputsPath(
    "outputs",
    cl::desc("Write the last token's outputs, [samples, classes] float32"),
    cl::value_desc("file.npy"), cl::cat(category));
cl::opt<bool> quiet("quiet", cl::desc("No progress bar"), cl::cat(category));
cl::opt<std::string> tracePath(
    "trace",
    cl::desc("loihi2: write per-step activity per neuron group of the first "
             "--trace-samples samples (CSV: sample, step, group, model, "
             "neurons, spikes, synops, active neurons, overflows)"),
    cl::value_desc("file.csv"), cl::cat(category));
cl::opt<int64_t> traceSamples("trace-samples",
                              cl::desc("Samples --trace records"),
                              cl::init(1), cl::cat(category));

const char *targetName(Target t) {
  switch (t) {
  case Target::Conv:
    return "conv";
  case Target::Loihi2:
    return "loihi2";
  case Target::Reference:
    break;
  }
  return "reference";
}

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
    const int filled = static_cast<int>(width * done / std::max<int64_t>(total, 1));
    double seconds = std::chrono::duration<double>(now - start).count();
    llvm::errs() << "\r  [" << std::string(filled, '#')
                 << std::string(width - filled, '.') << "] " << done << "/"
                 << total << " samples, "
                 << llvm::format("%.1f", seconds) << " s";
    if (done == total)
      llvm::errs() << "\n";
  }

private:
  int64_t total;
  bool enabled;
  std::chrono::steady_clock::time_point start, last;
};

/// Closes `file` and returns why writing it failed (a full disk shows only
/// here), or "". The error is cleared: raw_fd_ostream aborts in its
/// destructor on an error nobody cleared.
std::string closeFile(llvm::raw_fd_ostream &file) {
  file.close();
  if (!file.has_error())
    return "";
  std::string message = file.error().message();
  file.clear_error();
  return message;
}

/// Row-major [samples, classes] outputs at each sample's last token.
struct Results {
  std::vector<float> outputs;
  int64_t classes = 0;
  std::vector<int64_t> predictions;
  double seconds = 0;
  llvm::json::Object extra; // target-specific report entries
};

void predict(Results &results) {
  const int64_t samples = results.outputs.size() / results.classes;
  results.predictions.resize(samples);
  for (int64_t i = 0; i < samples; ++i) {
    const float *row = results.outputs.data() + i * results.classes;
    results.predictions[i] = std::max_element(row, row + results.classes) - row;
  }
}

Results runReferenceTarget(const rt::Model &model, const rt::Dataset &data,
                           int numThreads, Progress &progress) {
  Results results;
  results.classes = model.outputChannels();
  results.outputs.resize(data.samples * results.classes);
  const int64_t span = data.length * data.channels;
  int64_t done = 0;
  auto start = std::chrono::steady_clock::now();
#pragma omp parallel for num_threads(numThreads) schedule(dynamic)
  for (int64_t i = 0; i < data.samples; ++i) {
    std::vector<double> seq(data.sample(i), data.sample(i) + span);
    std::vector<double> y = rt::runReference(model, seq);
    std::copy(y.end() - results.classes, y.end(),
              results.outputs.begin() + i * results.classes);
#pragma omp critical
    progress.update(++done);
  }
  results.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  results.extra["setup_seconds"] = 0.0;
  results.extra["run_seconds"] = results.seconds;
  return results;
}

/// Runs the data set in batches through a conv executor (CPU or CUDA).
template <typename Executor>
Results runBatches(Executor &executor, const rt::Model &model,
                   const rt::Dataset &data, int64_t batch,
                   std::chrono::steady_clock::time_point start,
                   Progress &progress) {
  Results results;
  results.classes = model.outputChannels();
  results.outputs.resize(data.samples * results.classes);
  const double setup =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  const int64_t span = data.length * data.channels;
  for (int64_t first = 0; first < data.samples; first += batch) {
    rt::Batch input;
    input.batch = std::min(batch, data.samples - first);
    input.length = data.length;
    input.channels = data.channels;
    input.data.assign(data.sample(first),
                      data.sample(first) + input.batch * span);
    rt::Batch y = executor.run(input);
    for (int64_t b = 0; b < input.batch; ++b) {
      const float *last =
          y.data.data() + ((b + 1) * data.length - 1) * results.classes;
      std::copy(last, last + results.classes,
                results.outputs.begin() + (first + b) * results.classes);
    }
    progress.update(first + input.batch);
  }
  results.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  results.extra["setup_seconds"] = setup;
  results.extra["run_seconds"] = results.seconds - setup;
  results.extra["batch"] = batch;
  results.extra["fft_size"] = executor.getFFTSize();
  return results;
}

Results runConvTarget(const rt::Model &model, const rt::Dataset &data,
                      int numThreads, Progress &progress) {
  const int64_t batch = std::min<int64_t>(batchSize, data.samples);
  auto start = std::chrono::steady_clock::now();
  if (device == Device::CUDA) {
    rt::CudaConvExecutor executor(model, data.length, batch);
    Results results = runBatches(executor, model, data, batch, start, progress);
    results.extra["device"] = executor.getDeviceName();
    return results;
  }
  rt::ConvOptions options;
  options.threads = numThreads;
  rt::ConvExecutor executor(model, data.length, batch, options);
  Results results = runBatches(executor, model, data, batch, start, progress);
  results.extra["device"] = "cpu";
  return results;
}

/// Runs every sample through its own streaming session (samples in
/// parallel, one session per thread); counters are summed in sample order,
/// so the report does not depend on the thread count.
Results runLoihi2Target(const rt::neuro::Network &network,
                        const rt::Dataset &data, int numThreads,
                        Progress &progress, std::string &table) {
  Results results;
  results.classes = network.outputChannels();
  results.outputs.resize(data.samples * results.classes);
  std::vector<rt::neuro::Counters> perSample(data.samples);
  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<llvm::raw_fd_ostream> trace;
  if (!tracePath.empty()) {
    std::error_code ec;
    trace = std::make_unique<llvm::raw_fd_ostream>(tracePath, ec);
    if (ec)
      throw std::runtime_error("cannot write trace '" + tracePath +
                               "': " + ec.message());
    *trace << "sample,step,group,model,neurons,spikes,synops,active,"
              "overflows\n";
  }
  auto runSample = [&](rt::neuro::Session &session, int64_t i) {
    session.reset();
    const bool traced = trace && i < traceSamples;
    auto record = [&](int64_t step) {
      const std::vector<rt::neuro::GroupActivity> &act = session.lastStep();
      for (size_t g = 0; g < act.size(); ++g) {
        const rt::neuro::NeuronGroup &group = network.groups[g];
        *trace << i << ',' << step << ',' << group.name << ','
               << group.model->name << ',' << group.size
               << ',' << act[g].spikes << ',' << act[g].synops << ','
               << act[g].active << ',' << act[g].overflows << '\n';
      }
    };
    const float *x = data.sample(i);
    for (int64_t t = 0; t < data.length; ++t) {
      session.feed(x + t * data.channels);
      if (traced)
        record(t);
    }
    std::vector<double> y =
        traced ? session.finish(record) : session.finish();
    std::copy(y.begin(), y.end(),
              results.outputs.begin() + i * results.classes);
    perSample[i] = session.totals();
  };
  // Traced samples run first, on one thread, so the CSV is in order.
  rt::neuro::Session first(network);
  const int64_t tracedCount = trace ? std::min(traceSamples.getValue(),
                                               data.samples)
                                    : 0;
  for (int64_t i = 0; i < tracedCount; ++i)
    runSample(first, i);
  if (trace) {
    if (std::string error = closeFile(*trace); !error.empty())
      throw std::runtime_error("cannot write trace '" + tracePath +
                               "': " + error);
  }
  int64_t done = tracedCount;
#pragma omp parallel num_threads(numThreads)
  {
    rt::neuro::Session session(network);
#pragma omp for schedule(dynamic)
    for (int64_t i = tracedCount; i < data.samples; ++i) {
      runSample(session, i);
#pragma omp critical
      progress.update(++done);
    }
  }
  results.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  rt::neuro::Counters totals;
  for (const rt::neuro::Counters &c : perSample)
    totals.add(c);
  const int64_t tokens = data.samples * data.length;
  rt::neuro::CostEstimate cost =
      rt::neuro::estimateCost(network.hardware, totals, tokens);
  int64_t neurons = 0;
  for (const rt::neuro::NeuronGroup &g : network.groups)
    if (!g.model->hostInput)
      neurons += g.size;
  // Activity: the fraction of the network's neurons (host inputs excluded,
  // on both sides of the fraction) that send per step; at most 1.
  const double activity =
      totals.steps > 0 && neurons > 0
          ? double(totals.spikes - totals.inputSpikes) /
                (double(neurons) * totals.steps)
          : 0.0;
  const double perToken = 1.0 / std::max<int64_t>(tokens, 1);
  llvm::json::Object &extra = results.extra;
  extra["setup_seconds"] = 0.0;
  extra["run_seconds"] = results.seconds;
  extra["hardware"] = network.hardware.name;
  extra["cores"] = static_cast<int64_t>(network.cores.size());
  extra["neurons"] = neurons;
  extra["pipeline_depth"] = network.maxDepth;
  extra["steps"] = totals.steps;
  extra["synops"] = totals.synops;
  extra["messages"] = totals.messages;
  extra["spikes"] = totals.spikes;
  extra["input_spikes"] = totals.inputSpikes;
  extra["neuron_updates"] =
      totals.neuronUpdatesActive + totals.neuronUpdatesInactive;
  extra["neuron_updates_active"] = totals.neuronUpdatesActive;
  extra["mesh_hops"] = totals.hopsX + totals.hopsY;
  extra["overflows"] = totals.overflows;
  extra["synops_per_token"] = totals.synops * perToken;
  extra["messages_per_token"] = totals.messages * perToken;
  extra["energy_per_token_uJ"] = cost.energyPerTokenUJ;
  extra["latency_per_token_us"] = cost.latencyPerTokenUS;
  extra["chip_tokens_per_second"] = cost.tokensPerSecond;
  extra["activity"] = activity;
  auto row = [&](const char *key, const std::string &value) {
    table += fmt::format("  {:<18} {}\n", key, value);
  };
  row("cores", fmt::format("{} of {} ({} neurons, pipeline depth {})",
                           network.cores.size(),
                           network.hardware.chips * network.hardware.meshX *
                               network.hardware.meshY,
                           neurons, network.maxDepth));
  row("activity", fmt::format("{:.3f} of neurons send per step", activity));
  row("synops/token", fmt::format("{:.0f}", totals.synops * perToken));
  row("energy/token", fmt::format("{:.3f} uJ (estimate, {})",
                                  cost.energyPerTokenUJ,
                                  network.hardware.name));
  row("latency/token", fmt::format("{:.3f} us (estimate; chip {:.0f} tokens/s)",
                                   cost.latencyPerTokenUS,
                                   cost.tokensPerSecond));
  if (totals.overflows)
    row("overflows", fmt::format("{} saturations (see docs/event-runtime.md)",
                                 totals.overflows));
  return results;
}

int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "ssmc-run") << message << "\n";
  return 1;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category, &tools::loihi2Category(),
                            &tools::modelCategory(),
                            &cl::getGeneralCategory()});
  cl::ParseCommandLineOptions(argc, argv,
                              "ssmc-run: run an S4D / EGRU model on a data set\n");
  // Every flag is checked, with its own name, before any work.
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  const int maxThreads = std::max(kMaxThreads, 4 * cores);
  if (threads.getNumOccurrences() &&
      (threads < 1 || threads > maxThreads))
    return fail("--threads must be between 1 and " + llvm::Twine(maxThreads) +
                " on this machine, got " + llvm::Twine(threads));
  const int numThreads = threads.getNumOccurrences() ? threads.getValue()
                                                     : cores;
  if (batchSize < 1 || batchSize > kMaxBatch)
    return fail("--batch must be between 1 and " + llvm::Twine(kMaxBatch) +
                ", got " + llvm::Twine(batchSize));
  if (limit.getNumOccurrences() && limit < 1)
    return fail("--limit must be at least 1, got " + llvm::Twine(limit));
  if (traceSamples < 1)
    return fail("--trace-samples must be at least 1, got " +
                llvm::Twine(traceSamples));
  // Flags that do nothing for the chosen target are refused, not ignored.
  if (target != Target::Conv &&
      (batchSize.getNumOccurrences() || device.getNumOccurrences()))
    return fail(llvm::Twine(batchSize.getNumOccurrences() ? "--batch"
                                                          : "--device") +
                " applies only to --target=conv");
  if (target != Target::Loihi2) {
    std::string flag = tracePath.getNumOccurrences()      ? "--trace"
                       : traceSamples.getNumOccurrences() ? "--trace-samples"
                                                          : tools::givenLoihi2Flag();
    if (!flag.empty())
      return fail(flag + " applies only to --target=loihi2");
  }
  if (llvm::Error error = tools::checkLoihi2Flags())
    return fail(llvm::toString(std::move(error)));
  // Output files are opened for writing now, so that a bad path fails
  // before a long run rather than after it.
  for (const std::string *path : {&reportPath, &outputsPath, &tracePath})
    if (!path->empty()) {
      std::error_code ec;
      llvm::raw_fd_ostream probe(*path, ec, llvm::sys::fs::OF_Append);
      if (ec)
        return fail("cannot write '" + *path + "': " + ec.message());
    }

  mlir::MLIRContext context;
  tools::setUpTool("ssmc-run", context);
  // Diagnostics (parser, pipelines, translation) as file:line:col with the
  // source line.
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  std::optional<rt::Model> model;
  std::optional<rt::neuro::Network> network;
  int64_t parameters = -1;
  double compileSeconds = 0;
  // A compiled network file (ssmc --target=loihi2 -o FILE.h5) is loaded by
  // the runtime alone, without MLIR.
  const bool isNetworkFile = rt::neuro::isHDF5File(modelPath);
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (!isNetworkFile) {
    module =
        dsl::loadModelFile(modelPath, context, tools::loadOptionsFromFlags());
    if (!module)
      return 1;
  }
  // A compiled network runs as it is; a model goes through its target's
  // pipeline (which rewrites it in place).
  const bool isNetwork =
      isNetworkFile || !module->getOps<nc::NetworkOp>().empty();
  if (isNetwork && target != Target::Loihi2)
    return fail("'" + modelPath +
                "' is a compiled network; only "
                "--target=loihi2 runs it");
  if (std::string flag = tools::givenLoihi2Flag(); isNetwork && !flag.empty())
    return fail(flag + " applies when compiling a model; '" + modelPath +
                "' is a compiled network");
  if (isNetworkFile) {
    try {
      network = rt::neuro::readNetworkFile(modelPath);
    } catch (const std::exception &e) {
      return fail(e.what());
    }
  }
  if (!isNetwork) {
    mlir::FailureOr<ModelOp> modelOp = getSingleModel(*module);
    if (failed(modelOp))
      return 1;
    // Counted before lowering: the conv form replaces S4D's parameters by
    // derived ones.
    parameters = countParameters(*modelOp);
  }
  // Compilation (for loihi2: calibration, PTQ, lowering, placement) is
  // timed apart from the run.
  if (target != Target::Reference && !isNetwork) {
    const auto start = std::chrono::steady_clock::now();
    if (target == Target::Conv) {
      mlir::PassManager pm(&context);
      buildConvPipeline(pm);
      if (failed(pm.run(*module)))
        return 1;
    } else if (failed(tools::compileForLoihi2(
                   *module, tools::loihi2OptionsFromFlags(),
                   tools::calibrationRequestFromFlags(), numThreads))) {
      return 1;
    }
    compileSeconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  }
  if (isNetworkFile) {
    // Loaded above.
  } else if (target == Target::Loihi2) {
    mlir::FailureOr<nc::NetworkOp> op = getSingleNetwork(*module);
    if (failed(op))
      return 1;
    mlir::FailureOr<rt::neuro::Network> built = buildNeurocoreNetwork(*op);
    if (failed(built))
      return 1;
    network = std::move(*built);
  } else {
    mlir::FailureOr<rt::Model> built =
        buildRuntimeModel(*getSingleModel(*module));
    if (failed(built))
      return 1;
    model = std::move(*built);
  }
  const std::string modelName = network ? network->name : model->name;
  const int64_t inputChannels =
      network ? network->inputChannels() : model->inputChannels();
  try {
    rt::Dataset data = rt::loadDataset(
        dataSpec, limit.getNumOccurrences() ? std::optional<int64_t>(limit)
                                            : std::nullopt);
    if (data.channels != inputChannels)
      return fail("model '" + modelName + "' takes " +
                  llvm::Twine(inputChannels) +
                  " input channels per token, but data set '" + dataSpec +
                  "' has " + llvm::Twine(data.channels));

    const int64_t classes =
        network ? network->outputChannels() : model->outputChannels();
    for (size_t i = 0; i < data.labels.size(); ++i)
      if (data.labels[i] >= classes)
        return fail("data set '" + dataSpec + "': label " +
                    llvm::Twine(data.labels[i]) + " of sample " +
                    llvm::Twine(i) + " is not a class of model '" + modelName +
                    "', which has " + llvm::Twine(classes) + " outputs");

    Progress progress(data.samples, !quiet);
    std::string targetRows;
    Results results =
        target == Target::Loihi2
            ? runLoihi2Target(*network, data, numThreads, progress, targetRows)
        : target == Target::Conv
            ? runConvTarget(*model, data, numThreads, progress)
            : runReferenceTarget(*model, data, numThreads, progress);
    predict(results);

    const int64_t tokens = data.samples * data.length;
    const double tokensPerSecond = tokens / std::max(results.seconds, 1e-9);
    int64_t correct = 0;
    for (size_t i = 0; i < data.labels.size(); ++i)
      correct += results.predictions[i] == data.labels[i];

    std::string table = fmt::format(
        "ssmc-run: model '{}' ({}) on target '{}', {} thread{}\n", modelName,
        parameters >= 0 ? fmt::format("{} parameters", parameters)
                        : std::string("compiled nc network"),
        targetName(target), numThreads, numThreads == 1 ? "" : "s");
    auto row = [&](const char *key, const std::string &value) {
      table += fmt::format("  {:<18} {}\n", key, value);
    };
    row("data", dataSpec);
    row("samples", fmt::format("{} x {} tokens x {} channels", data.samples,
                               data.length, data.channels));
    row("accuracy", data.labels.empty()
                        ? std::string("n/a (no labels)")
                        : fmt::format("{:.4f}  ({} / {})",
                                      double(correct) / data.samples, correct,
                                      data.samples));
    row("wall time", fmt::format("{:.3f} s", results.seconds));
    row("tokens/s", fmt::format("{:.0f} (this machine)", tokensPerSecond));
    table += targetRows;
    llvm::outs() << table;

    if (!outputsPath.empty())
      rt::writeNpy(outputsPath, {data.samples, results.classes},
                   results.outputs.data());
    if (!reportPath.empty()) {
      llvm::json::Object report{
          {"target", targetName(target)},
          {"model", modelName},
          {"parameters", parameters >= 0 ? llvm::json::Value(parameters)
                                         : llvm::json::Value(nullptr)},
          {"data", dataSpec},
          {"samples", data.samples},
          {"tokens", tokens},
          {"threads", numThreads},
          {"compile_seconds", compileSeconds},
          {"wall_seconds", results.seconds},
          {"tokens_per_second", tokensPerSecond},
          {"accuracy", data.labels.empty()
                           ? llvm::json::Value(nullptr)
                           : llvm::json::Value(double(correct) / data.samples)},
          {"predictions", llvm::json::Array(results.predictions)},
      };
      for (auto &entry : results.extra)
        report[entry.first] = std::move(entry.second);
      std::error_code ec;
      llvm::raw_fd_ostream file(reportPath, ec, llvm::sys::fs::OF_Text);
      if (ec)
        return fail("cannot write report '" + reportPath + "': " + ec.message());
      file << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
           << "\n";
      if (std::string error = closeFile(file); !error.empty())
        return fail("cannot write report '" + reportPath + "': " + error);
    }
  } catch (const std::exception &e) {
    return fail(e.what());
  }
  return 0;
}

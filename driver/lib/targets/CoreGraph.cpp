//===- CoreGraph.cpp - the targets that run a placed core graph ------------===//
//
// The chips whose cores run neuron groups and synapse tables (loihi2,
// spinnaker2; CoreGraph.h): the check stage, calibration and the lowering
// stage (ChipCompile.h) to a placed nc.network for the chip's hardware
// description, then the event-driven runtime (fixed point, or binary32
// with --arithmetic=fp32) with the cost model at that description's
// numbers (ssm/Runtime/Neurocore.h). A chip is
// its name and its built-in description (hardware/NAME.json); everything
// else is shared. The options are one struct (ChipPipelineOptions, with
// the calibration request), filled from the command-line flags here and,
// with the same names, from the options of ssmc-opt's ssm-to-nc pipeline.
//
//===----------------------------------------------------------------------===//

#include "CoreGraph.h"

#include "../TargetSupport.h"

#include "ssm/Conversion/Pipelines.h"
#include "ssm/Driver/ChipCompile.h"
#include "ssm/Driver/OutputFile.h"
#include "ssm/Frontend/NIR.h"
#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/HardwareRanges.h"
#include "ssm/Runtime/NetworkFile.h"
#include "ssm/Runtime/Neurocore.h"
#include "ssm/Runtime/Reference.h"
#include "ssm/Translation/FromNC.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>

extern char **environ;

namespace cl = llvm::cl;
using namespace mlir;
using namespace ssm;
using namespace ssm::driver;

namespace {

//===----------------------------------------------------------------------===//
// Flags
//===----------------------------------------------------------------------===//

// One set of flags for every chip: --hw, --calibration, --trace mean the
// same on each (checkTargetFlags lets a category be shared).
cl::OptionCategory compileCategory("loihi2 and spinnaker2 target options");
cl::OptionCategory runCategory(
    "loihi2 and spinnaker2 target options (ssmc-run)");

/// The defaults are the pipeline's own.
const ChipPipelineOptions defaults;

// The flags carry text; ChipTarget::parseOptions reads and checks it, for
// them and for the Python module's keywords alike.
cl::opt<std::string> hardware(
    "hw",
    cl::desc("Hardware description JSON (default: the target's built-in "
             "hardware/loihi2.json or spinnaker2.json)"),
    cl::value_desc("file"), cl::cat(compileCategory));
cl::opt<std::string> chips(
    "chips",
    cl::desc("Chips of the system, in a row, each as the hardware "
             "description's chip (default: its own chips and chip_mesh; "
             "docs/cost-model.md)"),
    cl::value_desc("N"), cl::cat(compileCategory));
cl::opt<std::string> arithmetic(
    "arithmetic",
    cl::desc("The arithmetic of the compiled network: fixed (fixed point, "
             "8-bit weights: Loihi 2, SpiNNaker 2's int8 path) or fp32 "
             "(IEEE binary32 on SpiNNaker 2's Arm cores, as the seed; "
             "docs/spinnaker2.md) (default: the description's own, fixed)"),
    cl::value_desc("fixed|fp32"), cl::cat(compileCategory));
cl::opt<std::string> calibration(
    "calibration",
    cl::desc("Data spec of the PTQ calibration sequences (default: the "
             "model's own 'calibration \"SPEC\"')"),
    cl::value_desc("spec"), cl::cat(compileCategory));
/// (cl::desc keeps a reference: the text lives as long as the program.)
const std::string calibrationSamplesHelp =
    "Number of calibration sequences (default " +
    std::to_string(CalibrationRequest().samples) + ")";
cl::opt<std::string> calibrationSamples(
    "calibration-samples", cl::desc(calibrationSamplesHelp),
    cl::value_desc("N"), cl::cat(compileCategory));
cl::opt<std::string> calibrationRanges(
    "calibration-ranges",
    cl::desc("Calibration ranges JSON from ssmc --emit=calibration, used "
             "instead of calibrating"),
    cl::value_desc("file"), cl::cat(compileCategory));
cl::opt<std::string> sigmaDelta(
    "sigma-delta",
    cl::desc("Sigma-delta threshold as a fraction of each connection's "
             "calibrated range (0, the default: send every change)"),
    cl::value_desc("fraction"), cl::cat(compileCategory));
cl::opt<std::string> synapseMemory(
    "synapse-memory",
    cl::desc("Where synapse tables live: core (each core's memory, the "
             "default; DRAM only for a neuron too large for a core) or dram "
             "(every table in the chip's DRAM: spinnaker2)"),
    cl::value_desc("core|dram"), cl::cat(compileCategory));
cl::opt<std::string> neuronsPerCore(
    "neurons-per-core",
    cl::desc("At most N neurons of a group per core, below the hardware's: "
             "more cores, shorter steps (default: the hardware's)"),
    cl::value_desc("N"), cl::cat(compileCategory));
/// The most calibration sequences calibration-samples accepts.
constexpr int64_t kMaxCalibrationSamples = 1000000;

cl::opt<std::string> tracePath(
    "trace",
    cl::desc("Write per-step activity per neuron group of the first "
             "--trace-samples samples (CSV: sample, step, group, model, "
             "neurons, spikes, synops, active neurons, overflows, messages, "
             "energy in pJ, core, token)"),
    cl::value_desc("file.csv"), cl::cat(runCategory));
cl::opt<std::string> traceSamples("trace-samples",
                                  cl::desc("Samples --trace records (default 1)"),
                                  cl::value_desc("N"), cl::cat(runCategory));

cl::opt<std::string> plotPath(
    "plot",
    cl::desc("Draw the activity per layer over the first sample's steps and "
             "the energy per layer and per core (python3 -m ssmc.plot over "
             "its trace; matplotlib)"),
    cl::value_desc("file.png"), cl::cat(runCategory));

const cl::opt<std::string> *const allFlags[] = {
    &hardware,   &chips,     &arithmetic, &calibration,  &calibrationSamples,
    &calibrationRanges, &sigmaDelta, &synapseMemory, &neuronsPerCore, &tracePath,
    &traceSamples, &plotPath};

/// A core-graph target's settings: the pipeline's, the calibration request's
/// and the run's (the trace).
struct ChipOptions : TargetOptions {
  ChipPipelineOptions pipeline;
  CalibrationRequest calibration;
  std::string trace;
  int64_t traceSamples = 1;
  std::string plot;
};

/// Draws `tracePath`'s first sample into `plotPath` with `python3 -m
/// ssmc.plot`, the package found beside this executable (the build tree's
/// python/ or the install's SSMC_PYTHON_INSTALL_DIR). Throws when it fails.
void drawPlot(const std::string &tracePath, const std::string &plotPath) {
  std::string exe = llvm::sys::fs::getMainExecutable(
      nullptr, reinterpret_cast<void *>(&drawPlot));
  llvm::SmallString<256> bin(exe);
  llvm::sys::path::remove_filename(bin);
  std::string pythonPath;
  for (const char *relative : {"../python", "../" SSMC_PYTHON_INSTALL_DIR}) {
    llvm::SmallString<256> dir(bin);
    llvm::sys::path::append(dir, relative);
    pythonPath += (pythonPath.empty() ? "" : ":") + std::string(dir);
  }
  if (const char *existing = std::getenv("PYTHONPATH"))
    pythonPath += std::string(":") + existing;
  std::vector<std::string> env;
  for (char **e = environ; *e; ++e)
    if (!llvm::StringRef(*e).starts_with("PYTHONPATH="))
      env.push_back(*e);
  env.push_back("PYTHONPATH=" + pythonPath);
  std::vector<llvm::StringRef> envRefs(env.begin(), env.end());
  const llvm::StringRef args[] = {SSMC_PYTHON_EXECUTABLE, "-m", "ssmc.plot",
                                  tracePath, "-o", plotPath};
  std::string error;
  const int status = llvm::sys::ExecuteAndWait(
      SSMC_PYTHON_EXECUTABLE, args, envRefs, {}, 0, 0, &error);
  if (status != 0)
    throw std::runtime_error(
        "--plot: " SSMC_PYTHON_EXECUTABLE " -m ssmc.plot failed (" +
        (error.empty() ? "status " + std::to_string(status) : error) +
        "); it needs matplotlib (Debian python3-matplotlib)");
}

const ChipOptions &chipOptions(const TargetOptions &options) {
  return static_cast<const ChipOptions &>(options);
}

/// ssm-to-nc's options: the flags' names, the same struct.
struct PipelineOptions : PassPipelineOptions<PipelineOptions> {
  Option<std::string> hardware{*this, "hw",
                               cl::desc("Hardware description JSON")};
  Option<std::string> calibrationRanges{
      *this, "calibration-ranges",
      cl::desc("Calibration ranges JSON (ssmc --emit=calibration)")};
  Option<double> sigmaDelta{
      *this, "sigma-delta",
      cl::desc("Sigma-delta threshold, fraction of each range"),
      cl::init(defaults.sigmaDelta)};
  Option<std::string> synapseMemory{
      *this, "synapse-memory",
      cl::desc("Where synapse tables live: core or dram"),
      cl::init(defaults.synapseMemory)};
  Option<int64_t> neuronsPerCore{
      *this, "neurons-per-core",
      cl::desc("At most this many neurons of a group per core (0: the "
               "hardware's)"),
      cl::init(defaults.neuronsPerCore)};
};

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

class ChipExecutable : public Executable {
public:
  ChipExecutable(rt::neuro::Network network, const ChipOptions &options)
      : network(std::move(network)), tracePath(options.trace),
        traceSamples(options.traceSamples), plotPath(options.plot) {}
  std::string modelName() const override { return network.name; }
  int64_t inputChannels() const override { return network.inputChannels(); }
  int64_t outputChannels() const override { return network.outputChannels(); }
  int64_t inputVocabulary() const override {
    const rt::neuro::NeuronGroup &input = network.groups.at(network.inputs.at(0));
    return input.model->tokenInput ? input.size : 0;
  }
  SampleRun runSamples(const rt::Dataset &data, int64_t first, int64_t count,
                       const RunOptions &options) const override;
  RunResult summarize(const rt::Dataset &data, SampleRun all) const override;
  int64_t rootSamples() const override {
    return tracePath.empty() && plotPath.empty() ? 0 : traceSamples;
  }
  std::unique_ptr<StreamSession> stream() const override;
  std::vector<LayerError> compareWithFloat(const rt::Model &floatModel,
                                           const rt::Dataset &data,
                                           int threads) const override;

private:
  rt::neuro::Network network;
  /// The run's trace CSV ("" for none) and the samples it records; the
  /// plot drawn from it ("" for none).
  std::string tracePath;
  int64_t traceSamples;
  std::string plotPath;
};

/// The report entries of `totals`, counters summed over `tokens` tokens:
/// the counts, per-token rates and the cost model's estimates
/// (docs/ssmc-run.md), for a run's report and a session's counters alike.
llvm::json::Object countersReport(const rt::neuro::Hardware &hardware,
                                  const rt::neuro::Counters &totals,
                                  int64_t tokens) {
  const rt::neuro::CostEstimate cost =
      rt::neuro::estimateCost(hardware, totals, tokens);
  const double perToken = 1.0 / std::max<int64_t>(tokens, 1);
  return llvm::json::Object{
      {"steps", totals.steps},
      {"synops", totals.synops},
      {"messages", totals.messages},
      {"spikes", totals.spikes},
      {"input_spikes", totals.inputSpikes},
      {"neuron_updates",
       totals.neuronUpdatesActive + totals.neuronUpdatesInactive},
      {"neuron_updates_active", totals.neuronUpdatesActive},
      {"mesh_hops", totals.hopsX + totals.hopsY},
      {"inter_chip_messages", totals.chipMessages},
      {"chip_hops", totals.chipHops},
      {"inter_chip_messages_per_token", totals.chipMessages * perToken},
      {"inter_chip_energy_share", cost.interChipEnergyShare},
      {"inter_chip_latency_share", cost.interChipLatencyShare},
      {"dram_bytes", totals.dramBytes},
      {"dram_bytes_per_token", totals.dramBytes * perToken},
      {"dram_energy_share", cost.dramEnergyShare},
      {"dram_latency_share", cost.dramLatencyShare},
      {"overflows", totals.overflows},
      {"synops_per_token", totals.synops * perToken},
      {"messages_per_token", totals.messages * perToken},
      {"energy_per_token_uJ", cost.energyPerTokenUJ},
      {"latency_per_token_us", cost.latencyPerTokenUS},
      {"chip_tokens_per_second", cost.tokensPerSecond}};
}

/// The chip's session (rt::neuro::Session): the host's view of the outputs
/// after each step, and the counters with the cost model's estimates.
class ChipSession : public StreamSession {
public:
  explicit ChipSession(const rt::neuro::Network &network)
      : session(network) {}
  int64_t latency() const override { return session.outputLatency(); }
  llvm::json::Object counters() const override {
    return countersReport(session.network().hardware, session.totals(),
                          tokens());
  }

  std::vector<GroupInfo> groups() const override {
    const rt::neuro::Network &net = session.network();
    std::vector<GroupInfo> all;
    for (size_t g = 0; g < net.groups.size(); ++g) {
      const rt::neuro::NeuronGroup &group = net.groups[g];
      all.push_back({group.name, std::string(group.model->name), group.size,
                     group.core,
                     net.depth[g]});
    }
    return all;
  }
  std::vector<GroupStep> lastStep() const override {
    const rt::neuro::Network &net = session.network();
    std::vector<GroupStep> steps;
    for (size_t g = 0; g < net.groups.size(); ++g) {
      const rt::neuro::GroupActivity &a = session.lastStep()[g];
      steps.push_back({session.groupToken(static_cast<int>(g)), a.spikes,
                       a.synops, a.active, a.events, a.messages,
                       rt::neuro::groupEnergyPJ(net.hardware, net.groups[g],
                                                a)});
    }
    return steps;
  }
  std::vector<uint8_t> sent(int group) const override {
    if (group < 0 || group >= static_cast<int>(session.network().groups.size()))
      throw std::out_of_range("group " + std::to_string(group) +
                              " is not a group of the network (0 to " +
                              std::to_string(session.network().groups.size() - 1) +
                              ")");
    return session.groupSent(group);
  }

protected:
  std::vector<float> doFeed(const float *token) override {
    session.feed(token);
    return toFloat(session.outputs());
  }
  std::vector<float>
  doFinish(const std::function<void()> &afterStep) override {
    if (!afterStep)
      return toFloat(session.finish());
    return toFloat(session.finish([&](int64_t) { afterStep(); }));
  }
  void doReset() override { session.reset(); }

private:
  static std::vector<float> toFloat(const std::vector<double> &y) {
    return std::vector<float>(y.begin(), y.end());
  }
  rt::neuro::Session session;
};

std::unique_ptr<StreamSession> ChipExecutable::stream() const {
  return std::make_unique<ChipSession>(network);
}

/// Per layer, the sums compareWithFloat reduces (one per sample, added in
/// sample order).
struct ErrorSums {
  double reference = 0, weight = 0, activation = 0, total = 0;
  int64_t values = 0;
};

std::vector<LayerError>
ChipExecutable::compareWithFloat(const rt::Model &floatModel,
                                   const rt::Dataset &data,
                                   int threads) const {
  // The layers with a group of their own name and size.
  std::vector<std::pair<int, int>> pairs; // (layer, group)
  for (size_t l = 0; l < floatModel.layers.size(); ++l)
    for (size_t g = 0; g < network.groups.size(); ++g)
      if (network.groups[g].name == floatModel.layers[l].name &&
          network.groups[g].size == floatModel.layers[l].outChannels)
        pairs.emplace_back(static_cast<int>(l), static_cast<int>(g));
  const size_t P = pairs.size();
  // A mean readout's value is a running mean in the reference but the sum
  // over 1/L on the chip (L known at the end): the two agree at the last
  // token, so it and the layers after it are compared there only.
  std::vector<bool> lastOnly(floatModel.layers.size(), false);
  for (size_t l = 0; l < floatModel.layers.size(); ++l) {
    const rt::Layer &layer = floatModel.layers[l];
    lastOnly[l] = layer.kind == rt::LayerKind::Readout &&
                  layer.readout == rt::ReadoutMode::Mean;
    for (int in : layer.inputs)
      lastOnly[l] = lastOnly[l] || lastOnly[in];
  }
  std::vector<std::vector<ErrorSums>> perSample(data.samples,
                                                std::vector<ErrorSums>(P));
  const int64_t L = data.length;
  // The three run in step, token by token: the runtime's group g reports
  // token k at step k + depth(g), so the reference's and the quantized
  // float's values wait in rings of maxDepth + 1 tokens.
  const int64_t W = network.maxDepth + 1;
  std::vector<int> pairOfLayer(floatModel.layers.size(), -1),
      pairOfGroup(network.groups.size(), -1);
  for (size_t p = 0; p < P; ++p) {
    pairOfLayer[pairs[p].first] = static_cast<int>(p);
    pairOfGroup[pairs[p].second] = static_cast<int>(p);
  }
#pragma omp parallel for num_threads(threads) schedule(dynamic)
  for (int64_t i = 0; i < data.samples; ++i) {
    const float *x = data.sample(i);
    // [pair][slot * size + j]: token k in slot k % W.
    std::vector<std::vector<double>> ref(P), qf(P);
    for (size_t p = 0; p < P; ++p) {
      const int64_t size = network.groups[pairs[p].second].size;
      ref[p].assign(W * size, 0.0);
      qf[p].assign(W * size, 0.0);
    }
    rt::ReferenceStream reference(floatModel);
    rt::neuro::QuantizedFloatStream quantized(network, L);
    rt::neuro::Session session(network);
    std::vector<double> token(data.channels);
    auto compare = [&](int64_t) {
      for (size_t p = 0; p < P; ++p) {
        const int g = pairs[p].second;
        const int64_t k = session.groupToken(g);
        if (k < 0 || (lastOnly[pairs[p].first] && k != L - 1))
          continue;
        const std::vector<double> v = session.groupValues(g);
        const double *r = ref[p].data() + (k % W) * v.size();
        const double *q = qf[p].data() + (k % W) * v.size();
        ErrorSums &e = perSample[i][p];
        for (size_t j = 0; j < v.size(); ++j) {
          e.reference += r[j] * r[j];
          e.weight += (q[j] - r[j]) * (q[j] - r[j]);
          e.activation += (v[j] - q[j]) * (v[j] - q[j]);
          e.total += (v[j] - r[j]) * (v[j] - r[j]);
        }
        e.values += static_cast<int64_t>(v.size());
      }
    };
    for (int64_t t = 0; t < L; ++t) {
      const float *xt = x + t * data.channels;
      std::copy(xt, xt + data.channels, token.begin());
      reference.feed(token.data(), 1,
                     [&](size_t layer, const double *v, size_t n) {
                       if (const int p = pairOfLayer[layer]; p >= 0)
                         std::copy(v, v + n, ref[p].begin() + (t % W) * n);
                     });
      quantized.feed(xt, [&](int g, const double *v) {
        if (const int p = pairOfGroup[g]; p >= 0) {
          const int64_t n = network.groups[g].size;
          std::copy(v, v + n, qf[p].begin() + (t % W) * n);
        }
      });
      session.feed(xt);
      compare(t);
    }
    session.finish(compare);
  }
  std::vector<LayerError> errors;
  for (size_t p = 0; p < P; ++p) {
    ErrorSums sum;
    for (int64_t i = 0; i < data.samples; ++i) {
      sum.reference += perSample[i][p].reference;
      sum.weight += perSample[i][p].weight;
      sum.activation += perSample[i][p].activation;
      sum.total += perSample[i][p].total;
      sum.values += perSample[i][p].values;
    }
    LayerError e;
    e.layer = floatModel.layers[pairs[p].first].name;
    e.values = sum.values;
    e.referenceRms = std::sqrt(sum.reference / std::max<int64_t>(sum.values, 1));
    const double scale = sum.reference > 0 ? sum.reference : 1.0;
    e.weightError = std::sqrt(sum.weight / scale);
    e.activationError = std::sqrt(sum.activation / scale);
    e.totalError = std::sqrt(sum.total / scale);
    errors.push_back(e);
  }
  return errors;
}

/// Tokens a split stream runs first in one process to measure each core's
/// work (the split's balance; Session::coreTotals()).
constexpr int64_t kProbeTokens = 64;

/// A sample's record (SampleRun::records): its counters, then its events
/// per group (EGRU units' o = 1), summed over steps. recordBytes() is its
/// size, writeRecord() writes one, addRecord() adds one to running sums.
int64_t recordBytes(size_t groups) {
  return static_cast<int64_t>(sizeof(rt::neuro::Counters) +
                              groups * sizeof(int64_t));
}
void writeRecord(char *out, const rt::neuro::Counters &counters,
                 const std::vector<int64_t> &events) {
  std::memcpy(out, &counters, sizeof counters);
  std::memcpy(out + sizeof counters, events.data(),
              events.size() * sizeof(int64_t));
}
void addRecord(const char *in, rt::neuro::Counters &counters,
               std::vector<int64_t> &events) {
  rt::neuro::Counters c;
  std::memcpy(&c, in, sizeof c);
  counters.add(c);
  for (size_t g = 0; g < events.size(); ++g) {
    int64_t e;
    std::memcpy(&e, in + sizeof c + g * sizeof(int64_t), sizeof e);
    events[g] += e;
  }
}

/// Runs samples [first, first + count), each through its own streaming
/// session (samples in parallel, one session per thread) or, with
/// options.split, each through one session split across the ranks (its
/// cores in parallel on the threads). Each sample's counters and events go
/// into its record; summarize() adds them in sample order, so the report
/// depends on neither the thread count nor the ranks.
SampleRun ChipExecutable::runSamples(const rt::Dataset &data, int64_t first,
                                       int64_t count,
                                       const RunOptions &options) const {
  SampleRun result;
  result.first = first;
  result.count = count;
  result.classes = network.outputChannels();
  result.outputs.resize(count * result.classes);
  const size_t G = network.groups.size();
  result.recordBytes = recordBytes(G);
  result.records.resize(count * result.recordBytes);
  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<llvm::raw_fd_ostream> trace;
  // --plot draws from the trace: the user's, or a temporary one. Only
  // rank 0 writes them (it runs the traced samples: rootSamples()).
  std::string tracePath = options.root ? this->tracePath : std::string();
  const std::string plotPath = options.root ? this->plotPath : std::string();
  std::optional<llvm::FileRemover> temporary;
  if (!plotPath.empty() && tracePath.empty()) {
    llvm::SmallString<128> path;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("ssmc-trace", "csv", path))
      throw std::runtime_error("--plot: cannot make a temporary trace: " +
                               ec.message());
    tracePath = std::string(path);
    temporary.emplace(path);
  }
  if (!tracePath.empty()) {
    std::error_code ec;
    trace = std::make_unique<llvm::raw_fd_ostream>(tracePath, ec);
    if (ec)
      throw std::runtime_error("cannot write trace '" + tracePath +
                               "': " + ec.message());
    *trace << "sample,step,group,model,neurons,spikes,synops,active,"
              "overflows,messages,energy_pj,core,token\n";
  }
  auto runSample = [&](rt::neuro::Session &session, int64_t i) {
    session.reset();
    const bool traced = trace && i < traceSamples;
    auto record = [&](int64_t step) {
      const std::vector<rt::neuro::GroupActivity> &act = session.lastStep();
      for (size_t g = 0; g < act.size(); ++g) {
        const rt::neuro::NeuronGroup &group = network.groups[g];
        *trace << i << ',' << step << ',' << group.name << ','
               << group.model->name << ',' << group.size << ',' << act[g].spikes
               << ',' << act[g].synops << ',' << act[g].active << ','
               << act[g].overflows << ',' << act[g].messages << ','
               << fmt::format("{:.6g}", rt::neuro::groupEnergyPJ(
                                            network.hardware, group, act[g]))
               << ',' << group.core << ','
               << session.groupToken(static_cast<int>(g)) << '\n';
      }
    };
    const float *x = data.sample(i);
    // Per-token outputs: after step s the host holds those of token
    // s - latency (Session::outputs).
    std::vector<float> perToken;
    const int64_t latency = session.outputLatency();
    auto collect = [&] {
      if (!options.perToken ||
          static_cast<int64_t>(perToken.size()) >= data.length * result.classes)
        return; // the drain may run past the output's own latency
      const std::vector<double> y = session.outputs();
      perToken.insert(perToken.end(), y.begin(), y.end());
    };
    if (options.perToken)
      perToken.reserve(data.length * result.classes);
    std::vector<int64_t> fired(G, 0);
    auto count = [&] {
      const std::vector<rt::neuro::GroupActivity> &act = session.lastStep();
      for (size_t g = 0; g < G; ++g)
        fired[g] += act[g].events;
    };
    for (int64_t t = 0; t < data.length; ++t) {
      session.feed(x + t * data.channels);
      count();
      if (t >= latency)
        collect();
      if (traced)
        record(t);
    }
    std::vector<double> y = session.finish([&](int64_t step) {
      count();
      collect();
      if (traced)
        record(step);
    });
    std::copy(y.begin(), y.end(),
              result.outputs.begin() + (i - first) * result.classes);
    if (options.perToken)
      options.perToken(i, data.length, perToken.data());
    writeRecord(result.records.data() + (i - first) * result.recordBytes,
                session.totals(), fired);
  };
  int64_t done = 0;
  if (options.split) {
    // One stream at a time, its cores split across the ranks (every rank
    // runs every sample in step). The split weighs each core's work and
    // each group's messages on the first tokens of the data set's first
    // sample, measured alike on every rank (counts, not times: every rank
    // finds the same split).
    std::vector<int64_t> work(network.cores.size());
    std::vector<double> messages(G, 0.0);
    {
      rt::neuro::Session probe(network);
      const float *x = data.sample(0);
      const int64_t steps = std::min<int64_t>(data.length, kProbeTokens);
      for (int64_t t = 0; t < steps; ++t) {
        probe.feed(x + t * data.channels);
        for (size_t g = 0; g < G; ++g)
          messages[g] += static_cast<double>(probe.lastStep()[g].spikes);
      }
      for (size_t c = 0; c < work.size(); ++c) {
        const rt::neuro::Counters &n = probe.coreTotals()[c];
        work[c] = n.synops + n.neuronUpdatesActive + n.neuronUpdatesInactive;
      }
    }
    rt::neuro::CoreSplit split =
        rt::neuro::splitCores(network, options.split->ranks,
                              options.split->rank, work, messages);
    llvm::json::Array coresOfRank;
    for (int r = 0; r < split.ranks; ++r)
      coresOfRank.push_back(static_cast<int64_t>(
          std::count(split.rankOfCore.begin(), split.rankOfCore.end(), r)));
    result.report["cores_per_rank"] = std::move(coresOfRank);
    result.report["split_by"] = split.byChip ? "chip" : "core";
    result.report["split_rule"] = split.inOrder ? "in_order" : "balanced";
    rt::neuro::Session session(network, options.threads, std::move(split),
                               *options.split->exchange);
    int64_t bytes = 0, steps = 0;
    for (int64_t i = first; i < first + count; ++i) {
      runSample(session, i);
      bytes += session.exchangedBytes();
      steps += session.totals().steps;
      if (options.progress)
        options.progress(++done);
    }
    // What the ranks exchanged (docs/mpi.md), a property of the split run.
    result.report["exchange_bytes_per_step"] =
        static_cast<double>(bytes) / std::max<int64_t>(steps, 1);
  } else {
    // Traced samples run first, on one thread, so the CSV is in order.
    rt::neuro::Session single(network);
    const int64_t tracedEnd =
        trace ? std::clamp(traceSamples, first, first + count) : first;
    for (int64_t i = first; i < tracedEnd; ++i) {
      runSample(single, i);
      if (options.progress)
        options.progress(++done);
    }
#pragma omp parallel num_threads(options.threads)
    {
      rt::neuro::Session session(network);
#pragma omp for schedule(dynamic)
      for (int64_t i = tracedEnd; i < first + count; ++i) {
        runSample(session, i);
#pragma omp critical
        if (options.progress)
          options.progress(++done);
      }
    }
  }
  if (trace) {
    if (std::string error = closeFile(*trace); !error.empty())
      throw std::runtime_error("cannot write trace '" + tracePath +
                               "': " + error);
  }
  if (!plotPath.empty())
    drawPlot(tracePath, plotPath);
  result.seconds = secondsSince(start);
  return result;
}

RunResult ChipExecutable::summarize(const rt::Dataset &data,
                                      SampleRun all) const {
  const size_t G = network.groups.size();
  if (all.first != 0 || all.count != data.samples ||
      all.recordBytes != recordBytes(G) ||
      static_cast<int64_t>(all.records.size()) !=
          data.samples * all.recordBytes)
    throw std::logic_error(network.hardware.target +
                           ": summarize() needs every sample's record");
  RunResult result;
  result.classes = all.classes;
  result.outputs = std::move(all.outputs);
  result.seconds = all.seconds;
  result.report = std::move(all.report);
  rt::neuro::Counters totals;
  std::vector<int64_t> fired(G, 0);
  for (int64_t i = 0; i < data.samples; ++i)
    addRecord(all.records.data() + i * all.recordBytes, totals, fired);
  const int64_t tokens = data.samples * data.length;
  rt::neuro::CostEstimate cost =
      rt::neuro::estimateCost(network.hardware, totals, tokens);
  int64_t neurons = 0;
  for (const rt::neuro::NeuronGroup &g : network.groups)
    if (!g.model->hostInput)
      neurons += g.size;
  // Activity: the fraction of the network's neurons (host inputs excluded,
  // on both sides of the fraction) that send per step; at most 1.
  const double activity = totals.steps > 0 && neurons > 0
                              ? double(totals.spikes - totals.inputSpikes) /
                                    (double(neurons) * totals.steps)
                              : 0.0;
  const double perToken = 1.0 / std::max<int64_t>(tokens, 1);
  llvm::json::Object &report = result.report;
  report["setup_seconds"] = 0.0;
  report["run_seconds"] = result.seconds;
  report["hardware"] = network.hardware.name;
  report["arithmetic"] =
      rt::hw::arithmeticName(network.hardware.arithmetic);
  report["cores"] = static_cast<int64_t>(network.cores.size());
  report["neurons"] = neurons;
  report["pipeline_depth"] = network.maxDepth;
  for (auto &entry : countersReport(network.hardware, totals, tokens))
    report[entry.first] = std::move(entry.second);
  report["activity"] = activity;
  auto row = [&](const char *key, std::string value) {
    result.rows.emplace_back(key, std::move(value));
  };
  row("arithmetic",
      network.hardware.arithmetic == rt::hw::Arithmetic::FP32
          ? "fp32 (IEEE binary32 weights, states and messages)"
          : fmt::format("fixed point ({}-bit weights, {}-bit states)",
                        network.hardware.weightBits,
                        network.hardware.stateBits));
  row("cores", fmt::format("{} of {} ({} neurons, pipeline depth {})",
                           network.cores.size(),
                           network.hardware.chips * network.hardware.meshX *
                               network.hardware.meshY,
                           neurons, network.maxDepth));
  if (network.hardware.chips > 1) {
    std::set<int64_t> used;
    for (const rt::neuro::Core &c : network.cores)
      used.insert(c.chip);
    report["chips_used"] = static_cast<int64_t>(used.size());
    row("chips", fmt::format(
                     "{} of {}; {:.1f} inter-chip messages/token ({:.1f} % "
                     "of dynamic energy, {:.1f} % of latency)",
                     used.size(), network.hardware.chips,
                     totals.chipMessages * perToken,
                     100 * cost.interChipEnergyShare,
                     100 * cost.interChipLatencyShare));
  }
  int64_t dramTables = 0;
  for (const rt::neuro::SynapseTable &t : network.tables)
    dramTables += t.dram;
  if (dramTables)
    row("dram", fmt::format("{} tables; {:.0f} bytes/token read ({:.1f} % of "
                            "dynamic energy, {:.1f} % of latency)",
                            dramTables, totals.dramBytes * perToken,
                            100 * cost.dramEnergyShare,
                            100 * cost.dramLatencyShare));
  row("activity", fmt::format("{:.3f} of neurons send per step", activity));
  row("synops/token", fmt::format("{:.0f}", totals.synops * perToken));
  row("energy/token",
      fmt::format("{:.3f} uJ (estimate, {})", cost.energyPerTokenUJ,
                  network.hardware.name));
  row("latency/token",
      fmt::format("{:.3f} us (estimate; chip {:.0f} tokens/s)",
                  cost.latencyPerTokenUS, cost.tokensPerSecond));
  // Per EGRU layer: the fraction of units without an event per step
  // (activity sparsity, Subramoney et al. 2023), over every step; the parts
  // of a layer split over cores (nc-split-groups' "NAME.P") count as one.
  std::vector<std::string> layers;
  std::map<std::string, std::pair<int64_t, int64_t>> unitsAndEvents;
  for (size_t g = 0; g < G; ++g) {
    const rt::neuro::NeuronGroup &group = network.groups[g];
    if (group.model->name != "egru_unit" || totals.steps == 0)
      continue;
    llvm::StringRef layer = group.name;
    if (auto [base, part] = layer.rsplit('.');
        !part.empty() && llvm::all_of(part, [](char c) { return llvm::isDigit(c); }))
      layer = base;
    auto [it, inserted] = unitsAndEvents.try_emplace(layer.str(), 0, 0);
    if (inserted)
      layers.push_back(layer.str());
    it->second.first += group.size;
    it->second.second += fired[g];
  }
  llvm::json::Object sparsity;
  for (const std::string &layer : layers) {
    const auto [units, events] = unitsAndEvents[layer];
    const double value = 1.0 - double(events) / (double(units) * totals.steps);
    sparsity[layer] = value;
    row(("sparsity " + layer).c_str(),
        fmt::format("{:.3f} of {} EGRU units without an event per step", value,
                    units));
  }
  if (!sparsity.empty())
    report["egru_activity_sparsity"] = std::move(sparsity);
  // The dense network's synaptic operations per token: every weight of
  // every table once per step (a token input's table: one column, its
  // embedding lookup), what a dense executor does.
  int64_t dense = 0;
  for (const rt::neuro::SynapseTable &table : network.tables) {
    const bool lookup =
        network.groups[table.sources.front().group].model->tokenInput;
    dense += table.rows * (lookup ? 1 : table.cols);
  }
  report["dense_synops_per_token"] = dense;
  row("dense synops/token",
      fmt::format("{} (every weight once; measured/dense {:.4f})", dense,
                  totals.synops * perToken / std::max<double>(dense, 1)));
  if (totals.overflows)
    row("overflows", fmt::format("{} saturations (see docs/event-runtime.md)",
                                 totals.overflows));
  return result;
}

//===----------------------------------------------------------------------===//
// The target
//===----------------------------------------------------------------------===//

class ChipTarget : public Target {
public:
  explicit ChipTarget(const Chip &chip) : chip(chip) {}
  StringRef name() const override { return chip.name; }
  StringRef summary() const override { return chip.summary; }
  ArrayRef<Form> forms() const override {
    static const Form forms[] = {
        {"nc", "the placed core graph of a chip target (after PTQ); -o "
               "FILE.h5 writes the compiled network file"},
        {"calibration", "a chip target's PTQ calibration ranges (JSON, "
                        "for --calibration-ranges)"}};
    return forms;
  }
  bool hasCompileReport() const override { return true; }
  LogicalResult emit(ModuleOp module, StringRef form, llvm::raw_ostream &os,
                     StringRef outputPath, const TargetOptions &options,
                     const CompileContext &context) const override;

  const cl::OptionCategory *compileFlags() const override {
    return &compileCategory;
  }
  const cl::OptionCategory *runFlags() const override { return &runCategory; }
  ArrayRef<const cl::opt<std::string> *> flags() const override {
    return allFlags;
  }
  llvm::Expected<std::unique_ptr<TargetOptions>>
  parseOptions(ArrayRef<Setting> settings, Spelling spelling) const override;

  /// A network compiled for this chip (its hardware's `target`; loihi2
  /// when it names none).
  bool isCompiled(ModuleOp module) const override {
    for (nc::NetworkOp network : module.getOps<nc::NetworkOp>()) {
      auto target = network.getHardware().getAs<StringAttr>("target");
      if ((target ? target.getValue() : rt::hw::kDefaultChipTarget) ==
          chip.name)
        return true;
    }
    return false;
  }
  /// A network file compiled for this chip.
  bool isCompiledFile(StringRef path) const override {
    // A NIR graph is HDF5 too, and a model.
    return !dsl::isNIRPath(path) && rt::neuro::isHDF5File(path.str()) &&
           rt::neuro::networkFileChip(path.str()) == chip.name;
  }
  bool isCompiledFilePath(StringRef path) const override {
    return path.ends_with(".h5") || path.ends_with(".hdf5");
  }
  LogicalResult compile(ModuleOp module, const TargetOptions &options,
                        const CompileContext &context) const override {
    const ChipOptions &o = chipOptions(options);
    return compileForChip(module, o.pipeline, o.calibration, context.threads,
                            context.instrumentation);
  }
  FailureOr<std::unique_ptr<Executable>>
  load(ModuleOp module, const TargetOptions &options) const override {
    FailureOr<nc::NetworkOp> op = getSingleNetwork(module);
    if (failed(op))
      return failure();
    FailureOr<rt::neuro::Network> built = buildNeurocoreNetwork(*op);
    if (failed(built))
      return failure();
    const ChipOptions &o = chipOptions(options);
    return std::unique_ptr<Executable>(
        std::make_unique<ChipExecutable>(std::move(*built), o));
  }
  std::unique_ptr<Executable>
  loadFile(StringRef path, const TargetOptions &options) const override {
    const ChipOptions &o = chipOptions(options);
    return std::make_unique<ChipExecutable>(
        rt::neuro::readNetworkFile(path.str()), o);
  }
  LogicalResult saveFile(ModuleOp module, StringRef path) const override {
    FailureOr<nc::NetworkOp> network = getSingleNetwork(module);
    return success(succeeded(network) &&
                   succeeded(writeNetworkFile(*network, path)));
  }

  void registerPipeline() const override {
    // One pipeline for every chip: its hw= option picks the chip.
    if (chip.name != rt::hw::kDefaultChipTarget)
      return;
    PassPipelineRegistration<PipelineOptions>(
        "ssm-to-nc",
        "Lower a model to a placed nc.network for a chip (hw=, default "
        "the built-in loihi2.json) "
        "(ssm-check-neurocore, ssm-discretize, ssm-quantize, "
        "convert-ssm-to-neurocore, nc-insert-delays, nc-split-groups, "
        "nc-place)",
        [](OpPassManager &pm, const PipelineOptions &o) {
          ChipPipelineOptions options;
          options.hardware = o.hardware;
          options.calibrationRanges = o.calibrationRanges;
          options.sigmaDelta = o.sigmaDelta;
          options.synapseMemory = o.synapseMemory;
          options.neuronsPerCore = o.neuronsPerCore;
          buildChipPipeline(pm, options);
        });
  }

private:
  const Chip chip;
};

llvm::Expected<std::unique_ptr<TargetOptions>>
ChipTarget::parseOptions(ArrayRef<Setting> settings,
                           Spelling spelling) const {
  // Each option is checked here, with its own name, before any work; the
  // passes check their options again for ssmc-opt users.
  auto options = std::make_unique<ChipOptions>();
  options->pipeline.chip = chip.name.str();
  SettingsReader read(*this, settings, spelling);
  read.get("hw", options->pipeline.hardware, "a file name");
  // The hardware descriptions' range; whether the cores fit is checked
  // with the description (nc::withChips).
  if (const rt::hw::IntegerRange &range = rt::hw::integerRange("chips");
      read.get("chips", options->pipeline.chips) &&
      !range.contains(options->pipeline.chips))
    read.fail("chips", "must be between " + Twine(range.min) + " and " +
                           Twine(range.max) + ", got " +
                           Twine(options->pipeline.chips));
  if (rt::hw::Arithmetic known;
      read.get("arithmetic", options->pipeline.arithmetic, "fixed or fp32") &&
      !rt::hw::parseArithmetic(options->pipeline.arithmetic, known))
    read.fail("arithmetic", "must be fixed or fp32, got '" +
                                options->pipeline.arithmetic + "'");
  read.get("calibration-ranges", options->pipeline.calibrationRanges,
           "a file name");
  const bool ranges = !options->pipeline.calibrationRanges.empty();
  for (const char *name : {"calibration", "calibration-samples"})
    if (ranges && llvm::any_of(settings, [&](const Setting &s) {
          return s.name == name;
        }))
      read.fail(name, "calibrates, " + read.spelled("calibration-ranges") +
                          " gives ranges calibrated before: use one");
  if (read.get("sigma-delta", options->pipeline.sigmaDelta) &&
      !(options->pipeline.sigmaDelta >= 0 && options->pipeline.sigmaDelta <= 1))
    read.fail("sigma-delta", "must be a fraction between 0 and 1, got " +
                                 std::to_string(options->pipeline.sigmaDelta));
  if (read.get("synapse-memory", options->pipeline.synapseMemory,
               "core or dram") &&
      options->pipeline.synapseMemory != "core" &&
      options->pipeline.synapseMemory != "dram")
    read.fail("synapse-memory", "must be core or dram, got '" +
                                    options->pipeline.synapseMemory + "'");
  // The hardware's own limit is the description's range.
  if (const rt::hw::IntegerRange &range =
          rt::hw::integerRange("neurons_per_core");
      read.get("neurons-per-core", options->pipeline.neuronsPerCore) &&
      !range.contains(options->pipeline.neuronsPerCore))
    read.fail("neurons-per-core", "must be between " + Twine(range.min) +
                                      " and " + Twine(range.max) + ", got " +
                                      Twine(options->pipeline.neuronsPerCore));
  read.get("calibration", options->calibration.data,
           "a data spec, as in " + read.spelled("calibration") +
               "=mnist:train");
  if (read.get("calibration-samples", options->calibration.samples) &&
      (options->calibration.samples < 1 ||
       options->calibration.samples > kMaxCalibrationSamples))
    read.fail("calibration-samples",
              "must be between 1 and " +
                  std::to_string(kMaxCalibrationSamples) + ", got " +
                  std::to_string(options->calibration.samples));
  if (read.get("trace-samples", options->traceSamples) &&
      options->traceSamples < 1)
    read.fail("trace-samples",
              "must be at least 1, got " + Twine(options->traceSamples));
  read.getOutputFile("trace", options->trace);
  read.getOutputFile("plot", options->plot);
  if (llvm::Error error = read.finish())
    return std::move(error);
  return std::unique_ptr<TargetOptions>(std::move(options));
}

LogicalResult ChipTarget::emit(ModuleOp module, StringRef form,
                                 llvm::raw_ostream &os, StringRef outputPath,
                                 const TargetOptions &targetOptions,
                                 const CompileContext &context) const {
  ChipPipelineOptions options = chipOptions(targetOptions).pipeline;
  if (context.report)
    options.quantizationReport = options.coreReport = "-";
  CalibrationRequest request = chipOptions(targetOptions).calibration;
  auto fail = [](const Twine &message) {
    llvm::WithColor::error(llvm::errs(), "ssmc") << message << "\n";
    return failure();
  };
  if (form == "calibration") {
    if (!options.calibrationRanges.empty())
      return fail("--emit=calibration measures the ranges that "
                  "--calibration-ranges gives: use one");
    // The ranges file carries the SQNR for the quantization report.
    request.measureSqnr = true;
    FailureOr<CalibrationRanges> ranges = calibrateForChip(
        module, options, request, context.threads, context.instrumentation);
    if (failed(ranges))
      return failure();
    os << llvm::formatv("{0:2}", toJSON(*ranges)) << "\n";
    return success();
  }
  if (failed(compileForChip(module, options, request, context.threads,
                              context.instrumentation)))
    return failure();
  if (!isCompiledFilePath(outputPath)) {
    module.print(os);
    return success();
  }
  // The compiled network as the runtime's HDF5 file.
  return saveFile(module, outputPath);
}

} // namespace

std::unique_ptr<Target> ssm::driver::makeChipTarget(const Chip &chip) {
  return std::make_unique<ChipTarget>(chip);
}

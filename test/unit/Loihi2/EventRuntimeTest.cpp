//===- EventRuntimeTest.cpp - the loihi2 target end to end ----------------===//
//
// Compiles the sMNIST architecture (models/smnist.ssm with seeded weights)
// through ssm-discretize, ssm-quantize and convert-ssm-to-neurocore, and
// checks the event runtime against the float evaluation of the quantized
// model and against the float64 reference, on random sequences; plus thread
// independence and the streaming API.
//
//===----------------------------------------------------------------------===//

#include "ssm/Conversion/Pipelines.h"
#include "ssm/Driver/ChipCompile.h"
#include "ssm/Frontend/Load.h"
#include "ssm/Runtime/FixedPoint.h"
#include "ssm/Runtime/Neurocore.h"
#include "ssm/Runtime/Npy.h"
#include "ssm/Runtime/Reference.h"
#include "ssm/Translation/FromNC.h"
#include "ssm/Translation/FromSSM.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"

#include <numeric>
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

using namespace ssm;
namespace neuro = ssm::rt::neuro;

namespace {
/// models/smnist.ssm without its weights file: the frontend's seeded init.
constexpr const char *kModel = R"(model smnist {
  seed 3
  input pixels : 1
  encoder = dense(pixels, 64)
  x = encoder
  repeat 4 as block {
    ssm = s4d(x, state=64, discretization=zoh, init=lin)
    act = relu(ssm)
    mix = dense(act, 64)
    x = add(mix, x)
  }
  pool = readout(x, mean)
  decoder = dense(pool, 10)
  output decoder
}
)";

constexpr int64_t kLength = 128;

/// Random sequences in [0, 1) with runs of zeros, like MNIST pixels.
std::vector<float> randomSequences(int64_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(0.0f, 1.0f);
  std::vector<float> data(count * kLength);
  for (float &v : data)
    v = value(rng) < 0.6f ? 0.0f : value(rng);
  return data;
}

/// A model (DSL text) compiled for loihi2, with its float64 reference.
struct Compiled {
  std::unique_ptr<rt::Model> reference;
  std::unique_ptr<neuro::Network> network;
};

/// Writes `text` and calibration sequences to a fresh folder and compiles
/// the model through the loihi2 pipeline.
Compiled compileModel(mlir::MLIRContext &context, const std::string &text,
                      double sigmaDelta) {
  llvm::SmallString<128> dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("ssmc-loihi2", dir));
  const std::string modelPath = (dir + "/model.ssm").str();
  const std::string calibrationPath = (dir + "/calibration.npy").str();
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(modelPath, ec);
    EXPECT_FALSE(ec);
    os << text;
  }
  std::vector<float> calibration = randomSequences(64, 1);
  rt::writeNpy(calibrationPath, {64, kLength, 1}, calibration.data());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      dsl::loadModelFile(modelPath, context);
  EXPECT_TRUE(*module);
  Compiled compiled;
  compiled.reference =
      std::make_unique<rt::Model>(*buildRuntimeModel(*getSingleModel(*module)));
  ChipPipelineOptions options;
  options.sigmaDelta = sigmaDelta;
  EXPECT_TRUE(mlir::succeeded(driver::compileForChip(
      *module, options, {"file:" + calibrationPath, 64}, /*threads=*/2)));
  mlir::FailureOr<neuro::Network> built =
      buildNeurocoreNetwork(*getSingleNetwork(*module));
  EXPECT_TRUE(mlir::succeeded(built));
  compiled.network = std::make_unique<neuro::Network>(std::move(*built));
  return compiled;
}

class EventRuntime : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    context = new mlir::MLIRContext();
    Compiled withThresholds = compileModel(
        *context, kModel, ChipPipelineOptions::kDefaultSigmaDelta);
    Compiled withoutThresholds = compileModel(*context, kModel, 0.0);
    reference = withThresholds.reference.release();
    network = withThresholds.network.release();
    exact = withoutThresholds.network.release();
  }


  static mlir::MLIRContext *context;
  static rt::Model *reference;
  /// Compiled with the default sigma-delta thresholds, and with none.
  static neuro::Network *network, *exact;
};
mlir::MLIRContext *EventRuntime::context;
rt::Model *EventRuntime::reference;
neuro::Network *EventRuntime::network;
neuro::Network *EventRuntime::exact;

double maxAbs(const std::vector<double> &v) {
  double m = 0;
  for (double x : v)
    m = std::max(m, std::abs(x));
  return m;
}

size_t argmax(const std::vector<double> &v) {
  return std::max_element(v.begin(), v.end()) - v.begin();
}

std::vector<double> runEvent(const neuro::Network &net, const float *sequence) {
  neuro::Session session(net);
  for (int64_t t = 0; t < kLength; ++t)
    session.feed(sequence + t);
  return session.finish();
}
} // namespace

TEST_F(EventRuntime, MatchesTheQuantizedModelAndTheReference) {
  // Without sigma-delta thresholds the event runtime differs from the float
  // evaluation of the quantized model only by rounding activations to their
  // formats: the bound docs/event-runtime.md states is 2^-10 of the largest
  // output. With the default thresholds the predictions must still agree
  // with the float64 reference on >= 99% of random sequences.
  const int64_t count = 100;
  std::vector<float> data = randomSequences(count, 7);
  double roundingError = 0, thresholdError = 0, weightError = 0, scale = 0;
  int agree = 0;
  for (int64_t s = 0; s < count; ++s) {
    const float *x = data.data() + s * kLength;
    std::vector<double> event = runEvent(*network, x);
    std::vector<double> eventExact = runEvent(*exact, x);
    std::vector<double> quantized =
        neuro::evaluateQuantizedFloat(*exact, x, kLength);
    std::vector<double> y = rt::runReference(
        *reference, std::vector<double>(x, x + kLength));
    std::vector<double> last(y.end() - 10, y.end());
    for (size_t i = 0; i < event.size(); ++i) {
      roundingError =
          std::max(roundingError, std::abs(eventExact[i] - quantized[i]));
      thresholdError = std::max(thresholdError, std::abs(event[i] - last[i]));
      weightError = std::max(weightError, std::abs(quantized[i] - last[i]));
    }
    scale = std::max(scale, maxAbs(last));
    agree += argmax(event) == argmax(last);
  }
  std::printf("outputs up to %.3g; max |event (no thresholds) - quantized "
              "float| = %.3g; max |quantized float - reference| = %.3g; max "
              "|event (default thresholds) - reference| = %.3g; predictions "
              "agree on %d / %lld\n",
              scale, roundingError, weightError, thresholdError, agree,
              static_cast<long long>(count));
  EXPECT_LE(roundingError, std::ldexp(scale, -10));
  EXPECT_GE(agree, 99);
}

TEST_F(EventRuntime, BitIdenticalForOneTwoAndFourThreads) {
  std::vector<float> data = randomSequences(3, 11);
  for (int64_t s = 0; s < 3; ++s) {
    const float *x = data.data() + s * kLength;
    neuro::Session one(*network, 1), two(*network, 2), four(*network, 4);
    for (int64_t t = 0; t < kLength; ++t) {
      const neuro::Counters a = one.feed(x + t);
      const neuro::Counters b = two.feed(x + t);
      const neuro::Counters c = four.feed(x + t);
      ASSERT_EQ(a.synops, b.synops);
      ASSERT_EQ(a.synops, c.synops);
      ASSERT_EQ(a.messages, c.messages);
      ASSERT_EQ(a.timeNS, c.timeNS);
    }
    const std::vector<double> ya = one.finish(), yb = two.finish(),
                              yc = four.finish();
    EXPECT_EQ(ya, yb);
    EXPECT_EQ(ya, yc);
    EXPECT_EQ(one.totals().energyPJ, four.totals().energyPJ);
    EXPECT_EQ(one.totals().neuronUpdatesActive,
              four.totals().neuronUpdatesActive);
  }
}

TEST_F(EventRuntime, StreamingSessionResetsAndReportsPerStep) {
  std::vector<float> data = randomSequences(2, 13);
  neuro::Session session(*network);
  EXPECT_GT(session.outputLatency(), 4);
  for (int64_t t = 0; t < kLength; ++t) {
    const neuro::Counters &step = session.feed(data.data() + t);
    EXPECT_EQ(step.steps, 1);
    EXPECT_EQ(session.tokens(), t + 1);
  }
  const std::vector<double> first = session.finish();
  EXPECT_EQ(session.totals().steps, kLength + network->maxDepth);
  // finish() is idempotent; feeding after it is a usage error.
  EXPECT_EQ(session.finish(), first);
  EXPECT_THROW(session.feed(data.data()), std::logic_error);
  // Another sequence, then the first again: reset() leaves no trace.
  session.reset();
  for (int64_t t = 0; t < kLength; ++t)
    session.feed(data.data() + kLength + t);
  const std::vector<double> second = session.finish();
  EXPECT_NE(first, second);
  session.reset();
  EXPECT_EQ(session.totals().steps, 0);
  for (int64_t t = 0; t < kLength; ++t)
    session.feed(data.data() + t);
  EXPECT_EQ(session.finish(), first);
}

/// What a session says of each group after a step: energies that add up to
/// the step's, the token each group took in (its pipeline depth behind the
/// input), and values that are the outputs for the output group.
TEST_F(EventRuntime, GroupsAccountForTheStep) {
  std::vector<float> data = randomSequences(1, 17);
  const neuro::Network &net = *network;
  neuro::Session session(net);
  for (int64_t t = 0; t < kLength; ++t) {
    const neuro::Counters step = session.feed(data.data() + t);
    double energy = net.hardware.energyPJ.barrier;
    int64_t messages = 0;
    for (size_t g = 0; g < net.groups.size(); ++g) {
      const neuro::GroupActivity &a = session.lastStep()[g];
      energy += neuro::groupEnergyPJ(net.hardware, net.groups[g], a);
      messages += a.messages;
      const int64_t k = t - net.depth[g];
      EXPECT_EQ(session.groupToken(static_cast<int>(g)), k >= 0 ? k : -1);
      const std::vector<uint8_t> sent = session.groupSent(static_cast<int>(g));
      EXPECT_EQ(std::count(sent.begin(), sent.end(), 1), a.spikes);
    }
    EXPECT_NEAR(energy, step.energyPJ, 1e-9 * step.energyPJ);
    EXPECT_EQ(messages, step.messages);
  }
  std::vector<double> outputs;
  for (int g : net.outputs) {
    std::vector<double> v = session.groupValues(g);
    outputs.insert(outputs.end(), v.begin(), v.end());
  }
  EXPECT_EQ(outputs, session.outputs());
}

TEST_F(EventRuntime, CostFollowsInputActivity) {
  // The same sequence with 100%, 30% and 10% of its tokens non-zero: every
  // zero token after a zero token sends nothing from the input, so fewer
  // synaptic operations and less energy.
  std::mt19937 rng(17);
  std::uniform_real_distribution<float> value(0.1f, 1.0f);
  std::vector<double> synops, energy;
  for (double activity : {1.0, 0.3, 0.1}) {
    neuro::Session session(*network);
    for (int64_t t = 0; t < kLength; ++t) {
      // A fresh value only on a fraction of the tokens, otherwise hold.
      static float held = 0.5f;
      if (t * activity - std::floor(t * activity) < activity || t == 0)
        held = value(rng);
      session.feed(&held);
    }
    session.finish();
    synops.push_back(static_cast<double>(session.totals().synops));
    energy.push_back(session.totals().energyPJ);
  }
  EXPECT_GT(synops[0], synops[1]);
  EXPECT_GT(synops[1], synops[2]);
  EXPECT_GT(energy[0], energy[2]);
}

namespace {
/// A table `name` from `sources` into group `target`: [rows, cols]
/// row-major `weights`, exponent 0.
neuro::SynapseTable makeTable(std::string name,
                              std::vector<neuro::TableSource> sources,
                              int target, int64_t rows, int64_t cols,
                              const std::vector<int64_t> &weights) {
  neuro::SynapseTable table;
  table.name = std::move(name);
  table.sources = std::move(sources);
  table.target = target;
  table.rows = rows;
  table.cols = cols;
  table.setWeights(weights);
  return table;
}

/// input (1 channel, `inputFrac`) -> one table (`weights`, a column,
/// `exponent`) -> `target` on one core; validated.
neuro::Network singleTableNetwork(neuro::NeuronGroup target,
                                  const std::vector<int64_t> &weights,
                                  int exponent, int inputFrac) {
  neuro::Network net;
  net.name = "hand";
  net.cores.push_back({"c0", 0, 0, 0});
  neuro::NeuronGroup in;
  in.name = "in";
  in.model = &neuro::neuronModel("input");
  in.size = 1;
  in.input = 0;
  in.frac = inputFrac;
  target.core = 0;
  net.groups = {in, target};
  neuro::SynapseTable table;
  table.name = "w";
  table.sources = {{0, 1}};
  table.target = 1;
  table.rows = static_cast<int64_t>(weights.size());
  table.cols = 1;
  table.exponent = exponent;
  table.setWeights(weights);
  net.tables = {table};
  net.inputs = {0};
  net.outputs = {1};
  net.validate();
  return net;
}

/// input (1) -> sigma_delta (2 neurons, weights [2, -1], exponent 0) by hand.
neuro::Network handBuiltNetwork(int64_t threshold) {
  neuro::NeuronGroup out;
  out.name = "out";
  out.model = &neuro::neuronModel("sigma_delta");
  out.size = 2;
  out.frac = 4;
  out.threshold = threshold;
  return singleTableNetwork(out, {2, -1}, 0, 4);
}
} // namespace

TEST(EventRuntimeSemantics, SigmaDeltaSendsOnlyChangesBeyondTheThreshold) {
  // Inputs in 1/16 steps: 1.0, 1.0, 1.0625, 2.0. With threshold 1 (one
  // sixteenth) the output skips the third token's change of 2/16 on neuron
  // 1 (|-1| <= 1) but sends neuron 0's (2 > 1).
  neuro::Network net = handBuiltNetwork(1);
  neuro::Session session(net);
  const float tokens[] = {1.0f, 1.0f, 1.0625f, 2.0f};
  std::vector<int64_t> spikes;
  for (float x : tokens) {
    session.feed(&x);
    spikes.push_back(session.lastStep()[1].spikes);
  }
  std::vector<double> y = session.finish();
  // Step 0: out has no input yet; step 1: the first token (both send);
  // step 2: unchanged input (nothing); step 3: +1/16 on the input.
  EXPECT_EQ(spikes, (std::vector<int64_t>{0, 2, 0, 1}));
  EXPECT_DOUBLE_EQ(y[0], 4.0);
  EXPECT_DOUBLE_EQ(y[1], -2.0);
}

/// input (frac 4) -> weight 1 -> 2 LIF neurons (decays du 1024/4096 and
/// 4096/4096, dv 512/4096 and 0, thresholds 1.5 and 0.75) -> weight [1, 2]
/// -> a sigma-delta sum, in `arithmetic`.
neuro::Network lifNetwork(ssm::rt::hw::Arithmetic arithmetic) {
  neuro::NeuronGroup lif;
  lif.name = "lif";
  lif.model = &neuro::neuronModel("lif");
  lif.size = 2;
  lif.frac = 4;
  lif.params = {{1024, 4096}, {512, 0}, {24, 12}}; // du, dv, vth
  neuro::Network net = singleTableNetwork(lif, {1, 1}, 0, lif.frac);
  net.hardware.arithmetic = arithmetic;
  neuro::NeuronGroup sum;
  sum.name = "sum";
  sum.model = &neuro::neuronModel("sigma_delta");
  sum.size = 1;
  sum.frac = lif.frac;
  sum.core = 0;
  net.groups.push_back(sum);
  net.tables.push_back(makeTable("out", {{1, 2}}, 2, 1, 2, {1, 2}));
  net.outputs = {2};
  net.validate();
  return net;
}

TEST(EventRuntimeSemantics, LIFIntegratesLeaksFiresAndResets) {
  // lifNetwork in fixed point, inputs in 1/16 steps. The recurrence below
  // is the one models/LIF.cpp documents, by hand.
  const int frac = 4;
  neuro::Network net = lifNetwork(ssm::rt::hw::Arithmetic::Fixed);

  neuro::Session session(net);
  const std::vector<float> tokens = {0.5f, 0.5f, 0.5f, 0.0f, 1.0f, 1.0f};
  int64_t u[2] = {0, 0}, v[2] = {0, 0};
  const int64_t du[2] = {1024, 4096}, dv[2] = {512, 0}, vth[2] = {24, 12};
  std::vector<int64_t> spikes;
  int64_t fired = 0; // the sum's input: this step's spikes only
  for (size_t t = 0; t < tokens.size() + 2; ++t) {
    const float x = t < tokens.size() ? tokens[t] : 0.0f; // then zeros
    session.feed(&x);
    // Step t: the LIF group takes token t - 1, the sum the spikes of t - 1.
    const int64_t expectSum = fired << frac;
    int64_t spiking = 0;
    fired = 0;
    if (t >= 1) {
      const int64_t in = t - 1 < tokens.size()
                             ? static_cast<int64_t>(tokens[t - 1] * 16)
                             : 0;
      for (int k = 0; k < 2; ++k) {
        u[k] = ssm::rt::fixed::shiftRound(u[k] * (4096 - du[k]), 12) + in;
        v[k] = ssm::rt::fixed::shiftRound(v[k] * (4096 - dv[k]), 12) + u[k];
        if (v[k] > vth[k]) {
          ++spiking;
          fired += k == 0 ? 1 : 2;
          v[k] = 0;
        }
      }
    }
    spikes.push_back(spiking);
    ASSERT_EQ(session.lastStep()[1].spikes, spiking) << "step " << t;
    if (t >= 2) {
      ASSERT_DOUBLE_EQ(session.outputs()[0], std::ldexp(expectSum, -frac))
          << "step " << t;
    }
  }
  // Both neurons fire, neither on every step.
  EXPECT_GT(std::count(spikes.begin(), spikes.end(), 0), 0);
  EXPECT_GT(std::accumulate(spikes.begin(), spikes.end(), int64_t(0)), 2);
  // A decay beyond 12 bits is refused, naming the group.
  net.groups[1].params[0][0] = 5000;
  try {
    net.validate();
    FAIL() << "a 13-bit decay was accepted";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("neuron group 'lif': LIF decay 5000"),
              std::string::npos)
        << e.what();
  }
}

TEST(EventRuntimeSemantics, FP32NetworksComputeInBinary32) {
  // lifNetwork in fp32: inputs as they are (0.3 is no multiple of 1/16),
  // the LIF recurrence in float (decays 1 - d / 4096, thresholds vth / 16),
  // binary spikes of 1.0, the sum's input this step's spikes times the
  // weights [1, 2]. The recurrence by hand, float by float, in the kernel's
  // order.
  const neuro::Network net = lifNetwork(ssm::rt::hw::Arithmetic::FP32);
  for (int threads : {1, 2}) {
    neuro::Session session(net, threads);
    const std::vector<float> tokens = {0.3f, 0.5f, 0.7f, 0.0f, 1.1f, 1.0f};
    const float keepU[2] = {0.75f, 0.0f}, keepV[2] = {0.875f, 1.0f};
    const float vth[2] = {1.5f, 0.75f};
    float u[2] = {0, 0}, v[2] = {0, 0};
    float fired = 0; // the sum's input: this step's spikes only
    int64_t spikes = 0;
    for (size_t t = 0; t < tokens.size() + 2; ++t) {
      const float x = t < tokens.size() ? tokens[t] : 0.0f;
      session.feed(&x);
      const float expectSum = fired;
      int64_t spiking = 0;
      fired = 0;
      if (t >= 1) {
        const float in = t - 1 < tokens.size() ? tokens[t - 1] : 0.0f;
        for (int k = 0; k < 2; ++k) {
          u[k] = keepU[k] * u[k] + in;
          v[k] = keepV[k] * v[k] + u[k];
          if (v[k] > vth[k]) {
            ++spiking;
            fired = fired + (k == 0 ? 1.0f : 2.0f);
            v[k] = 0;
          }
        }
      }
      spikes += spiking;
      ASSERT_EQ(session.lastStep()[1].spikes, spiking) << "step " << t;
      if (t >= 2) {
        ASSERT_EQ(session.outputs()[0], double(expectSum)) << "step " << t;
      }
    }
    EXPECT_GT(spikes, 2);
    EXPECT_EQ(session.totals().overflows, 0);
  }
}

TEST(EventRuntimeSemantics, LoadTimeChecksNameTheProblem) {
  neuro::Network net = handBuiltNetwork(0);
  net.tables[0].sources[0].group = 7;
  EXPECT_THROW(
      {
        try {
          net.validate();
        } catch (const std::invalid_argument &e) {
          EXPECT_NE(std::string(e.what()).find("dangling route"),
                    std::string::npos);
          throw;
        }
      },
      std::invalid_argument);
  net = handBuiltNetwork(0);
  net.tables[0].weight[0] = 300; // beyond int8
  EXPECT_THROW(net.validate(), std::invalid_argument);
  net = handBuiltNetwork(0);
  net.groups[1].payloadBits = 40;
  EXPECT_THROW(net.validate(), std::invalid_argument);
}

/// Cycles: a table inside a cycle (here out -> b -> out) is recurrent and
/// orders nothing, but the groups of a cycle must take the same token; a
/// DRAM table needs a chip with DRAM, and room in it.
TEST(EventRuntimeSemantics, CyclesAndDRAMAreChecked) {
  auto message = [](neuro::Network net) {
    try {
      net.validate();
    } catch (const std::invalid_argument &e) {
      return std::string(e.what());
    }
    return std::string();
  };
  neuro::Network net = handBuiltNetwork(0);
  neuro::NeuronGroup b = net.groups[1];
  b.name = "b";
  b.size = 1;
  net.groups.push_back(b);
  net.tables.push_back(makeTable("b.from.out", {{1, 2}}, 2, 1, 2, {1, 1}));
  net.tables.push_back(makeTable("out.from.b", {{2, 1}}, 1, 2, 1, {1, 1}));
  EXPECT_EQ(message(net), "neuron groups 'out' and 'b' read each other "
                          "(recurrent tables) but lie at pipeline depths 1 "
                          "and 0; the groups of a cycle must take the same "
                          "token");
  // b also reads the input: both at depth 1, one cycle of recurrent tables.
  net.tables[1].sources = {{0, 1}, {1, 2}};
  net.tables[1].cols = 3;
  net.tables[1].setWeights({1, 1, 1});
  EXPECT_EQ(message(net), "");
  net.validate();
  EXPECT_EQ(net.depth[1], net.depth[2]);
  EXPECT_EQ(net.component[1], net.component[2]);
  EXPECT_NE(net.component[0], net.component[1]);

  net = handBuiltNetwork(0);
  net.tables[0].dram = true;
  EXPECT_EQ(message(net),
            "synapse table 'w': stored in DRAM, but hardware 'loihi2' has "
            "none");
  net.hardware.dramBytes = 1; // the table's 2 weights take 2 bytes
  EXPECT_EQ(message(net), "the tables in DRAM need 2 bytes, more than the 1 "
                          "of loihi2");
  net.hardware.dramBytes = 2;
  EXPECT_EQ(message(net), "");
}

namespace {
/// A small EGRU classifier (input, dense, EGRU, mean readout, decoder)
/// with seeded weights.
std::string egruModel(int seed) {
  return "model eg {\n  seed " + std::to_string(seed) + R"(
  input u : 1
  h = dense(u, 16)
  g = egru(h, hidden=32, theta=0.05)
  m = readout(g, mean)
  out = dense(m, 10)
  output out
}
)";
}
} // namespace

TEST(EventRuntimeEGRU, PredictsWhatTheReferencePredicts) {
  // An EGRU layer (Subramoney et al. 2023) on neurocores: one egru_unit
  // group with a recurrent table into itself. Its events are thresholded,
  // so quantization can move an event by a step; predictions must still
  // agree with the float64 reference on >= 95 of 100 random sequences, and
  // the event runtime must follow the float evaluation of the quantized
  // network closely.
  mlir::MLIRContext context;
  Compiled egru = compileModel(context, egruModel(2), 0.0);
  std::vector<float> data = randomSequences(100, 23);
  int agree = 0, agreeQuantized = 0;
  for (int64_t s = 0; s < 100; ++s) {
    const float *x = data.data() + s * kLength;
    std::vector<double> event = runEvent(*egru.network, x);
    std::vector<double> quantized =
        neuro::evaluateQuantizedFloat(*egru.network, x, kLength);
    std::vector<double> y = rt::runReference(
        *egru.reference, std::vector<double>(x, x + kLength));
    std::vector<double> last(y.end() - 10, y.end());
    agree += argmax(event) == argmax(last);
    agreeQuantized += argmax(event) == argmax(quantized);
  }
  std::printf("EGRU: event runtime agrees with the reference on %d / 100, "
              "with the quantized float evaluation on %d / 100\n",
              agree, agreeQuantized);
  EXPECT_GE(agree, 95);
  EXPECT_GE(agreeQuantized, 95);
}

namespace {
/// Rounds v * 2^-shift to nearest, ties away from zero, through the 128-bit
/// fixed::mulShiftRound (independent of the runtime's shiftRound).
int64_t roundShift(int64_t v, int shift) {
  return shift > 0 ? rt::fixed::mulShiftRound(v, 1, shift) : v * (int64_t(1) << -shift);
}
} // namespace

/// The table exponent of the S4D test: -3 rounds the table's sigma (the
/// vectorized lanes and the scalar rest run), +2 shifts it left (the scalar
/// loop runs every mode).
class EventRuntimeS4DModes : public ::testing::TestWithParam<int> {};

TEST_P(EventRuntimeS4DModes, FollowTheIntegerRecurrenceBitForBit) {
  // input (1) -> table (n x 1, int8 weights) -> n s4d_mode neurons, some
  // unstable (|A_bar| > 1) and some with a large C, so that registers and
  // payloads saturate; n = 8k + 7 exercises the vectorized lanes and the
  // scalar rest. The runtime must match, per step, this plain
  // transcription of the recurrence in docs/event-runtime.md: registers,
  // payloads last sent, spikes, active neurons and overflows.
  const int64_t n = 8 * 37 + 7;
  const int fa = 22, fb = 20, fc = 18, inFrac = 12, exponent = GetParam();
  const unsigned payloadBits = 16;
  const int64_t threshold = 1;
  neuro::NeuronGroup modes;
  modes.name = "modes";
  modes.model = &neuro::neuronModel("s4d_mode");
  modes.params.resize(6);
  modes.size = n;
  modes.frac = 10;
  modes.paramFrac = {fa, fb, fc};
  modes.payloadBits = payloadBits;
  modes.threshold = threshold;
  std::mt19937 rng(11);
  auto uniform = [&rng](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  std::vector<int64_t> weights(n);
  modes.bias.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    const bool unstable = i % 13 == 0, loud = i % 7 == 0;
    const double radius = unstable ? 1.02 : 0.9 + 0.099 * (uniform(0, 1000) / 1000.0);
    const double angle = uniform(0, 6283) / 1000.0;
    modes.params[0].push_back(static_cast<int32_t>(std::lround(radius * std::cos(angle) * (1 << fa))));
    modes.params[1].push_back(static_cast<int32_t>(std::lround(radius * std::sin(angle) * (1 << fa))));
    modes.params[2].push_back(static_cast<int32_t>(uniform(-(1 << 21), 1 << 21)));
    modes.params[3].push_back(static_cast<int32_t>(uniform(-(1 << 21), 1 << 21)));
    const int64_t c = loud ? 1 << 22 : 1 << 8;
    modes.params[4].push_back(static_cast<int32_t>(uniform(-c, c)));
    modes.params[5].push_back(static_cast<int32_t>(uniform(-c, c)));
    weights[i] = uniform(-127, 127);
    modes.bias[i] = uniform(-50, 50);
  }
  const neuro::Network net =
      singleTableNetwork(modes, weights, exponent, inFrac);

  const int64_t stateHi = (int64_t(1) << 23) - 1, stateLo = -(int64_t(1) << 23);
  const int64_t payHi = (int64_t(1) << (payloadBits - 1)) - 1, payLo = -payHi - 1;
  std::vector<int64_t> xr(n, 0), xi(n, 0), last(n, 0);
  auto saturate = [](int64_t v, int64_t lo, int64_t hi, int64_t &overflows) {
    overflows += v < lo || v > hi;
    return std::min(std::max(v, lo), hi);
  };
  neuro::Session session(net);
  int64_t token = 0, saturated = 0;
  for (int64_t step = 0; step < 60; ++step) {
    const float x = static_cast<float>(uniform(-4000, 4000)) / 1000.0f;
    const int64_t q = rt::fixed::quantize(x, {24, inFrac});
    session.feed(&x);
    if (step == 0) {
      token = q; // the modes are one step behind the input
      continue;
    }
    // The table's sigma is w * (the input's value of the previous step).
    int64_t spikes = 0, active = 0, overflows = 0;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t u = saturate(roundShift(weights[i] * token, -exponent) +
                                     modes.bias[i],
                                 stateLo, stateHi, overflows);
      const neuro::NeuronGroup &m = net.groups[1];
      const int64_t aRe = m.param("a_bar_re")[i], aIm = m.param("a_bar_im")[i],
                    bRe = m.param("b_bar_re")[i], bIm = m.param("b_bar_im")[i],
                    cRe = m.param("c_re")[i], cIm = m.param("c_im")[i];
      const int64_t re = roundShift(aRe * xr[i] - aIm * xi[i], fa) +
                         roundShift(bRe * u, fb);
      const int64_t im = roundShift(aRe * xi[i] + aIm * xr[i], fa) +
                         roundShift(bIm * u, fb);
      xr[i] = saturate(re, stateLo, stateHi, overflows);
      xi[i] = saturate(im, stateLo, stateHi, overflows);
      active += xr[i] != 0 || xi[i] != 0 || u != 0;
      const int64_t y = saturate(roundShift(cRe * xr[i] - cIm * xi[i], fc),
                                 payLo, payHi, overflows);
      const int64_t d = y - last[i];
      if (std::abs(d) > threshold) {
        last[i] += saturate(d, payLo, payHi, overflows);
        ++spikes;
      }
    }
    token = q;
    saturated += overflows;
    const neuro::GroupActivity &act = session.lastStep()[1];
    ASSERT_EQ(act.spikes, spikes) << "step " << step;
    ASSERT_EQ(act.active, active) << "step " << step;
    ASSERT_EQ(act.overflows, overflows) << "step " << step;
    std::vector<double> y = session.outputs();
    for (int64_t i = 0; i < n; ++i)
      ASSERT_EQ(y[i], std::ldexp(static_cast<double>(last[i]), -modes.frac))
          << "mode " << i << ", step " << step;
  }
  EXPECT_GT(saturated, 0); // the test reaches the saturating paths
}

INSTANTIATE_TEST_SUITE_P(TableExponents, EventRuntimeS4DModes,
                         ::testing::Values(-3, 2));

//===----------------------------------------------------------------------===//
// One stream split across ranks (CoreSplit, StepExchange; docs/mpi.md),
// the ranks here threads of one process exchanging through memory, as MPI
// ranks do through MPI_Allgatherv.
//===----------------------------------------------------------------------===//

namespace {
/// The ranks' shared memory: each rank's part of the step, and a barrier.
class MemoryExchange {
public:
  explicit MemoryExchange(int ranks) : parts(ranks), ranks(ranks) {}

  void allGather(int rank, const std::vector<char> &mine,
                 std::vector<char> &all, std::vector<int64_t> &offsets) {
    parts[rank] = mine;
    wait();
    all.clear();
    offsets.assign(1, 0);
    for (const std::vector<char> &part : parts) {
      all.insert(all.end(), part.begin(), part.end());
      offsets.push_back(static_cast<int64_t>(all.size()));
    }
    wait(); // nobody overwrites a part before everyone has read it
  }

private:
  void wait() {
    std::unique_lock<std::mutex> lock(mutex);
    const int64_t generation = this->generation;
    if (++arrived == ranks) {
      arrived = 0;
      ++this->generation;
      ready.notify_all();
    } else {
      ready.wait(lock, [&] { return generation != this->generation; });
    }
  }
  std::vector<std::vector<char>> parts;
  int ranks;
  std::mutex mutex;
  std::condition_variable ready;
  int arrived = 0;
  int64_t generation = 0;
};

/// One rank's view of a MemoryExchange.
class RankExchange : public neuro::StepExchange {
public:
  RankExchange(MemoryExchange &shared, int rank)
      : shared(shared), rank(rank) {}
  void allGather(const std::vector<char> &mine, std::vector<char> &all,
                 std::vector<int64_t> &offsets) override {
    shared.allGather(rank, mine, all, offsets);
  }

private:
  MemoryExchange &shared;
  int rank;
};

/// What a stream produced, step by step.
struct StreamRecord {
  std::vector<neuro::Counters> steps;
  std::vector<std::vector<double>> outputs; // after every step
  std::vector<std::vector<neuro::GroupActivity>> activity;
  neuro::Counters totals;
};

void expectSameCounters(const neuro::Counters &a, const neuro::Counters &b) {
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.synops, b.synops);
  EXPECT_EQ(a.neuronUpdatesActive, b.neuronUpdatesActive);
  EXPECT_EQ(a.neuronUpdatesInactive, b.neuronUpdatesInactive);
  EXPECT_EQ(a.messages, b.messages);
  EXPECT_EQ(a.spikes, b.spikes);
  EXPECT_EQ(a.hopsX + a.hopsY, b.hopsX + b.hopsY);
  EXPECT_EQ(a.chipMessages, b.chipMessages);
  EXPECT_EQ(a.overflows, b.overflows);
  EXPECT_EQ(a.energyPJ, b.energyPJ); // bit for bit
  EXPECT_EQ(a.timeNS, b.timeNS);
  EXPECT_EQ(a.chipTimeNS, b.chipTimeNS);
}

StreamRecord runStream(neuro::Session &session, const float *x,
                       int64_t length) {
  StreamRecord record;
  auto keep = [&] {
    record.outputs.push_back(session.outputs());
    record.activity.push_back(session.lastStep());
  };
  for (int64_t t = 0; t < length; ++t) {
    record.steps.push_back(session.feed(x + t));
    keep();
  }
  session.finish([&](int64_t) { keep(); });
  record.totals = session.totals();
  return record;
}

/// Runs `x` on `net` split across `ranks` threads and checks every step's
/// counters, outputs and group activity on every rank against one
/// process's session; returns the bytes exchanged.
int64_t expectSplitMatchesOneProcess(const neuro::Network &net,
                                     const float *x, int64_t length,
                                     int ranks) {
  neuro::Session one(net);
  const StreamRecord expected = runStream(one, x, length);
  MemoryExchange shared(ranks);
  std::vector<StreamRecord> records(ranks);
  std::vector<int64_t> bytes(ranks);
  std::vector<std::string> errors(ranks);
  std::vector<std::thread> threads;
  for (int r = 0; r < ranks; ++r)
    threads.emplace_back([&, r] {
      try {
        RankExchange exchange(shared, r);
        neuro::Session part(net, /*threads=*/1,
                            neuro::splitCores(net, ranks, r), exchange);
        records[r] = runStream(part, x, length);
        bytes[r] = part.exchangedBytes();
      } catch (const std::exception &e) {
        errors[r] = e.what();
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (int r = 0; r < ranks; ++r) {
    SCOPED_TRACE("rank " + std::to_string(r) + " of " + std::to_string(ranks));
    EXPECT_EQ(errors[r], "");
    const StreamRecord &got = records[r];
    EXPECT_EQ(got.steps.size(), expected.steps.size());
    for (size_t s = 0; s < std::min(got.steps.size(), expected.steps.size());
         ++s)
      expectSameCounters(got.steps[s], expected.steps[s]);
    expectSameCounters(got.totals, expected.totals);
    EXPECT_EQ(got.outputs, expected.outputs);
    EXPECT_EQ(got.activity.size(), expected.activity.size());
    for (size_t s = 0;
         s < std::min(got.activity.size(), expected.activity.size()); ++s)
      for (size_t g = 0; g < got.activity[s].size(); ++g) {
        EXPECT_EQ(got.activity[s][g].spikes, expected.activity[s][g].spikes);
        EXPECT_EQ(got.activity[s][g].synops, expected.activity[s][g].synops);
        EXPECT_EQ(got.activity[s][g].messages,
                  expected.activity[s][g].messages);
      }
  }
  EXPECT_EQ(bytes[0], bytes[ranks - 1]); // every rank counts all of them
  return bytes[0];
}
} // namespace

TEST_F(EventRuntime, SplitAcrossRanksIsBitIdenticalToOneProcess) {
  std::vector<float> data = randomSequences(2, 5);
  for (int ranks : {1, 2, 3, 4}) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    const int64_t bytes =
        expectSplitMatchesOneProcess(*network, data.data(), kLength, ranks);
    EXPECT_GT(bytes, 0);
    expectSplitMatchesOneProcess(*exact, data.data() + kLength, kLength,
                                 ranks);
  }
  // More ranks than cores: some own none and still take part.
  expectSplitMatchesOneProcess(
      *network, data.data(), kLength,
      static_cast<int>(network->cores.size()) + 2);
}

TEST(EventRuntimeSplit, EGRUAndRecurrentTablesSplitBitIdentically) {
  // Recurrent tables (an EGRU layer into itself) and a readout, split
  // across 2 and 3 ranks.
  mlir::MLIRContext context;
  Compiled egru = compileModel(context, egruModel(3), 0.0);
  std::vector<float> data = randomSequences(1, 29);
  for (int ranks : {2, 3})
    expectSplitMatchesOneProcess(*egru.network, data.data(), kLength, ranks);
}

TEST(EventRuntimeSplit, SplitCoresBalancesWorkAndKeepsChipsWhole) {
  neuro::Network net;
  net.hardware.chips = 3;
  // Cores 0-2 on chip 0, 3-4 on chip 1, 5 on chip 2.
  for (int c = 0; c < 6; ++c)
    net.cores.push_back({"c" + std::to_string(c), c < 3 ? 0 : c < 5 ? 1 : 2,
                         c, 0});
  const std::vector<int64_t> work = {90, 10, 10, 40, 40, 5};
  auto loads = [&](const neuro::CoreSplit &split, int ranks) {
    std::vector<int64_t> load(ranks, 0);
    for (size_t c = 0; c < work.size(); ++c)
      load[split.rankOfCore[c]] += work[c] + 1;
    return load;
  };
  // Two ranks, three chips: whole chips, {chip 0} and {chips 1, 2}.
  neuro::CoreSplit two = neuro::splitCores(net, 2, 1, work);
  EXPECT_EQ(two.rank, 1);
  EXPECT_EQ(two.rankOfCore, (std::vector<int>{0, 0, 0, 1, 1, 1}));
  // Four ranks, three chips: cores, heaviest first to the least loaded:
  // 90 | 40 | 40 | 10 + 10 + 5.
  neuro::CoreSplit four = neuro::splitCores(net, 4, 0, work);
  std::vector<int64_t> load = loads(four, 4);
  EXPECT_EQ(*std::max_element(load.begin(), load.end()), 91);
  EXPECT_NE(four.rankOfCore[3], four.rankOfCore[4]);
  // Without measured work: neurons and weights (none here), so a core each
  // in turn.
  neuro::CoreSplit even = neuro::splitCores(net, 6, 0);
  std::vector<int> sorted = even.rankOfCore;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_THROW(neuro::splitCores(net, 2, 2), std::invalid_argument);
  EXPECT_THROW(neuro::splitCores(net, 0, 0), std::invalid_argument);
  EXPECT_THROW(neuro::splitCores(net, 2, 0, {1, 2}), std::invalid_argument);
}

TEST(EventRuntimeSplit, SplitCoresWeighsTrafficAgainstBalance) {
  // A chain of four cores, one group each, each group's messages read by
  // the next: g0 -> g1 -> g2 -> g3.
  auto chain = [](std::vector<int64_t> sizes) {
    neuro::Network net;
    for (int c = 0; c < 4; ++c) {
      net.cores.push_back({"c" + std::to_string(c), 0, c, 0});
      neuro::NeuronGroup g;
      g.name = "g" + std::to_string(c);
      g.size = sizes[c];
      g.core = c;
      net.groups.push_back(g);
    }
    for (int c = 0; c + 1 < 4; ++c) {
      neuro::SynapseTable t;
      t.sources = {{c, sizes[c]}};
      t.target = c + 1;
      net.groups[c + 1].tables.push_back(static_cast<int>(net.tables.size()));
      net.tables.push_back(t);
    }
    return net;
  };
  const neuro::Network net = chain({1000, 1000, 1000, 1000});
  // Equal work: heaviest first interleaves (0, 1, 0, 1), so every table
  // crosses ranks; with busy groups the consecutive split (one cut) wins.
  const std::vector<int64_t> equal = {100, 100, 100, 100};
  neuro::CoreSplit quiet = neuro::splitCores(net, 2, 0, equal);
  EXPECT_EQ(quiet.rankOfCore, (std::vector<int>{0, 1, 0, 1}));
  EXPECT_FALSE(quiet.inOrder);
  neuro::CoreSplit busy =
      neuro::splitCores(net, 2, 0, equal, {500, 500, 500, 500});
  EXPECT_EQ(busy.rankOfCore, (std::vector<int>{0, 0, 1, 1}));
  EXPECT_TRUE(busy.inOrder);
  // Work so uneven that the consecutive split's largest load (cores 0-2)
  // outweighs its saving: 3 messages per group crossing cost 0.1 x 8 x 3
  // units each.
  const std::vector<int64_t> uneven = {10, 10, 1000, 1000};
  neuro::CoreSplit balanced =
      neuro::splitCores(net, 2, 0, uneven, {3, 3, 3, 3});
  EXPECT_FALSE(balanced.inOrder);
  EXPECT_NE(balanced.rankOfCore[2], balanced.rankOfCore[3]);
  EXPECT_THROW(neuro::splitCores(net, 2, 0, equal, {1, 2}),
               std::invalid_argument);
}

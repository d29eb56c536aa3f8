//===- stream.cpp - token-by-token throughput of the event runtime --------===//
//
// Google Benchmark: one streaming session (batch 1) over a compiled nc
// network (SSMC_BENCH_NC=FILE.mlir), fed sequences of SSMC_BENCH_LENGTH
// tokens (default 784) whose input changes on 100%, 30% or 10% of the tokens
// (held otherwise: sigma-delta sends nothing for a held input), with 1 or 2
// threads inside each step. Reports tokens/s (items_per_second) and the
// cost model's counters per token; and the network's S4D layers alone
// (BM_S4DModesOnly), the floor of its per-token work. bench/stream/run.py
// compares them with PyTorch's recurrent step.
//
//===----------------------------------------------------------------------===//

#include "Stream.h"

#include <benchmark/benchmark.h>

using namespace ssm;
namespace neuro = ssm::rt::neuro;

namespace {
using bench::network;
using bench::sequence;
using bench::sequenceLength;

void BM_EventStream(benchmark::State &state) {
  const neuro::Network &net = network();
  const int threads = static_cast<int>(state.range(0));
  const int percent = static_cast<int>(state.range(1));
  const int64_t length = sequenceLength();
  neuro::Session session(net, threads);
  int64_t tokens = 0, synops = 0, messages = 0;
  double energy = 0;
  uint32_t seed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<float> x = sequence(length, percent, ++seed);
    session.reset();
    state.ResumeTiming();
    for (int64_t t = 0; t < length; ++t)
      session.feed(&x[t]);
    benchmark::DoNotOptimize(session.finish());
    tokens += length;
    synops += session.totals().synops;
    messages += session.totals().messages;
    energy += session.totals().energyPJ;
  }
  state.SetItemsProcessed(tokens);
  state.counters["synops_per_token"] = double(synops) / tokens;
  state.counters["messages_per_token"] = double(messages) / tokens;
  state.counters["energy_uJ_per_token"] = energy * 1e-6 / tokens;
}
BENCHMARK(BM_EventStream)
    ->ArgNames({"threads", "activity"})
    ->Args({1, 100})
    ->Args({2, 100})
    ->Args({1, 30})
    ->Args({1, 10})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
/// The floor of the S4D layers: the network's S4D mode groups alone, each
/// fed by its own expand table from one shared input of the model's width
/// (no reduce, mixing, residual or readout). Every token updates all modes,
/// as in the full model, so its tokens/s bounds the full network's.
const neuro::Network &modesOnly() {
  static std::unique_ptr<neuro::Network> net = [] {
    const neuro::Network &full = network();
    auto modes = std::make_unique<neuro::Network>();
    modes->name = full.name + ".modes";
    modes->hardware = full.hardware;
    modes->cores = full.cores;
    neuro::NeuronGroup input;
    input.name = "input";
    input.model = &neuro::neuronModel("input");
    input.input = 0;
    for (const neuro::SynapseTable &table : full.tables) {
      const neuro::NeuronGroup &target = full.groups[table.target];
      if (target.model->name != "s4d_mode")
        continue;
      if (modes->groups.empty()) {
        // The first layer's input format; validate() checks every expand
        // table reads the same width.
        const neuro::NeuronGroup &source = full.groups[table.sources[0].group];
        input.size = table.cols;
        input.frac = source.frac;
        input.payloadBits = source.payloadBits;
        modes->groups.push_back(input);
      }
      neuro::SynapseTable expand = table;
      expand.sources = {{0, table.cols}};
      expand.delay = 0;
      expand.target = static_cast<int>(modes->groups.size());
      modes->outputs.push_back(expand.target);
      modes->groups.push_back(target);
      modes->tables.push_back(expand);
    }
    modes->inputs = {0};
    modes->validate();
    return modes;
  }();
  return *net;
}

void BM_S4DModesOnly(benchmark::State &state) {
  const neuro::Network &net = modesOnly();
  const int64_t length = sequenceLength();
  const int64_t width = net.inputChannels();
  neuro::Session session(net, 1);
  int64_t tokens = 0, modes = 0;
  for (const neuro::NeuronGroup &g : net.groups)
    modes += g.model->name == "s4d_mode" ? g.size : 0;
  uint32_t seed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<float> x = sequence(length * width, 100, ++seed);
    session.reset();
    state.ResumeTiming();
    for (int64_t t = 0; t < length; ++t)
      session.feed(&x[t * width]);
    benchmark::DoNotOptimize(session.finish());
    tokens += length;
  }
  state.SetItemsProcessed(tokens);
  state.counters["modes"] = static_cast<double>(modes);
}
BENCHMARK(BM_S4DModesOnly)->Unit(benchmark::kMillisecond)->UseRealTime();
} // namespace

BENCHMARK_MAIN();

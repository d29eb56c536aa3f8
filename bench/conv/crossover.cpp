//===- crossover.cpp - direct vs FFT convolution in the conv executor -----===//
//
// Google Benchmark: one batch (64 sequences) through an sMNIST-shaped model
// with S4D layers run by direct convolution and by FFT, for short lengths.
// The length where FFT becomes faster sets ConvOptions::directMaxLength.
//
//===----------------------------------------------------------------------===//

#include "../../test/unit/Runtime/RandomModel.h"

#include "ssm/Runtime/ConvExecutor.h"

#include <benchmark/benchmark.h>

using namespace ssm::rt;

static void runConv(benchmark::State &state, bool direct) {
  const int64_t length = state.range(0);
  Model model = testing::makeRandomModel({});
  Batch input = testing::makeRandomBatch(64, length, 1, 1);
  ConvOptions options;
  options.threads = 1;
  options.directMaxLength = direct ? length : 0;
  ConvExecutor executor(model, length, 64, options);
  for (auto _ : state)
    benchmark::DoNotOptimize(executor.run(input));
  state.SetItemsProcessed(state.iterations() * 64);
}

static void BM_Direct(benchmark::State &state) { runConv(state, true); }
static void BM_FFT(benchmark::State &state) { runConv(state, false); }

BENCHMARK(BM_Direct)->RangeMultiplier(2)->Range(8, 256)->Arg(40)->Arg(48)->Arg(56)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FFT)->RangeMultiplier(2)->Range(8, 256)->Arg(40)->Arg(48)->Arg(56)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

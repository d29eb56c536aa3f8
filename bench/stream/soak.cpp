//===- soak.cpp - a million tokens through the event runtime --------------===//
//
// Google Benchmark, one iteration each: a streaming Session on the network
// at SSMC_BENCH_NC (bench/stream/Stream.h) takes SSMC_SOAK_TOKENS tokens
// (default 1,000,000), fed with input activity 30 %,
//  - BM_SoakOneStream: as one unbroken stream (a deployment that never
//    resets), and
//  - BM_SoakSequences: as sequences of SSMC_BENCH_LENGTH tokens with a
//    reset and a readout after each (what ssmc-run does per sample).
// Resident memory (VmRSS) is read after a warm-up of the first 1 % of the
// tokens and at the end; the run fails (SkipWithError) when it grew by more
// than 1 MiB, so a per-token leak or an unbounded history shows. Reports
// tokens/s and rss_start_MiB, rss_end_MiB, rss_growth_KiB.
// bench/stream/soak.py compiles the sMNIST model and runs it.
//
//===----------------------------------------------------------------------===//

#include "Stream.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

using namespace ssm;
namespace neuro = ssm::rt::neuro;

namespace {
/// Growth of resident memory over the run that counts as a leak.
constexpr int64_t kMaxGrowthKiB = 1024;

int64_t soakTokens() {
  const char *tokens = std::getenv("SSMC_SOAK_TOKENS");
  return tokens ? std::atoll(tokens) : 1000000;
}

/// This process's resident set in KiB (VmRSS of /proc/self/status).
int64_t residentKiB() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      int64_t kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(1 << 20, '\n');
  }
  return -1;
}

/// Feeds `total` tokens; `length` > 0 ends a sequence (finish, reset) every
/// `length` tokens. Records RSS after the warm-up and at the end.
void soak(benchmark::State &state, int64_t length) {
  const neuro::Network &net = bench::network();
  const int64_t total = soakTokens();
  const int64_t width = net.inputChannels();
  // One sequence of input, cycled: memory stays that of one buffer.
  const int64_t period = 4096;
  const std::vector<float> x = bench::sequence(period * width, 30, 1);
  int64_t start = -1, end = -1, sequences = 0;
  for (auto _ : state) {
    neuro::Session session(net, 1);
    for (int64_t t = 0; t < total; ++t) {
      if (t == total / 100)
        start = residentKiB();
      session.feed(&x[(t % period) * width]);
      if (length > 0 && (t + 1) % length == 0) {
        benchmark::DoNotOptimize(session.finish());
        session.reset();
        ++sequences;
      }
    }
    benchmark::DoNotOptimize(session.finish());
    end = residentKiB();
  }
  state.SetItemsProcessed(total);
  state.counters["rss_start_MiB"] = start / 1024.0;
  state.counters["rss_end_MiB"] = end / 1024.0;
  state.counters["rss_growth_KiB"] = static_cast<double>(end - start);
  state.counters["sequences"] = static_cast<double>(sequences);
  if (start < 0 || end < 0)
    state.SkipWithError("cannot read VmRSS from /proc/self/status");
  else if (end - start > kMaxGrowthKiB)
    state.SkipWithError(("resident memory grew by " +
                         std::to_string(end - start) + " KiB")
                            .c_str());
}

void BM_SoakOneStream(benchmark::State &state) { soak(state, 0); }
void BM_SoakSequences(benchmark::State &state) {
  soak(state, bench::sequenceLength());
}
BENCHMARK(BM_SoakOneStream)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_SoakSequences)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
} // namespace

BENCHMARK_MAIN();

//===- session.cpp - the C++ side of the Python streaming overhead --------===//
//
// Google Benchmark: the network file at $SSMC_BENCH_H5 (ssmc --target=loihi2
// -o net.h5) fed the token sequence in $SSMC_BENCH_TOKENS (a [tokens,
// channels] float32 .npy) one token at a time through rt::neuro::Session,
// as a C++ streaming client does: feed only, and feed plus reading the
// outputs after every token (what the Python session's feed() returns).
// bench/python/overhead.py runs it beside the Python session on the same
// network and tokens.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/NetworkFile.h"
#include "ssm/Runtime/Neurocore.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

namespace neuro = ssm::rt::neuro;

namespace {

const char *env(const char *name) {
  const char *value = std::getenv(name);
  if (!value) {
    std::fprintf(stderr, "set %s (bench/python/overhead.py does)\n", name);
    std::exit(2);
  }
  return value;
}

const neuro::Network &network() {
  static const neuro::Network net =
      neuro::readNetworkFile(env("SSMC_BENCH_H5"));
  return net;
}

const ssm::rt::Dataset &tokens() {
  static const ssm::rt::Dataset data =
      ssm::rt::loadDataset(std::string("file:") + env("SSMC_BENCH_TOKENS"));
  return data;
}

template <bool ReadOutputs> void BM_Session(benchmark::State &state) {
  const ssm::rt::Dataset &data = tokens();
  neuro::Session session(network());
  int64_t fed = 0;
  for (auto _ : state) {
    state.PauseTiming();
    session.reset();
    state.ResumeTiming();
    // The .npy is [1, tokens, channels]: one sequence.
    for (int64_t t = 0; t < data.length; ++t) {
      session.feed(data.sample(0) + t * data.channels);
      if (ReadOutputs)
        benchmark::DoNotOptimize(session.outputs());
    }
    fed += data.length;
  }
  state.SetItemsProcessed(fed);
}
BENCHMARK_TEMPLATE(BM_Session, false)->Name("feed")->UseRealTime();
BENCHMARK_TEMPLATE(BM_Session, true)->Name("feed+outputs")->UseRealTime();

} // namespace

BENCHMARK_MAIN();

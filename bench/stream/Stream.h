//===- Stream.h - what the event-runtime benchmarks share -------*- C++ -*-===//
//
// The compiled network both bench-stream (throughput) and bench-soak (a
// million tokens, memory) run, read from SSMC_BENCH_NC, and the input
// sequences they feed it.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_BENCH_STREAM_STREAM_H
#define SSM_BENCH_STREAM_STREAM_H

#include "ssm/Runtime/Neurocore.h"
#include "ssm/Translation/FromNC.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

namespace ssm::bench {
namespace neuro = ssm::rt::neuro;

/// The network at $SSMC_BENCH_NC (an nc .mlir file), built once; exits with
/// a message when it is not set or does not load.
inline const neuro::Network &network() {
  static std::unique_ptr<neuro::Network> net = [] {
    const char *path = std::getenv("SSMC_BENCH_NC");
    if (!path) {
      std::fprintf(stderr, "set SSMC_BENCH_NC to a compiled nc network "
                           "(ssmc MODEL.ssm --target=loihi2)\n");
      std::exit(2);
    }
    mlir::MLIRContext context;
    context.loadDialect<nc::NCDialect>();
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceFile<mlir::ModuleOp>(path, &context);
    if (!module)
      std::exit(1);
    mlir::FailureOr<neuro::Network> built =
        buildNeurocoreNetwork(*getSingleNetwork(*module));
    if (mlir::failed(built))
      std::exit(1);
    return std::make_unique<neuro::Network>(std::move(*built));
  }();
  return *net;
}

/// Tokens per sequence: $SSMC_BENCH_LENGTH, default 784 (sMNIST).
inline int64_t sequenceLength() {
  const char *length = std::getenv("SSMC_BENCH_LENGTH");
  return length ? std::atoll(length) : 784;
}

/// A sequence whose value changes on `percent` of the tokens (held
/// otherwise, so sigma-delta sends nothing for it).
inline std::vector<float> sequence(int64_t length, int percent,
                                   uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(0.05f, 1.0f);
  std::uniform_int_distribution<int> coin(0, 99);
  std::vector<float> x(length);
  float held = value(rng);
  for (float &v : x) {
    if (coin(rng) < percent)
      held = value(rng);
    v = held;
  }
  return x;
}

} // namespace ssm::bench

#endif // SSM_BENCH_STREAM_STREAM_H

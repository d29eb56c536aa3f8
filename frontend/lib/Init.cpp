//===- Init.cpp - seeded initialization of layer parameters ---------------===//
//
// Formulas and sources are listed in Init.h.
//
//===----------------------------------------------------------------------===//

#include "ssm/Frontend/Init.h"

#include <cmath>

using namespace ssm::dsl;

std::mt19937_64 ssm::dsl::makeLayerRng(uint64_t seed,
                                       llvm::StringRef layerName) {
  // FNV-1a over the name, mixed with the seed: stable across runs and
  // platforms, independent of layer order.
  uint64_t hash = 1469598103934665603ull ^ seed;
  for (unsigned char c : layerName) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  std::seed_seq seq{static_cast<uint32_t>(hash), static_cast<uint32_t>(hash >> 32),
                    static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
  return std::mt19937_64(seq);
}

namespace {
std::vector<float> uniform(std::mt19937_64 &rng, size_t count, double bound) {
  std::uniform_real_distribution<double> dist(-bound, bound);
  std::vector<float> values(count);
  for (float &v : values)
    v = static_cast<float>(dist(rng));
  return values;
}
} // namespace

DenseInit ssm::dsl::initDense(std::mt19937_64 &rng, int64_t in, int64_t out) {
  double bound = 1.0 / std::sqrt(static_cast<double>(in));
  DenseInit init;
  init.weight = uniform(rng, out * in, bound);
  init.bias = uniform(rng, out, bound);
  return init;
}

S4DInit ssm::dsl::initS4D(std::mt19937_64 &rng, int64_t channels,
                          int64_t stateSize, S4DInitKind kind, double dtMin,
                          double dtMax) {
  const int64_t modes = stateSize / 2;
  const double n = static_cast<double>(stateSize);
  S4DInit init;
  std::uniform_real_distribution<double> logDt(std::log(dtMin),
                                               std::log(dtMax));
  std::normal_distribution<double> normal(0.0, 1.0);
  // CN(0, 1): real and imaginary parts each of variance 1/2.
  std::normal_distribution<double> halfNormal(0.0, std::sqrt(0.5));
  for (int64_t h = 0; h < channels; ++h) {
    init.logDt.push_back(static_cast<float>(logDt(rng)));
    for (int64_t m = 0; m < modes; ++m) {
      init.logAReal.push_back(static_cast<float>(std::log(0.5)));
      double imag = kind == S4DInitKind::Lin
                        ? M_PI * m
                        : (n / M_PI) * (n / (2.0 * m + 1.0) - 1.0);
      init.aImag.push_back(static_cast<float>(imag));
      init.b.emplace_back(1.0f, 0.0f);
    }
  }
  for (int64_t i = 0; i < channels * modes; ++i) {
    float re = static_cast<float>(halfNormal(rng));
    float im = static_cast<float>(halfNormal(rng));
    init.c.emplace_back(re, im);
  }
  for (int64_t h = 0; h < channels; ++h)
    init.d.push_back(static_cast<float>(normal(rng)));
  return init;
}

EGRUInit ssm::dsl::initEGRU(std::mt19937_64 &rng, int64_t in, int64_t hidden,
                            double theta) {
  double bound = 1.0 / std::sqrt(static_cast<double>(hidden));
  EGRUInit init;
  init.w = uniform(rng, 3 * hidden * in, bound);
  init.r = uniform(rng, 3 * hidden * hidden, bound);
  init.bias = uniform(rng, 3 * hidden, bound);
  init.theta.assign(hidden, static_cast<float>(theta));
  return init;
}

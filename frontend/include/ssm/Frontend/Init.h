//===- Init.h - seeded initialization of layer parameters -------*- C++ -*-===//
//
// Parameters for layers that have no stored weights, drawn from a generator
// seeded by (model seed, layer name) so that a layer's values do not depend
// on the other layers of the model. Sources:
//   dense: U(-1/sqrt(I), 1/sqrt(I)) for weight and bias (PyTorch nn.Linear);
//   s4d:   S4D-Lin A_n = -1/2 + i*pi*n, or S4D-Inv
//          A_n = -1/2 + i*(N/pi)*(N/(2n+1) - 1) (Gu et al. 2022, Sec. 4.1),
//          B = 1, C ~ CN(0, 1), D ~ N(0, 1),
//          log_dt ~ U(log dt_min, log dt_max) (state-spaces/s4, s4d.py);
//   egru:  U(-1/sqrt(H), 1/sqrt(H)) for w, r, bias (PyTorch nn.GRU),
//          theta constant (Subramoney et al. 2023).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_FRONTEND_INIT_H
#define SSM_FRONTEND_INIT_H

#include "llvm/ADT/StringRef.h"

#include <complex>
#include <cstdint>
#include <random>
#include <vector>

namespace ssm::dsl {

/// A generator for one layer: deterministic in (seed, layerName).
std::mt19937_64 makeLayerRng(uint64_t seed, llvm::StringRef layerName);

struct DenseInit {
  std::vector<float> weight; // [out, in]
  std::vector<float> bias;   // [out]
};
DenseInit initDense(std::mt19937_64 &rng, int64_t in, int64_t out);

enum class S4DInitKind { Lin, Inv };

struct S4DInit {
  std::vector<float> logDt;                 // [H]
  std::vector<float> logAReal, aImag;       // [H, N/2]
  std::vector<std::complex<float>> b, c;    // [H, N/2]
  std::vector<float> d;                     // [H]
};
S4DInit initS4D(std::mt19937_64 &rng, int64_t channels, int64_t stateSize,
                S4DInitKind kind, double dtMin, double dtMax);

struct EGRUInit {
  std::vector<float> w;     // [3H, I]
  std::vector<float> r;     // [3H, H]
  std::vector<float> bias;  // [3H]
  std::vector<float> recurrentBias; // [3H], or empty (none)
  std::vector<float> theta; // [H]
};
EGRUInit initEGRU(std::mt19937_64 &rng, int64_t in, int64_t hidden,
                  double theta);

} // namespace ssm::dsl

#endif // SSM_FRONTEND_INIT_H

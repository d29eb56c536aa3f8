//===- S4D.h - S4D discretization, the one definition -----------*- C++ -*-===//
//
// The S4D formulas every part of ssmc uses: the ssm-discretize pass, the
// reference interpreter and the conv executor's kernel generation all call
// these functions, so the targets cannot drift apart.
//
// Source: Gu et al. 2022, "On the Parameterization and Initialization of
// Diagonal State Space Models" (S4D), Sec. 2-3, and state-spaces/s4 s4d.py.
// Per channel h and complex mode n (conjugate pairs implied):
//   A = -exp(log_a_real) + i a_imag,   dt = exp(log_dt[h])
//   ZOH:      A_bar = exp(dt A),            B_bar = B (A_bar - 1) / A
//   bilinear: A_bar = (1 + dt A/2)/(1 - dt A/2),  B_bar = dt B / (1 - dt A/2)
//   x_k = A_bar x_{k-1} + B_bar u_k,  y_k = 2 Re(sum_n C_n x_k) + D u_k
//   K_l = 2 Re(sum_n C_n B_bar_n A_bar_n^l)   (convolution kernel)
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_S4D_H
#define SSM_RUNTIME_S4D_H

#include <complex>
#include <cstdint>
#include <vector>

namespace ssm::rt {

enum class Discretization { ZOH, Bilinear };

/// Continuous-time S4D parameters of one layer; [H, N/2] arrays row-major.
struct S4DContinuous {
  int64_t channels = 0; // H
  int64_t modes = 0;    // N/2
  std::vector<double> logDt;                 // [H]
  std::vector<double> logAReal, aImag;       // [H, N/2]
  std::vector<std::complex<double>> b;       // [H, N/2]
};

/// Discretized (A_bar, B_bar), [H, N/2] row-major.
struct S4DDiscrete {
  std::vector<std::complex<double>> aBar, bBar;
};

/// Applies `rule` to every (channel, mode). Pure; float64 throughout.
inline S4DDiscrete discretize(const S4DContinuous &p, Discretization rule) {
  S4DDiscrete out;
  const size_t count = static_cast<size_t>(p.channels * p.modes);
  out.aBar.resize(count);
  out.bBar.resize(count);
  for (int64_t h = 0; h < p.channels; ++h) {
    const double dt = std::exp(p.logDt[h]);
    for (int64_t n = 0; n < p.modes; ++n) {
      const size_t i = static_cast<size_t>(h * p.modes + n);
      const std::complex<double> a(-std::exp(p.logAReal[i]), p.aImag[i]);
      const std::complex<double> dtA = dt * a;
      if (rule == Discretization::ZOH) {
        out.aBar[i] = std::exp(dtA);
        out.bBar[i] = p.b[i] * (out.aBar[i] - 1.0) / a;
      } else {
        const std::complex<double> denom = 1.0 - dtA / 2.0;
        out.aBar[i] = (1.0 + dtA / 2.0) / denom;
        out.bBar[i] = dt * p.b[i] / denom;
      }
    }
  }
  return out;
}

/// The S4D convolution kernel K [H, L] (row-major) for `length` tokens:
/// K_l = 2 Re(sum_n C_n B_bar_n A_bar_n^l), by repeated multiplication in
/// float64 (the Vandermonde product, one power per step).
inline std::vector<double> s4dKernel(const S4DDiscrete &d,
                                     const std::vector<std::complex<double>> &c,
                                     int64_t channels, int64_t modes,
                                     int64_t length) {
  std::vector<double> kernel(static_cast<size_t>(channels * length), 0.0);
  std::vector<std::complex<double>> term(static_cast<size_t>(modes));
  for (int64_t h = 0; h < channels; ++h) {
    for (int64_t n = 0; n < modes; ++n) {
      const size_t i = static_cast<size_t>(h * modes + n);
      term[n] = c[i] * d.bBar[i];
    }
    double *row = kernel.data() + h * length;
    for (int64_t l = 0; l < length; ++l) {
      double sum = 0;
      for (int64_t n = 0; n < modes; ++n) {
        sum += term[n].real();
        term[n] *= d.aBar[static_cast<size_t>(h * modes + n)];
      }
      row[l] = 2.0 * sum;
    }
  }
  return kernel;
}

} // namespace ssm::rt

#endif // SSM_RUNTIME_S4D_H

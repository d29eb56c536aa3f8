//===- Quantize.h - post-training quantization for the loihi2 target -*- C++ -*-===//
//
// The per-layer formulas of post-training quantization (PTQ), one definition
// for ssm-quantize, convert-ssm-to-neurocore and their tests:
//
// - activations: each connection gets the format of `bits` with one bit of
//   headroom over the largest |value| seen in calibration;
// - synapse tables: a real matrix W between a source of format F_src and a
//   target of format F_dst becomes integers q with one shared exponent e,
//   q * 2^e ~ W * 2^(F_dst - F_src), so the target's current
//   sum_j q_ij p_j * 2^e is W p in the target's format (Loihi's weight
//   mantissa and exponent, Davies et al. 2018, IEEE Micro, Sec. III);
// - S4D modes: A_bar, B_bar and 2C (the conjugate pair folded in) as
//   `bits`-wide integers with one fractional width per layer (Meyer et al.
//   2024, Sec. 3: fixed-point S4D parameters).
//
// Rounding is FixedPoint.h's: nearest, ties away from zero, saturating.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_QUANTIZE_H
#define SSM_RUNTIME_QUANTIZE_H

#include "ssm/Runtime/FixedPoint.h"
#include "ssm/Runtime/Model.h"
#include "ssm/Runtime/S4D.h"

#include <complex>
#include <cmath>
#include <vector>

namespace ssm::rt::quant {

/// Fractional bits for a connection whose calibrated max |value| is
/// `maxAbs`: formatFor(2 * maxAbs, bits), one bit of headroom for inputs
/// beyond the calibration set.
int activationFrac(double maxAbs, unsigned bits);

/// A synapse table's integer weights (row-major, as given) and exponent.
struct TableWeights {
  std::vector<int64_t> q;
  int exponent = 0;
  /// Weights that saturated: even the largest exponent could not hold them.
  int64_t saturated = 0;
};

/// Quantizes `w` (row-major) for a table from a source of `fracSrc` to a
/// target of `fracDst`: q * 2^exponent ~ w * 2^(fracDst - fracSrc), with
/// `weightBits`-bit q and the smallest exponent in [minExponent,
/// maxExponent] that does not saturate the largest weight.
TableWeights quantizeTable(const std::vector<double> &w, int fracSrc,
                           int fracDst, unsigned weightBits, int minExponent,
                           int maxExponent);

/// The real weight one integer unit of a table stands for: q is the weight
/// q * 2^(exponent + fracSrc - fracDst) (quantizeTable's inverse).
inline double tableWeightUnit(int exponent, int fracSrc, int fracDst) {
  return std::ldexp(1.0, exponent + fracSrc - fracDst);
}

/// The integer parameters of an S4D layer's mode neurons, [H * N/2] each
/// (channel-major): A_bar read as q * 2^-aFrac, B_bar as q * 2^-bFrac and
/// 2C as q * 2^-cFrac. Each kind has its own format because their scales
/// differ by orders of magnitude (|A_bar| < 1 but within 1e-4 of it for slow
/// modes, B_bar ~ dt B, C ~ 1).
struct S4DModeParams {
  std::vector<int64_t> aRe, aIm, bRe, bIm, cRe, cIm;
  int aFrac = 0, bFrac = 0, cFrac = 0;
};

/// Chooses, per kind, the largest fractional width at which its values fit
/// `bits` and quantizes them.
S4DModeParams quantizeS4DModes(const S4DDiscrete &discrete,
                               const std::vector<std::complex<double>> &c,
                               unsigned bits);

/// Fractional bits of an S4D layer's mode neurons, whose one format holds
/// the input current u, the states x (re, im) and each mode's output
/// Re(2 C x): the smallest of the activation formats of the three ranges.
int s4dModeFrac(double inputMax, double stateMax, double maxTwoC,
                unsigned bits);

/// Biases in a group's value format (`bits`-wide, saturating).
std::vector<int64_t> quantizeValues(const std::vector<double> &values,
                                    int frac, unsigned bits);

} // namespace ssm::rt::quant

#endif // SSM_RUNTIME_QUANTIZE_H

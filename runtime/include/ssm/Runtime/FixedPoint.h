//===- FixedPoint.h - the fixed-point arithmetic of the loihi2 target -*- C++ -*-===//
//
// One definition of the number formats and integer operations that post-
// training quantization (ssm-quantize), the event runtime and quantization-
// aware fine-tuning (tools/train) must agree on bit for bit.
//
// A format (bits, frac) holds signed integers q in [-2^(bits-1), 2^(bits-1)-1]
// standing for q * 2^-frac. Rounding is to nearest with ties away from zero
// (symmetric, so quantization error has no sign bias); values beyond the
// range saturate and the operation reports it. Synapse tables use integer
// weights with one shared exponent per table, w ~ q * 2^exponent (Loihi's
// weight mantissa and shared exponent, Davies et al. 2018, IEEE Micro).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_FIXEDPOINT_H
#define SSM_RUNTIME_FIXEDPOINT_H

#include <cstdint>
#include <vector>

namespace ssm::rt::fixed {

struct Format {
  unsigned bits = 24; // 2..63
  int frac = 0;       // value = q * 2^-frac; may be negative
};

/// Largest and smallest representable integer of `bits`.
inline int64_t maxInt(unsigned bits) { return (int64_t(1) << (bits - 1)) - 1; }
inline int64_t minInt(unsigned bits) { return -(int64_t(1) << (bits - 1)); }

/// Clamps `value` to `bits`; sets *overflow when it had to. (Inline: the
/// event runtime calls it for every register write.)
inline int64_t saturate(int64_t value, unsigned bits, bool *overflow = nullptr) {
  const int64_t hi = maxInt(bits), lo = minInt(bits);
  if (value > hi || value < lo) {
    if (overflow)
      *overflow = true;
    return value > hi ? hi : lo;
  }
  return value;
}

/// Rounds x * 2^frac to nearest (ties away from zero) and saturates.
int64_t quantize(double x, Format format, bool *overflow = nullptr);

/// q * 2^-frac.
double dequantize(int64_t q, Format format);

/// The format of `bits` with the most fractional bits that still holds
/// `maxAbs` without saturating (maxAbs = 0 gives frac = bits - 1).
Format formatFor(double maxAbs, unsigned bits);

/// (a * b) / 2^shift rounded to nearest, ties away from zero; the product
/// is formed in 128 bits, so any two 64-bit operands are exact before the
/// shift.
int64_t mulShiftRound(int64_t a, int64_t b, unsigned shift);

/// v * 2^-shift rounded to nearest, ties away from zero (shift > 0), or
/// v * 2^-shift exactly (shift <= 0; the caller keeps it within 64 bits).
/// The event runtime's every rescaling goes through this.
inline int64_t shiftRound(int64_t v, int shift) {
  if (shift <= 0)
    return static_cast<int64_t>(static_cast<uint64_t>(v) << -shift);
  // Ties away from zero is floor((v + half - [v < 0]) / 2^shift): for
  // v < 0 that is -floor((|v| + half) / 2^shift). Four branch-free
  // operations (v >> 63 is -1 or 0), so the S4D loop vectorizes; the caller
  // keeps |v| + half within 64 bits.
  return (v + (int64_t(1) << (shift - 1)) + (v >> 63)) >> shift;
}

/// a / b rounded to nearest, ties away from zero; b > 0.
inline int64_t divRound(int64_t a, int64_t b) {
  return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b);
}

/// Integer weights with one shared exponent: w ~ q * 2^exponent.
struct SharedExponentWeights {
  std::vector<int64_t> q;
  int exponent = 0;
  /// Weights that saturated (the exponent clamped at maxExponent).
  int64_t saturated = 0;
};

/// Quantizes `weights` to `bits`-bit integers with the smallest exponent in
/// [minExponent, maxExponent] at which max |w| does not saturate (the most
/// precision); when even maxExponent saturates, the largest values clamp.
SharedExponentWeights quantizeWeights(const std::vector<double> &weights,
                                      unsigned bits, int minExponent,
                                      int maxExponent);

/// Signal-to-quantization-noise ratio in dB: 10 log10(sum x^2 / sum (x -
/// y)^2); +infinity when they are equal.
double sqnrDb(const std::vector<double> &x, const std::vector<double> &y);

} // namespace ssm::rt::fixed

#endif // SSM_RUNTIME_FIXEDPOINT_H

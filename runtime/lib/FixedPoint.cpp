//===- FixedPoint.cpp - the fixed-point arithmetic of the loihi2 target ---===//
//
// Formulas and conventions are documented in FixedPoint.h.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/FixedPoint.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace ssm::rt::fixed;

int64_t ssm::rt::fixed::quantize(double x, Format format, bool *overflow) {
  const double scaled = std::ldexp(x, format.frac);
  const double rounded = std::round(scaled); // ties away from zero
  const double hi = static_cast<double>(maxInt(format.bits));
  const double lo = static_cast<double>(minInt(format.bits));
  if (!(rounded <= hi) || !(rounded >= lo)) {
    if (overflow)
      *overflow = true;
    return rounded > hi || std::isnan(rounded) ? maxInt(format.bits)
                                               : minInt(format.bits);
  }
  return static_cast<int64_t>(rounded);
}

double ssm::rt::fixed::dequantize(int64_t q, Format format) {
  return std::ldexp(static_cast<double>(q), -format.frac);
}

Format ssm::rt::fixed::formatFor(double maxAbs, unsigned bits) {
  Format format;
  format.bits = bits;
  if (!(maxAbs > 0)) {
    format.frac = static_cast<int>(bits) - 1;
    return format;
  }
  // Largest frac with maxAbs * 2^frac rounding to at most maxInt.
  format.frac = static_cast<int>(bits) - 1 -
                static_cast<int>(std::ceil(std::log2(maxAbs)));
  while (std::round(std::ldexp(maxAbs, format.frac)) >
         static_cast<double>(maxInt(bits)))
    --format.frac;
  while (std::round(std::ldexp(maxAbs, format.frac + 1)) <=
         static_cast<double>(maxInt(bits)))
    ++format.frac;
  return format;
}

int64_t ssm::rt::fixed::mulShiftRound(int64_t a, int64_t b, unsigned shift) {
  __int128 product = static_cast<__int128>(a) * b;
  if (shift == 0)
    return static_cast<int64_t>(product);
  const __int128 half = static_cast<__int128>(1) << (shift - 1);
  const __int128 magnitude = product < 0 ? -product : product;
  const __int128 rounded = (magnitude + half) >> shift;
  return static_cast<int64_t>(product < 0 ? -rounded : rounded);
}

SharedExponentWeights
ssm::rt::fixed::quantizeWeights(const std::vector<double> &weights,
                                unsigned bits, int minExponent,
                                int maxExponent) {
  double maxAbs = 0;
  for (double w : weights)
    maxAbs = std::max(maxAbs, std::abs(w));
  SharedExponentWeights result;
  // Smallest exponent whose range holds maxAbs: the format with
  // frac = -exponent from formatFor, clamped to the hardware's range.
  result.exponent =
      std::clamp(-formatFor(maxAbs, bits).frac, minExponent, maxExponent);
  Format format{bits, -result.exponent};
  result.q.reserve(weights.size());
  for (double w : weights) {
    bool over = false;
    result.q.push_back(quantize(w, format, &over));
    result.saturated += over;
  }
  return result;
}

double ssm::rt::fixed::sqnrDb(const std::vector<double> &x,
                              const std::vector<double> &y) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    signal += x[i] * x[i];
    noise += (x[i] - y[i]) * (x[i] - y[i]);
  }
  if (noise == 0)
    return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

//===- Quantize.cpp - post-training quantization for the loihi2 target ----===//
//
// Formulas and their sources in Quantize.h.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Quantize.h"

#include <algorithm>
#include <cmath>
#include <optional>

using namespace ssm::rt;
using namespace ssm::rt::quant;

int ssm::rt::quant::activationFrac(double maxAbs, unsigned bits) {
  return fixed::formatFor(2.0 * maxAbs, bits).frac;
}

TableWeights ssm::rt::quant::quantizeTable(const std::vector<double> &w,
                                           int fracSrc, int fracDst,
                                           unsigned weightBits,
                                           int minExponent, int maxExponent) {
  std::vector<double> scaled(w.size());
  for (size_t i = 0; i < w.size(); ++i)
    scaled[i] = std::ldexp(w[i], fracDst - fracSrc);
  fixed::SharedExponentWeights q =
      fixed::quantizeWeights(scaled, weightBits, minExponent, maxExponent);
  return {std::move(q.q), q.exponent, q.saturated};
}

S4DModeParams
ssm::rt::quant::quantizeS4DModes(const S4DDiscrete &discrete,
                                 const std::vector<std::complex<double>> &c,
                                 unsigned bits) {
  // Splits v * scale into integer re and im parts of one shared format.
  auto split = [&](const std::vector<std::complex<double>> &v, double scale,
                   std::vector<int64_t> &re, std::vector<int64_t> &im) {
    double maxAbs = 0;
    for (const std::complex<double> &z : v)
      maxAbs = std::max({maxAbs, std::abs(z.real() * scale),
                         std::abs(z.imag() * scale)});
    const fixed::Format format = fixed::formatFor(maxAbs, bits);
    for (const std::complex<double> &z : v) {
      re.push_back(fixed::quantize(z.real() * scale, format));
      im.push_back(fixed::quantize(z.imag() * scale, format));
    }
    return format.frac;
  };
  S4DModeParams p;
  p.aFrac = split(discrete.aBar, 1.0, p.aRe, p.aIm);
  p.bFrac = split(discrete.bBar, 1.0, p.bRe, p.bIm);
  p.cFrac = split(c, 2.0, p.cRe, p.cIm);
  return p;
}

int ssm::rt::quant::s4dModeFrac(double inputMax, double stateMax,
                                double maxTwoC, unsigned bits) {
  return std::min({activationFrac(inputMax, bits),
                   activationFrac(stateMax, bits),
                   activationFrac(maxTwoC * stateMax, bits)});
}

std::vector<int64_t>
ssm::rt::quant::quantizeValues(const std::vector<double> &values, int frac,
                               unsigned bits) {
  std::vector<int64_t> q;
  q.reserve(values.size());
  for (double v : values)
    q.push_back(fixed::quantize(v, {bits, frac}));
  return q;
}

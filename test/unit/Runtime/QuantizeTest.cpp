//===- QuantizeTest.cpp - PTQ formulas per layer kind ---------------------===//
//
// Each layer kind's quantized parameters against a float computation of the
// same formulas: the round trip stays within one LSB (half an LSB of
// rounding) of the chosen format, the format is the tightest that holds
// the values, and exponents stay in the hardware's range.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Quantize.h"
#include "ssm/Runtime/S4D.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace ssm::rt;
using namespace ssm::rt::quant;

namespace {
std::vector<double> randomValues(size_t n, double scale, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> dist(0.0, scale);
  std::vector<double> v(n);
  for (double &x : v)
    x = dist(rng);
  return v;
}
} // namespace

TEST(Quantize, DenseTableWithinOneLSB) {
  // Dense weights between a source of 19 and a target of 17 fractional
  // bits: q * 2^e stands for W * 2^(17 - 19).
  const std::vector<double> w = randomValues(64 * 64, 1.0, 1);
  const int fracSrc = 19, fracDst = 17;
  TableWeights t = quantizeTable(w, fracSrc, fracDst, 8, -8, 7);
  ASSERT_EQ(t.q.size(), w.size());
  const double lsb = std::ldexp(1.0, t.exponent);
  int64_t largest = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    EXPECT_LE(std::abs(t.q[i] * lsb - std::ldexp(w[i], fracDst - fracSrc)),
              0.5 * lsb)
        << "weight " << i;
    largest = std::max<int64_t>(largest, std::abs(t.q[i]));
  }
  EXPECT_LE(largest, 127);
  EXPECT_GE(largest, 64) << "the exponent is not the tightest";
}

TEST(Quantize, ExpandAndReduceTablesAreExact) {
  // Weight 1 between formats differing by k bits is 2^k: a power of two,
  // exact wherever q * 2^e reaches it (k in [-8, 7 + 6] for int8, [-8, 7]).
  for (int delta : {-8, -3, 0, 4, 13}) {
    TableWeights t = quantizeTable({1.0, 0.0, 1.0}, 20, 20 + delta, 8, -8, 7);
    for (size_t i = 0; i < 3; ++i)
      EXPECT_EQ(t.q[i] * std::ldexp(1.0, t.exponent),
                i == 1 ? 0.0 : std::ldexp(1.0, delta))
          << "delta " << delta;
  }
}

TEST(Quantize, ExponentRangeLimitsPrecisionNotRange) {
  // Tiny weights would want exponent -12; the hardware stops at -8, so
  // they round to multiples of 2^-8 (still within half of that LSB).
  const std::vector<double> w = {0.01, -0.003, 0.02};
  TableWeights t = quantizeTable(w, 0, 0, 8, -8, 7);
  EXPECT_EQ(t.exponent, -8);
  for (size_t i = 0; i < w.size(); ++i)
    EXPECT_LE(std::abs(t.q[i] * std::ldexp(1.0, -8) - w[i]),
              std::ldexp(0.5, -8));
}

TEST(Quantize, S4DModesWithinOneLSB) {
  // Parameters of S4D-Lin (Gu et al. 2022, S4D, Sec. 3) for H = 4, N/2 = 8,
  // discretized with ZOH in float64: A_bar, B_bar and 2C each within half an
  // LSB of their own format.
  S4DContinuous p;
  p.channels = 4;
  p.modes = 8;
  for (int64_t h = 0; h < p.channels; ++h) {
    p.logDt.push_back(std::log(0.001) + h * 1.5);
    for (int64_t n = 0; n < p.modes; ++n) {
      p.logAReal.push_back(std::log(0.5));
      p.aImag.push_back(M_PI * n);
      p.b.push_back({1.0, 0.0});
    }
  }
  S4DDiscrete d = discretize(p, Discretization::ZOH);
  std::vector<std::complex<double>> c;
  std::mt19937 rng(5);
  std::normal_distribution<double> dist(0.0, 0.5);
  for (int64_t i = 0; i < p.channels * p.modes; ++i)
    c.push_back({dist(rng), dist(rng)});

  S4DModeParams q = quantizeS4DModes(d, c, 24);
  auto check = [](const std::vector<std::complex<double>> &exact,
                  double scale, const std::vector<int64_t> &re,
                  const std::vector<int64_t> &im, int frac) {
    const double lsb = std::ldexp(1.0, -frac);
    int64_t maxAbs = 0;
    for (size_t i = 0; i < exact.size(); ++i) {
      EXPECT_LE(std::abs(re[i] * lsb - scale * exact[i].real()), 0.5 * lsb);
      EXPECT_LE(std::abs(im[i] * lsb - scale * exact[i].imag()), 0.5 * lsb);
      maxAbs = std::max({maxAbs, std::abs(re[i]), std::abs(im[i])});
    }
    EXPECT_LE(maxAbs, (1 << 23) - 1);
    EXPECT_GE(maxAbs, 1 << 21) << "the format is not the tightest";
  };
  check(d.aBar, 1.0, q.aRe, q.aIm, q.aFrac);
  check(d.bBar, 1.0, q.bRe, q.bIm, q.bFrac);
  check(c, 2.0, q.cRe, q.cIm, q.cFrac);
  // |A_bar| < 1, so its components fit [-1, 1): 23 fractional bits.
  EXPECT_EQ(q.aFrac, 23);
}

TEST(Quantize, ActivationFormatsHaveOneBitOfHeadroom) {
  for (double maxAbs : {0.3, 1.0, 7.5, 100.0}) {
    const int frac = activationFrac(maxAbs, 24);
    EXPECT_LE(2 * maxAbs * std::ldexp(1.0, frac), (1 << 23) - 1) << maxAbs;
    EXPECT_GT(2 * maxAbs * std::ldexp(1.0, frac + 1), (1 << 23) - 1) << maxAbs;
  }
  // An S4D mode group's format holds its input, states and outputs.
  EXPECT_EQ(s4dModeFrac(1.0, 4.0, 3.0, 24),
            std::min({activationFrac(1.0, 24), activationFrac(4.0, 24),
                      activationFrac(12.0, 24)}));
}

TEST(Quantize, BiasesAndReadoutMeanWithinOneLSB) {
  const std::vector<double> bias = randomValues(64, 0.5, 9);
  const int frac = 20;
  std::vector<int64_t> q = quantizeValues(bias, frac, 24);
  for (size_t i = 0; i < bias.size(); ++i)
    EXPECT_LE(std::abs(q[i] * std::ldexp(1.0, -frac) - bias[i]),
              std::ldexp(0.5, -frac));
  // The accumulator's mean: an integer sum divided by T with rounding is
  // within half an LSB of the exact mean of the same integers.
  const std::vector<int64_t> sums = {123456789, -987654321, 5, -5, 0};
  for (int64_t sum : sums)
    for (int64_t length : {1, 7, 784}) {
      const double exact = static_cast<double>(sum) / length;
      EXPECT_LE(std::abs(fixed::divRound(sum, length) - exact), 0.5);
    }
}

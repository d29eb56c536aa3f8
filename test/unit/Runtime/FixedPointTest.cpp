//===- FixedPointTest.cpp - fixed-point formats and integer operations ----===//

#include "ssm/Runtime/FixedPoint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace ssm::rt::fixed;

namespace {
TEST(FixedPointTest, RangesOfWidths) {
  EXPECT_EQ(maxInt(8), 127);
  EXPECT_EQ(minInt(8), -128);
  EXPECT_EQ(maxInt(24), 8388607);
  bool overflow = false;
  EXPECT_EQ(saturate(200, 8, &overflow), 127);
  EXPECT_TRUE(overflow);
  overflow = false;
  EXPECT_EQ(saturate(-5, 8, &overflow), -5);
  EXPECT_FALSE(overflow);
}

TEST(FixedPointTest, RoundsToNearestTiesAwayFromZero) {
  Format f{8, 1}; // steps of 0.5
  EXPECT_EQ(quantize(0.25, f), 1);   // 0.5 -> tie, away from zero
  EXPECT_EQ(quantize(-0.25, f), -1);
  EXPECT_EQ(quantize(0.74, f), 1);
  EXPECT_EQ(quantize(0.76, f), 2);
  bool overflow = false;
  EXPECT_EQ(quantize(100.0, f, &overflow), 127);
  EXPECT_TRUE(overflow);
  EXPECT_EQ(quantize(std::nan(""), f), 127);
}

TEST(FixedPointTest, RoundTripIsWithinHalfAnLSB) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> dist(-3.0, 3.0);
  for (unsigned bits : {8u, 16u, 24u}) {
    Format f = formatFor(3.0, bits);
    const double lsb = std::ldexp(1.0, -f.frac);
    for (int i = 0; i < 1000; ++i) {
      const double x = dist(rng);
      bool overflow = false;
      const double y = dequantize(quantize(x, f, &overflow), f);
      ASSERT_FALSE(overflow) << x;
      ASSERT_LE(std::abs(x - y), 0.5 * lsb + 1e-15) << x << " bits " << bits;
    }
  }
}

TEST(FixedPointTest, FormatUsesTheMostFractionalBits) {
  Format f = formatFor(1.0, 8);
  EXPECT_EQ(f.frac, 6); // 1.0 * 2^6 = 64 <= 127, 2^7 = 128 > 127
  EXPECT_EQ(formatFor(0.9, 8).frac, 7);   // 0.9 * 128 = 115
  EXPECT_EQ(formatFor(300.0, 8).frac, -2); // 300 / 4 = 75
  EXPECT_EQ(formatFor(0.0, 24).frac, 23);
}

TEST(FixedPointTest, MulShiftRoundIsSymmetric) {
  EXPECT_EQ(mulShiftRound(3, 1, 1), 2);   // 1.5 -> 2
  EXPECT_EQ(mulShiftRound(-3, 1, 1), -2); // -1.5 -> -2
  EXPECT_EQ(mulShiftRound(5, 3, 2), 4);   // 3.75 -> 4
  EXPECT_EQ(mulShiftRound(8388607, 8388607, 23), 8388606);
  EXPECT_EQ(mulShiftRound(7, -2, 0), -14);
}

// The event runtime's branch-free rounding agrees with the 128-bit
// reference on every tie, both signs, and random 48-bit products.
TEST(FixedPointTest, ShiftRoundMatchesMulShiftRound) {
  for (int shift = 1; shift <= 30; ++shift) {
    const int64_t half = int64_t(1) << (shift - 1);
    for (int64_t k = -5; k <= 5; ++k)
      for (int64_t v : {k * 2 * half + half, k * 2 * half - half,
                        k * 2 * half, k * 2 * half + 1, k * 2 * half - 1})
        ASSERT_EQ(shiftRound(v, shift), mulShiftRound(v, 1, shift))
            << "v = " << v << ", shift = " << shift;
  }
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int64_t> value(-(int64_t(1) << 47),
                                               int64_t(1) << 47);
  std::uniform_int_distribution<int> shift(1, 40);
  for (int i = 0; i < 100000; ++i) {
    const int64_t v = value(rng);
    const int s = shift(rng);
    ASSERT_EQ(shiftRound(v, s), mulShiftRound(v, 1, s)) << v << " >> " << s;
  }
  EXPECT_EQ(shiftRound(-3, 0), -3);
  EXPECT_EQ(shiftRound(-3, -2), -12);
}

TEST(FixedPointTest, SharedExponentWeightsStayWithinOneLSB) {
  std::mt19937_64 rng(2);
  std::normal_distribution<double> dist(0.0, 0.2);
  std::vector<double> w(4096);
  for (double &x : w)
    x = dist(rng);
  SharedExponentWeights q = quantizeWeights(w, 8, -8, 7);
  const double lsb = std::ldexp(1.0, q.exponent);
  int64_t maxQ = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    ASSERT_LE(std::abs(w[i] - q.q[i] * lsb), 0.5 * lsb + 1e-15);
    maxQ = std::max(maxQ, std::abs(q.q[i]));
  }
  // The exponent is the smallest that holds the largest weight: the largest
  // integer uses the upper half of the int8 range.
  EXPECT_GT(maxQ, 63);
  EXPECT_LE(maxQ, 127);
  std::vector<double> back;
  for (int64_t v : q.q)
    back.push_back(v * lsb);
  EXPECT_GT(sqnrDb(w, back), 30.0); // about 6 dB per bit of an int8 table
}

TEST(FixedPointTest, ExponentRangeClampsAndSaturates) {
  SharedExponentWeights q = quantizeWeights({1000.0, -1.0}, 8, -8, 7);
  EXPECT_EQ(q.exponent, 3);           // 1000 / 8 = 125
  EXPECT_EQ(q.saturated, 0);
  q = quantizeWeights({1e6, 1.0}, 8, -8, 2);
  EXPECT_EQ(q.exponent, 2);           // clamped to the hardware's maximum
  EXPECT_EQ(q.q[0], 127);             // and saturated
  EXPECT_EQ(q.saturated, 1);          // (counted)
  q = quantizeWeights({1e-6}, 8, -8, 7);
  EXPECT_EQ(q.exponent, -8);          // clamped to the minimum
  EXPECT_TRUE(std::isinf(sqnrDb({1.0, 2.0}, {1.0, 2.0})));
}
} // namespace

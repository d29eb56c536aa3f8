//===- InitTest.cpp - seeded initialization formulas ----------------------===//

#include "ssm/Frontend/Init.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace ssm::dsl;

namespace {
TEST(InitTest, S4DLinPlacesModesAtMultiplesOfPi) {
  auto rng = makeLayerRng(0, "s");
  S4DInit init = initS4D(rng, /*channels=*/2, /*stateSize=*/8,
                         S4DInitKind::Lin, 1e-3, 1e-1);
  ASSERT_EQ(init.aImag.size(), 8u);
  for (int h = 0; h < 2; ++h)
    for (int n = 0; n < 4; ++n) {
      EXPECT_FLOAT_EQ(init.aImag[h * 4 + n], M_PI * n);
      EXPECT_FLOAT_EQ(std::exp(init.logAReal[h * 4 + n]), 0.5f);
      EXPECT_EQ(init.b[h * 4 + n], std::complex<float>(1, 0));
    }
  for (float logDt : init.logDt) {
    EXPECT_GE(logDt, std::log(1e-3f) - 1e-6f);
    EXPECT_LE(logDt, std::log(1e-1f) + 1e-6f);
  }
}

TEST(InitTest, S4DInvFollowsGuEtAl) {
  auto rng = makeLayerRng(0, "s");
  const int n = 8;
  S4DInit init = initS4D(rng, 1, n, S4DInitKind::Inv, 1e-3, 1e-1);
  for (int m = 0; m < n / 2; ++m)
    EXPECT_FLOAT_EQ(init.aImag[m], (n / M_PI) * (n / (2.0 * m + 1) - 1));
}

TEST(InitTest, DenseBoundIsOneOverSqrtFanIn) {
  auto rng = makeLayerRng(3, "d");
  DenseInit init = initDense(rng, /*in=*/16, /*out=*/32);
  ASSERT_EQ(init.weight.size(), 16u * 32u);
  for (float w : init.weight)
    EXPECT_LE(std::abs(w), 0.25f);
}

TEST(InitTest, StreamsDependOnSeedAndLayerNameOnly) {
  auto a = makeLayerRng(1, "block.0.mix");
  auto b = makeLayerRng(1, "block.0.mix");
  auto c = makeLayerRng(2, "block.0.mix");
  auto d = makeLayerRng(1, "block.1.mix");
  uint64_t first = a();
  EXPECT_EQ(first, b());
  EXPECT_NE(first, c());
  EXPECT_NE(first, d());
}
} // namespace

//===- CudaConvExecutorTest.cpp - the conv target on the GPU --------------===//
//
// Same agreement bound as the CPU executor: max |y_cuda - y_ref| <=
// 1e-4 max |y_ref|. Skipped, with the reason, in builds without CUDA or on
// machines without a GPU.
//
//===----------------------------------------------------------------------===//

#include "RandomModel.h"

#include "ssm/Runtime/ConvExecutor.h"
#include "ssm/Runtime/CudaConvExecutor.h"

#include <gtest/gtest.h>

#include <cstdio>

using namespace ssm::rt;
using namespace ssm::rt::testing;

namespace {
class CudaConvTest
    : public ::testing::TestWithParam<std::pair<int64_t, Discretization>> {
protected:
  void SetUp() override {
    std::string why;
    if (!cudaConvAvailable(&why))
      GTEST_SKIP() << "CUDA conv backend not run: " << why;
  }
};

TEST_P(CudaConvTest, MatchesReference) {
  auto [length, rule] = GetParam();
  RandomModelSpec spec;
  spec.rule = rule;
  spec.seed = 5 + length;
  Model model = makeRandomModel(spec);
  const int64_t batch = length > 4096 ? 2 : 8;
  Batch input = makeRandomBatch(batch, length, 1, 11);
  CudaConvExecutor executor(model, length, batch);
  Batch output = executor.run(input);
  double error = relativeErrorToReference(model, input, output);
  std::printf("%s: max |y_cuda - y_ref| / max |y_ref| = %.3g\n",
              executor.getDeviceName().c_str(), error);
  EXPECT_LE(error, 1e-4);

  // A smaller batch than planned for reuses the executor.
  Batch one = makeRandomBatch(1, length, 1, 12);
  EXPECT_LE(relativeErrorToReference(model, one, executor.run(one)), 1e-4);
}

// The last-token readout takes another path on the device (a copy, where
// the mean is a chunked scan).
TEST(CudaConvReadout, LastTokenMatchesReference) {
  std::string why;
  if (!cudaConvAvailable(&why))
    GTEST_SKIP() << "CUDA conv backend not run: " << why;
  RandomModelSpec spec;
  spec.readout = ReadoutMode::Last;
  spec.seed = 21;
  Model model = makeRandomModel(spec);
  Batch input = makeRandomBatch(4, 784, 1, 13);
  CudaConvExecutor executor(model, 784, 4);
  EXPECT_LE(relativeErrorToReference(model, input, executor.run(input)), 1e-4);
}

INSTANTIATE_TEST_SUITE_P(
    Lengths, CudaConvTest,
    ::testing::Values(std::make_pair(int64_t(784), Discretization::ZOH),
                      std::make_pair(int64_t(784), Discretization::Bilinear),
                      std::make_pair(int64_t(16384), Discretization::ZOH)),
    [](const auto &info) {
      return "L" + std::to_string(info.param.first) +
             (info.param.second == Discretization::ZOH ? "_zoh" : "_bilinear");
    });

TEST(CudaConvAvailability, SaysWhyWhenUnavailable) {
  std::string why;
  if (cudaConvAvailable(&why))
    GTEST_SKIP() << "a CUDA device is present";
  EXPECT_FALSE(why.empty());
  Model model = makeRandomModel({});
  EXPECT_THROW(CudaConvExecutor(model, 10, 1), std::runtime_error);
}
} // namespace

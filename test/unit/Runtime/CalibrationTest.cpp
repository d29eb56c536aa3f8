//===- CalibrationTest.cpp - activation ranges for quantization -----------===//

#include "RandomModel.h"

#include "ssm/Runtime/Reference.h"

#include <gtest/gtest.h>

using namespace ssm::rt;

namespace {
/// input(1) -> dense(w = [2, -3], b = [0, 1]) -> relu -> readout mean.
Model makeSmallModel() {
  Model model;
  Layer input;
  input.kind = LayerKind::Input;
  input.outChannels = 1;
  model.layers.push_back(input);
  Layer dense;
  dense.kind = LayerKind::Dense;
  dense.inputs = {0};
  dense.inChannels = 1;
  dense.outChannels = 2;
  dense.weight = {2.0, -3.0};
  dense.bias = {0.0, 1.0};
  model.layers.push_back(dense);
  Layer relu;
  relu.kind = LayerKind::Relu;
  relu.inputs = {1};
  relu.inChannels = relu.outChannels = 2;
  model.layers.push_back(relu);
  Layer mean;
  mean.kind = LayerKind::Readout;
  mean.inputs = {2};
  mean.inChannels = mean.outChannels = 2;
  model.layers.push_back(mean);
  model.inputs = {0};
  model.outputs = {3};
  return model;
}

TEST(CalibrationTest, RangesAreTheLargestMagnitudesSeen) {
  Model model = makeSmallModel();
  // Two sequences of three tokens.
  std::vector<float> a = {0.5f, -1.0f, 0.25f}, b = {2.0f, 0.0f, 0.0f};
  std::vector<double> ranges = calibrateRanges(model, {a.data(), b.data()}, 3, 2);
  ASSERT_EQ(ranges.size(), 4u);
  EXPECT_DOUBLE_EQ(ranges[0], 2.0);  // the input
  EXPECT_DOUBLE_EQ(ranges[1], 5.0);  // -3 * 2 + 1 = -5
  EXPECT_DOUBLE_EQ(ranges[2], 4.0);  // relu: 2 * 2 (b) and -3 * -1 + 1 (a)
  // Running means: sequence b's channel 0 is 4, 0, 0 -> means 4, 2, 1.33;
  // sequence a's channel 1 is 0, 4, 0.25 -> means 0, 2, 1.42.
  EXPECT_DOUBLE_EQ(ranges[3], 4.0);
}

TEST(CalibrationTest, ThreadCountDoesNotChangeRanges) {
  Model model = ssm::rt::testing::makeRandomModel({});
  Batch data = ssm::rt::testing::makeRandomBatch(6, 100, 1, 3);
  std::vector<const float *> samples;
  for (int64_t i = 0; i < data.batch; ++i)
    samples.push_back(data.data.data() + i * 100);
  EXPECT_EQ(calibrateRanges(model, samples, 100, 1),
            calibrateRanges(model, samples, 100, 2));
}
} // namespace

//===- CalibrationTest.cpp - activation ranges for quantization -----------===//
//
// PTQ calibration (ssm::rt::quant::calibrate): layer output ranges through
// the conv executor, S4D state ranges through the reference.
//
//===----------------------------------------------------------------------===//

#include "RandomModel.h"

#include "ssm/Runtime/Calibrate.h"
#include "ssm/Runtime/Quantize.h"

#include <gtest/gtest.h>

using namespace ssm::rt;
using ssm::rt::quant::calibrate;
using ssm::rt::quant::Calibration;

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
  Calibration calibration = calibrate(model, {a.data(), b.data()}, 3, 2);
  const std::vector<double> &ranges = calibration.outputs;
  ASSERT_EQ(ranges.size(), 4u);
  EXPECT_DOUBLE_EQ(ranges[0], 2.0);  // the input
  EXPECT_DOUBLE_EQ(ranges[1], 5.0);  // -3 * 2 + 1 = -5
  EXPECT_DOUBLE_EQ(ranges[2], 4.0);  // relu: 2 * 2 (b) and -3 * -1 + 1 (a)
  // Running means: sequence b's channel 0 is 4, 0, 0 -> means 4, 2, 1.33;
  // sequence a's channel 1 is 0, 4, 0.25 -> means 0, 2, 1.42.
  EXPECT_DOUBLE_EQ(ranges[3], 4.0);
  // No S4D layer, no states.
  EXPECT_EQ(calibration.states, std::vector<double>(4, 0.0));
}

TEST(CalibrationTest, ThreadCountDoesNotChangeRanges) {
  Model model = ssm::rt::testing::makeRandomModel({});
  Batch data = ssm::rt::testing::makeRandomBatch(6, 100, 1, 3);
  std::vector<const float *> samples;
  for (int64_t i = 0; i < data.batch; ++i)
    samples.push_back(data.data.data() + i * 100);
  Calibration one = calibrate(model, samples, 100, 1);
  Calibration two = calibrate(model, samples, 100, 2);
  EXPECT_EQ(one.outputs, two.outputs);
  EXPECT_EQ(one.states, two.states);
  // S4D layers have live states; the others none.
  for (size_t l = 0; l < model.layers.size(); ++l)
    EXPECT_EQ(one.states[l] > 0, model.layers[l].kind == LayerKind::S4D) << l;
}
} // namespace

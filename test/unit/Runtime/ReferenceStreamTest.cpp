//===- ReferenceStreamTest.cpp - the reference, streamed ------------------===//
//
// The reference fed token by token (a streaming session), in uneven feeds,
// or all at once gives the same outputs bit for bit: its chunks only change
// the order in which layers visit tokens, never an operation.
//
//===----------------------------------------------------------------------===//

#include "RandomModel.h"

#include "ssm/Runtime/Reference.h"

#include <gtest/gtest.h>

#include <random>

using namespace ssm::rt;
using ssm::rt::testing::makeRandomModel;
using ssm::rt::testing::RandomModelSpec;

namespace {

TEST(ReferenceStreamTest, FeedsOfAnySizeGiveTheWholeSequencesOutputs) {
  RandomModelSpec spec;
  spec.channels = 16;
  spec.stateSize = 8;
  spec.blocks = 2;
  Model model = makeRandomModel(spec);
  const int64_t length = 600; // beyond one chunk of 256
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::vector<double> x(length);
  for (double &v : x)
    v = normal(rng);
  const std::vector<double> whole = runReference(model, x);
  const int64_t classes = model.outputChannels();
  ASSERT_EQ(whole.size(), static_cast<size_t>(length * classes));

  ReferenceStream stream(model);
  std::vector<double> streamed;
  for (int64_t t = 0; t < length; ++t) {
    std::vector<double> y = stream.feed(x.data() + t, 1);
    ASSERT_EQ(y.size(), static_cast<size_t>(classes));
    streamed.insert(streamed.end(), y.begin(), y.end());
  }
  EXPECT_EQ(stream.position(), length);
  EXPECT_EQ(streamed, whole);

  // Uneven feeds (300, then 1, then the rest) after a reset.
  stream.reset();
  EXPECT_EQ(stream.position(), 0);
  std::vector<double> uneven = stream.feed(x.data(), 300);
  for (int64_t n : {int64_t(1), length - 301}) {
    std::vector<double> y = stream.feed(x.data() + stream.position(), n);
    uneven.insert(uneven.end(), y.begin(), y.end());
  }
  EXPECT_EQ(uneven, whole);
}

} // namespace

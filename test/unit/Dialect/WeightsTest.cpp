//===- WeightsTest.cpp - parameter storage round trips --------------------===//

#include "ssm/Dialect/SSM/Weights.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <numeric>

using namespace mlir;

namespace {
TEST(WeightsTest, SmallRealTensorsAreInlineAndReadBack) {
  MLIRContext context;
  std::vector<float> values = {1.5f, -2.0f, 0.25f, 8.0f};
  ElementsAttr attr = ssm::makeRealParam(&context, {2, 2}, values, "w");
  EXPECT_TRUE(isa<DenseElementsAttr>(attr));
  auto read = ssm::readRealElements(attr);
  ASSERT_TRUE(succeeded(read));
  EXPECT_EQ(std::vector<double>(read->begin(), read->end()),
            std::vector<double>(values.begin(), values.end()));
}

TEST(WeightsTest, LargeRealTensorsBecomeResourceBlobs) {
  MLIRContext context;
  std::vector<float> values(64 * 3);
  std::iota(values.begin(), values.end(), -10.0f);
  ElementsAttr attr = ssm::makeRealParam(&context, {64, 3}, values, "w");
  EXPECT_TRUE(isa<DenseResourceElementsAttr>(attr));
  auto read = ssm::readRealElements(attr);
  ASSERT_TRUE(succeeded(read));
  ASSERT_EQ(read->size(), values.size());
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ((*read)[i], values[i]) << "element " << i;
}

TEST(WeightsTest, ComplexTensorsRoundTripInBothForms) {
  MLIRContext context;
  for (int64_t n : {2, 40}) {
    std::vector<std::complex<float>> values;
    for (int64_t i = 0; i < n; ++i)
      values.emplace_back(0.5f * i, -1.0f * i);
    ElementsAttr attr = ssm::makeComplexParam(&context, {n}, values, "c");
    auto read = ssm::readComplexElements(attr);
    ASSERT_TRUE(succeeded(read)) << "n = " << n;
    for (int64_t i = 0; i < n; ++i)
      EXPECT_EQ((*read)[i], std::complex<double>(values[i])) << "element " << i;
  }
}

TEST(WeightsTest, KindMismatchIsAnErrorNotACrash) {
  MLIRContext context;
  ElementsAttr real = ssm::makeRealParam(&context, {2}, {1.0f, 2.0f}, "r");
  std::string error;
  EXPECT_TRUE(failed(ssm::readComplexElements(real, &error)));
  EXPECT_NE(error.find("expected a complex float tensor"), std::string::npos);
}
} // namespace

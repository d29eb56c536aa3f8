//===- TypesTest.cpp - ssm type construction and verification -------------===//

#include "ssm/Dialect/SSM/SSMDialect.h"
#include "ssm/Dialect/SSM/SSMTypes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace ssm;

namespace {
class SSMTypesTest : public ::testing::Test {
protected:
  SSMTypesTest() { context.loadDialect<SSMDialect>(); }

  /// Parses `text` as a type, collecting diagnostics instead of printing.
  Type parse(StringRef text) {
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      lastError = diag.str();
      return success();
    });
    return parseType(text, &context);
  }

  std::string print(Type type) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << type;
    return text;
  }

  MLIRContext context;
  std::string lastError;
};

TEST_F(SSMTypesTest, StreamDefaultsToFloatEncoding) {
  auto stream = StreamType::get(64, Float32Type::get(&context));
  EXPECT_EQ(stream.getChannels(), 64);
  EXPECT_EQ(stream.getEncoding(), Encoding::Float);
  EXPECT_FALSE(stream.getThresholdValue().has_value());
  EXPECT_EQ(print(stream), "!ssm.stream<64xf32>");
}

TEST_F(SSMTypesTest, GradedStreamRoundTripsThroughText) {
  const char *text =
      "!ssm.stream<32x!ssm.fixed<24, 12>, graded<24>, threshold = 5.000000e-01>";
  Type type = parse(text);
  ASSERT_TRUE(type) << lastError;
  auto stream = cast<StreamType>(type);
  EXPECT_EQ(stream.getEncoding(), Encoding::Graded);
  EXPECT_EQ(stream.getPayloadBits(), 24u);
  EXPECT_DOUBLE_EQ(*stream.getThresholdValue(), 0.5);
  auto fixed = cast<FixedType>(stream.getElementType());
  EXPECT_EQ(fixed.getWidth(), 24u);
  EXPECT_EQ(fixed.getFracBits(), 12);
  EXPECT_EQ(print(type), text);
}

TEST_F(SSMTypesTest, WithChannelsKeepsEncoding) {
  auto stream = cast<StreamType>(parse("!ssm.stream<8xi1, binary>"));
  StreamType wider = stream.withChannels(16);
  EXPECT_EQ(wider.getChannels(), 16);
  EXPECT_EQ(wider.getEncoding(), Encoding::Binary);
}

TEST_F(SSMTypesTest, RejectsInconsistentEncodings) {
  EXPECT_FALSE(parse("!ssm.stream<8xf32, graded<8>>"));
  EXPECT_NE(lastError.find("needs an !ssm.fixed element type"),
            std::string::npos)
      << lastError;
  EXPECT_FALSE(parse("!ssm.stream<8xi1, binary, threshold = 1.0>"));
  EXPECT_NE(lastError.find("cannot have a sigma-delta threshold"),
            std::string::npos)
      << lastError;
  EXPECT_FALSE(parse("!ssm.fixed<65, 3>"));
  EXPECT_NE(lastError.find("width must be in [1, 64]"), std::string::npos)
      << lastError;
}
} // namespace

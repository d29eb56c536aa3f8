//===- EventRuntimeTest.cpp - the loihi2 target end to end ----------------===//
//
// Compiles the sMNIST architecture (models/smnist.ssm with seeded weights)
// through ssm-discretize, ssm-quantize and convert-ssm-to-neurocore, and
// checks the event runtime against the float evaluation of the quantized
// model and against the float64 reference, on random sequences; plus thread
// independence and the streaming API.
//
//===----------------------------------------------------------------------===//

#include "ssm/Conversion/Pipelines.h"
#include "ssm/Frontend/Load.h"
#include "ssm/Runtime/Bridge/FromNC.h"
#include "ssm/Runtime/Bridge/FromSSM.h"
#include "ssm/Runtime/Neurocore.h"
#include "ssm/Runtime/Npy.h"
#include "ssm/Runtime/Reference.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace ssm;
namespace neuro = ssm::rt::neuro;

namespace {
/// models/smnist.ssm without its weights file: the frontend's seeded init.
constexpr const char *kModel = R"(model smnist {
  seed 3
  input pixels : 1
  encoder = dense(pixels, 64)
  x = encoder
  repeat 4 as block {
    ssm = s4d(x, state=64, discretization=zoh, init=lin)
    act = relu(ssm)
    mix = dense(act, 64)
    x = add(mix, x)
  }
  pool = readout(x, mean)
  decoder = dense(pool, 10)
  output decoder
}
)";

constexpr int64_t kLength = 128;

/// Random sequences in [0, 1) with runs of zeros, like MNIST pixels.
std::vector<float> randomSequences(int64_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(0.0f, 1.0f);
  std::vector<float> data(count * kLength);
  for (float &v : data)
    v = value(rng) < 0.6f ? 0.0f : value(rng);
  return data;
}

class EventRuntime : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    llvm::SmallString<128> dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("ssmc-loihi2", dir));
    const std::string modelPath = (dir + "/smnist.ssm").str();
    const std::string calibrationPath = (dir + "/calibration.npy").str();
    {
      std::error_code ec;
      llvm::raw_fd_ostream os(modelPath, ec);
      ASSERT_FALSE(ec);
      os << kModel;
    }
    std::vector<float> calibration = randomSequences(64, 1);
    rt::writeNpy(calibrationPath, {64, kLength, 1}, calibration.data());

    context = new mlir::MLIRContext();
    module = new mlir::OwningOpRef<mlir::ModuleOp>(
        dsl::loadModelFile(modelPath, *context));
    ASSERT_TRUE(**module);
    reference = new rt::Model(*buildRuntimeModel(*getSingleModel(**module)));
    mlir::PassManager pm(context);
    Loihi2PipelineOptions options;
    options.calibration = "file:" + calibrationPath;
    options.samples = 64;
    buildLoihi2Pipeline(pm, options);
    ASSERT_TRUE(mlir::succeeded(pm.run(**module)));
    mlir::FailureOr<neuro::Network> built =
        buildNeurocoreNetwork(*getSingleNetwork(**module));
    ASSERT_TRUE(mlir::succeeded(built));
    network = new neuro::Network(std::move(*built));
  }

  static std::vector<double> runEvent(const float *sequence, int threads = 1) {
    neuro::Session session(*network, threads);
    for (int64_t t = 0; t < kLength; ++t)
      session.feed(sequence + t);
    return session.finish();
  }

  static mlir::MLIRContext *context;
  static mlir::OwningOpRef<mlir::ModuleOp> *module;
  static rt::Model *reference;
  static neuro::Network *network;
};
mlir::MLIRContext *EventRuntime::context;
mlir::OwningOpRef<mlir::ModuleOp> *EventRuntime::module;
rt::Model *EventRuntime::reference;
neuro::Network *EventRuntime::network;

double maxAbs(const std::vector<double> &v) {
  double m = 0;
  for (double x : v)
    m = std::max(m, std::abs(x));
  return m;
}

size_t argmax(const std::vector<double> &v) {
  return std::max_element(v.begin(), v.end()) - v.begin();
}
} // namespace

TEST_F(EventRuntime, MatchesTheQuantizedModelAndTheReference) {
  const int64_t count = 100;
  std::vector<float> data = randomSequences(count, 7);
  double eventVsQuantized = 0, quantizedVsFloat = 0, scale = 0;
  int agree = 0;
  for (int64_t s = 0; s < count; ++s) {
    const float *x = data.data() + s * kLength;
    std::vector<double> event = runEvent(x);
    std::vector<double> quantized =
        neuro::evaluateQuantizedFloat(*network, x, kLength);
    std::vector<double> y = rt::runReference(
        *reference, std::vector<double>(x, x + kLength));
    std::vector<double> last(y.end() - 10, y.end());
    for (size_t i = 0; i < event.size(); ++i) {
      eventVsQuantized =
          std::max(eventVsQuantized, std::abs(event[i] - quantized[i]));
      quantizedVsFloat =
          std::max(quantizedVsFloat, std::abs(quantized[i] - last[i]));
    }
    scale = std::max(scale, maxAbs(last));
    agree += argmax(event) == argmax(last);
  }
  std::printf("max |event - quantized float| = %.3g, max |quantized float - "
              "reference| = %.3g, outputs up to %.3g, predictions agree on "
              "%d / %lld\n",
              eventVsQuantized, quantizedVsFloat, scale, agree,
              static_cast<long long>(count));
  EXPECT_GE(agree, 99);
}

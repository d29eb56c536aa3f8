//===- Reference.cpp - the reference target -------------------------------===//
//
// The float64 recurrent interpreter (ssm/Runtime/Reference.h): the oracle
// every other target is compared with. It runs the ssm IR as it is.
//
//===----------------------------------------------------------------------===//

#include "../TargetSupport.h"

#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/Reference.h"

#include <chrono>

using namespace mlir;
using namespace ssm;
using namespace ssm::driver;

namespace {

/// The reference's state carried from token to token (rt::ReferenceStream).
class ReferenceSession : public StreamSession {
public:
  explicit ReferenceSession(const rt::Model &model)
      : stream(model), channels(model.inputChannels()) {}

protected:
  std::vector<float> doFeed(const float *token) override {
    const std::vector<double> x(token, token + channels);
    const std::vector<double> y = stream.feed(x.data(), 1);
    last.assign(y.begin(), y.end());
    return last;
  }
  std::vector<float> doFinish(const std::function<void()> &) override {
    return last;
  }
  void doReset() override {
    stream.reset();
    last.clear();
  }

private:
  rt::ReferenceStream stream;
  int64_t channels;
  std::vector<float> last;
};

class ReferenceExecutable : public ModelExecutable {
public:
  using ModelExecutable::ModelExecutable;

  std::unique_ptr<StreamSession> stream() const override {
    return std::make_unique<ReferenceSession>(model);
  }

  SampleRun runSamples(const rt::Dataset &data, int64_t first, int64_t count,
                       const RunOptions &options) const override {
    if (options.split)
      throw std::invalid_argument(
          "the reference target runs no core graph to split across ranks");
    SampleRun result;
    result.first = first;
    result.count = count;
    result.classes = model.outputChannels();
    result.outputs.resize(count * result.classes);
    const int64_t span = data.length * data.channels;
    int64_t done = 0;
    auto start = std::chrono::steady_clock::now();
#pragma omp parallel for num_threads(options.threads) schedule(dynamic)
    for (int64_t i = first; i < first + count; ++i) {
      std::vector<double> seq(data.sample(i), data.sample(i) + span);
      std::vector<double> y = rt::runReference(model, seq);
      std::copy(y.end() - result.classes, y.end(),
                result.outputs.begin() + (i - first) * result.classes);
      if (options.perToken) {
        const std::vector<float> tokens(y.begin(), y.end());
        options.perToken(i, data.length, tokens.data());
      }
#pragma omp critical
      if (options.progress)
        options.progress(++done);
    }
    result.seconds = secondsSince(start);
    result.report["setup_seconds"] = 0.0;
    result.report["run_seconds"] = result.seconds;
    return result;
  }
};

class ReferenceTarget : public Target {
public:
  StringRef name() const override { return "reference"; }
  StringRef summary() const override {
    return "float64 recurrent interpreter (the oracle)";
  }
  LogicalResult compile(ModuleOp, const TargetOptions &,
                        const CompileContext &) const override {
    return success();
  }
  FailureOr<std::unique_ptr<Executable>>
  load(ModuleOp module, const TargetOptions &) const override {
    FailureOr<rt::Model> model = loadRuntimeModel(module);
    if (failed(model))
      return failure();
    return std::unique_ptr<Executable>(
        std::make_unique<ReferenceExecutable>(std::move(*model)));
  }
};

} // namespace

const Target &ssm::driver::referenceTarget() {
  static const ReferenceTarget target;
  return target;
}

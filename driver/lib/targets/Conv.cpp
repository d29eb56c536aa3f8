//===- Conv.cpp - the conv target -----------------------------------------===//
//
// S4D as an FFT long convolution (the way GPUs run SSMs offline): the
// ssm-to-conv pipeline, then the conv executor on the CPU (FFTW, OpenBLAS,
// OpenMP) or, with --device=cuda, on a GPU.
//
//===----------------------------------------------------------------------===//

#include "../TargetSupport.h"

#include "ssm/Conversion/Pipelines.h"
#include "ssm/Runtime/ConvExecutor.h"
#include "ssm/Runtime/CudaConvExecutor.h"
#include "ssm/Runtime/Dataset.h"

#include "mlir/Pass/PassRegistry.h"

#include <chrono>

namespace cl = llvm::cl;
using namespace mlir;
using namespace ssm;
using namespace ssm::driver;

namespace {

enum class Device { CPU, CUDA };

// The flags carry text; ConvTarget::parseOptions reads and checks it.
cl::OptionCategory runCategory("conv target options (ssmc-run)");
cl::opt<std::string> device("device",
                            cl::desc("Where the conv target runs: cpu (FFTW, "
                                     "OpenBLAS, OpenMP; the default) or cuda "
                                     "(cuFFT, cuBLAS and ssmc's CUDA kernels)"),
                            cl::value_desc("cpu|cuda"), cl::cat(runCategory));
cl::opt<std::string> batchSize(
    "batch",
    cl::desc("Sequences per batch (default: up to 64, as memory allows)"),
    cl::value_desc("N"), cl::cat(runCategory));
const cl::opt<std::string> *const allFlags[] = {&device, &batchSize};
/// The most sequences --batch accepts.
constexpr int64_t kMaxBatch = 1 << 20;
/// The batch when --batch is not given, unless memory needs fewer.
constexpr int64_t kDefaultBatch = 64;

/// The conv target's settings (both for running).
struct ConvOptions : TargetOptions {
  Device device = Device::CPU;
  /// Sequences per batch; 0: kDefaultBatch, or fewer to fit kBatchBytes.
  int64_t batch = 0;
};
/// The layer outputs a default batch may hold, in bytes.
constexpr int64_t kBatchBytes = int64_t(1) << 30;

/// Runs the data set in batches through a conv executor (CPU or CUDA).
template <typename Executor>
SampleRun runBatches(Executor &executor, int64_t classes,
                     const rt::Dataset &data, int64_t begin, int64_t count,
                     int64_t batch, std::chrono::steady_clock::time_point start,
                     const RunOptions &options) {
  SampleRun result;
  result.first = begin;
  result.count = count;
  result.classes = classes;
  result.outputs.resize(count * classes);
  const double setup = secondsSince(start);
  const int64_t span = data.length * data.channels;
  const int64_t end = begin + count;
  for (int64_t first = begin; first < end; first += batch) {
    rt::Batch input;
    input.batch = std::min(batch, end - first);
    input.length = data.length;
    input.channels = data.channels;
    input.data.assign(data.sample(first),
                      data.sample(first) + input.batch * span);
    rt::Batch y = executor.run(input);
    for (int64_t b = 0; b < input.batch; ++b) {
      const float *last = y.data.data() + ((b + 1) * data.length - 1) * classes;
      std::copy(last, last + classes,
                result.outputs.begin() + (first - begin + b) * classes);
      if (options.perToken)
        options.perToken(first + b, data.length,
                         y.data.data() + b * data.length * classes);
    }
    if (options.progress)
      options.progress(first - begin + input.batch);
  }
  result.seconds = secondsSince(start);
  result.report["setup_seconds"] = setup;
  result.report["run_seconds"] = result.seconds - setup;
  result.report["batch"] = batch;
  result.report["fft_size"] = executor.getFFTSize();
  return result;
}

class ConvExecutable : public ModelExecutable {
public:
  ConvExecutable(rt::Model model, const ConvOptions &options)
      : ModelExecutable(std::move(model)), options(options) {}

  SampleRun runSamples(const rt::Dataset &data, int64_t first, int64_t count,
                       const RunOptions &options) const override {
    if (options.split)
      throw std::invalid_argument(
          "the conv target runs no core graph to split across ranks");
    const int64_t classes = model.outputChannels();
    // The executor holds every layer's output for the whole batch; unless
    // --batch says otherwise, the batch is kept to about kBatchBytes of them
    // (a language model's [tokens, vocabulary] outputs are large).
    int64_t channels = 0;
    for (const rt::Layer &layer : model.layers)
      channels += layer.outChannels;
    const int64_t fitting = std::max<int64_t>(
        1, kBatchBytes / std::max<int64_t>(1, data.length * channels * 4));
    const int64_t batch = std::min<int64_t>(
        this->options.batch ? this->options.batch
                            : std::min<int64_t>(kDefaultBatch, fitting),
        data.samples);
    auto start = std::chrono::steady_clock::now();
    if (this->options.device == Device::CUDA) {
      rt::CudaConvExecutor executor(model, data.length, batch);
      SampleRun result = runBatches(executor, classes, data, first, count,
                                    batch, start, options);
      result.report["device"] = executor.getDeviceName();
      return result;
    }
    rt::ConvOptions convOptions;
    convOptions.threads = options.threads;
    rt::ConvExecutor executor(model, data.length, batch, convOptions);
    SampleRun result = runBatches(executor, classes, data, first, count,
                                  batch, start, options);
    result.report["device"] = "cpu";
    return result;
  }

private:
  ConvOptions options;
};

class ConvTarget : public Target {
public:
  StringRef name() const override { return "conv"; }
  StringRef summary() const override {
    return "S4D as FFT long convolution (float32; --device)";
  }
  ArrayRef<Form> forms() const override {
    static const Form forms[] = {
        {"conv", "the conv form: S4D as kernel generation plus causal "
                 "convolution"}};
    return forms;
  }
  LogicalResult emit(ModuleOp module, StringRef form, llvm::raw_ostream &os,
                     StringRef outputPath, const TargetOptions &options,
                     const CompileContext &context) const override {
    if (failed(compile(module, options, context)))
      return failure();
    module.print(os);
    return success();
  }

  const cl::OptionCategory *runFlags() const override { return &runCategory; }
  ArrayRef<const cl::opt<std::string> *> flags() const override {
    return allFlags;
  }
  llvm::Expected<std::unique_ptr<TargetOptions>>
  parseOptions(ArrayRef<Setting> settings, Spelling spelling) const override {
    auto options = std::make_unique<ConvOptions>();
    SettingsReader read(*this, settings, spelling);
    std::string name;
    if (read.get("device", name, "cpu or cuda")) {
      if (name == "cuda")
        options->device = Device::CUDA;
      else if (name != "cpu")
        read.fail("device", "must be cpu or cuda, got '" + name + "'");
    }
    if (read.get("batch", options->batch) &&
        (options->batch < 1 || options->batch > kMaxBatch))
      read.fail("batch", "must be between 1 and " + Twine(kMaxBatch) +
                             ", got " + Twine(options->batch));
    if (llvm::Error error = read.finish())
      return std::move(error);
    return std::unique_ptr<TargetOptions>(std::move(options));
  }

  LogicalResult compile(ModuleOp module, const TargetOptions &,
                        const CompileContext &context) const override {
    return runPipeline(module, context.instrumentation,
                       [](OpPassManager &pm) { buildConvPipeline(pm); });
  }
  FailureOr<std::unique_ptr<Executable>>
  load(ModuleOp module, const TargetOptions &options) const override {
    FailureOr<rt::Model> model = loadRuntimeModel(module);
    if (failed(model))
      return failure();
    return std::unique_ptr<Executable>(std::make_unique<ConvExecutable>(
        std::move(*model), static_cast<const ConvOptions &>(options)));
  }

  void registerPipeline() const override {
    PassPipelineRegistration<>(
        "ssm-to-conv",
        "Lower models to the conv form (ssm-discretize, convert-ssm-to-conv)",
        buildConvPipeline);
  }
};

} // namespace

const Target &ssm::driver::convTarget() {
  static const ConvTarget target;
  return target;
}

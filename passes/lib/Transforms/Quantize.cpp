//===- Quantize.cpp - post-training quantization (ssm-quantize) -----------===//
//
// Calibrates with the reference interpreter and puts fixed-point graded-
// spike types with sigma-delta thresholds on every connection; the formulas
// are ssm/Runtime/Quantize.h, shared with convert-ssm-to-neurocore.
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/NC/Hardware.h"
#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Dialect/SSM/SSMTypes.h"
#include "ssm/Runtime/Bridge/FromSSM.h"
#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/Quantize.h"
#include "ssm/Runtime/Reference.h"
#include "ssm/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

namespace ssm {
#define GEN_PASS_DEF_SSMQUANTIZE
#include "ssm/Transforms/Passes.h.inc"
} // namespace ssm

using namespace mlir;
using namespace ssm;

namespace {
/// Sequences used for the report's activation SQNR.
constexpr size_t kSqnrSamples = 32;

struct QuantizePass : ssm::impl::SSMQuantizeBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(quantize()))
      signalPassFailure();
  }

  LogicalResult quantize() {
    ModelOp model = getOperation();
    MLIRContext *ctx = &getContext();
    llvm::Expected<DictionaryAttr> hw =
        nc::loadHardwareDescription(ctx, hardware);
    if (!hw)
      return model.emitError() << llvm::toString(hw.takeError());
    FailureOr<nc::HardwareLimits> limits =
        nc::readHardwareLimits(*hw, [&] { return model.emitError(); });
    if (failed(limits))
      return failure();
    const unsigned stateBits = limits->stateBits;
    const unsigned messageBits = limits->messageBits;
    if (!(sigmaDelta >= 0 && sigmaDelta <= 1))
      return model.emitError() << "sigma-delta must be a fraction between 0 "
                                  "and 1, got "
                               << sigmaDelta;
    if (samples < 1)
      return model.emitError() << "samples must be positive";

    WalkResult undiscretized = model.walk([](S4DOp op) {
      if (op.getABarAttr())
        return WalkResult::advance();
      op.emitOpError() << "is not discretized; run ssm-discretize before "
                          "ssm-quantize";
      return WalkResult::interrupt();
    });
    if (undiscretized.wasInterrupted())
      return failure();

    SmallVector<Operation *> layerOps;
    FailureOr<rt::Model> rtModel = buildRuntimeModel(model, &layerOps);
    if (failed(rtModel))
      return failure();
    rt::Dataset data;
    try {
      data = rt::loadDataset(calibration, samples);
    } catch (const std::exception &e) {
      return model.emitError() << "ssm-quantize: calibration data: "
                               << e.what();
    }
    if (data.channels != rtModel->inputChannels())
      return model.emitError()
             << "calibration data '" << calibration << "' has "
             << data.channels << " channels per token, the model's input has "
             << rtModel->inputChannels();
    std::vector<const float *> sequences;
    for (int64_t i = 0; i < data.samples; ++i)
      sequences.push_back(data.sample(i));
    rt::quant::Calibration ranges;
    try {
      ranges = rt::quant::calibrate(*rtModel, sequences, data.length, threads);
    } catch (const std::exception &e) {
      return model.emitError() << "ssm-quantize: calibration: " << e.what();
    }

    const size_t layers = rtModel->layers.size();
    std::vector<int> fracs(layers);
    for (size_t i = 0; i < layers; ++i)
      fracs[i] = rt::quant::activationFrac(ranges.outputs[i], messageBits);
    // A layer's own `sigma_delta=T` (an absolute threshold in the DSL)
    // wins over the global fraction of the calibrated range.
    std::vector<double> thresholds(layers);
    for (size_t i = 0; i < layers; ++i) {
      auto type = cast<StreamType>(layerOps[i]->getResult(0).getType());
      thresholds[i] = type.getThresholdValue().value_or(sigmaDelta *
                                                        ranges.outputs[i]);
    }
    for (size_t i = 0; i < layers; ++i) {
      Operation *op = layerOps[i];
      auto type = cast<StreamType>(op->getResult(0).getType());
      const double threshold = thresholds[i];
      op->getResult(0).setType(StreamType::get(
          ctx, type.getChannels(), FixedType::get(ctx, messageBits, fracs[i]),
          Encoding::Graded, messageBits,
          threshold > 0 ? FloatAttr::get(Float64Type::get(ctx), threshold)
                        : FloatAttr()));
      if (auto s4d = dyn_cast<S4DOp>(op)) {
        const rt::Layer &layer = rtModel->layers[i];
        double maxTwoC = 0;
        for (const std::complex<double> &c : layer.c)
          maxTwoC = std::max(maxTwoC, 2.0 * std::abs(c));
        const double inputMax = ranges.outputs[layer.inputs[0]];
        const int stateFrac = rt::quant::s4dModeFrac(
            inputMax, ranges.states[i], maxTwoC, stateBits);
        s4d->setAttr("ssm.state_frac",
                     IntegerAttr::get(IntegerType::get(ctx, 64), stateFrac));
      }
    }

    if (!report.empty()) {
      std::vector<const float *> subset(
          sequences.begin(),
          sequences.begin() + std::min(sequences.size(), kSqnrSamples));
      std::vector<double> sqnr = rt::activationSqnr(
          *rtModel, subset, data.length, fracs, messageBits, threads);
      std::error_code ec;
      std::unique_ptr<llvm::raw_fd_ostream> file;
      llvm::raw_ostream *os = &llvm::outs();
      if (report != "-") {
        file = std::make_unique<llvm::raw_fd_ostream>(report, ec);
        if (ec)
          return model.emitError() << "cannot write report '" << report
                                   << "': " << ec.message();
        os = file.get();
      }
      *os << llvm::formatv("PTQ of @{0}: {1} calibration sequences of '{2}', "
                           "{3}-bit messages, {4}-bit states; SQNR over the "
                           "first {5}\n",
                           model.getSymName(), data.samples, calibration,
                           messageBits, stateBits, subset.size());
      *os << llvm::formatv("{0,-16} {1,-8} {2,12} {3,-16} {4,11} {5,9}\n",
                           "layer", "kind", "max |x|", "format", "threshold",
                           "SQNR dB");
      for (size_t i = 0; i < layers; ++i) {
        const rt::Layer &layer = rtModel->layers[i];
        *os << llvm::formatv(
            "{0,-16} {1,-8} {2,12:e3} {3,-16} {4,11:e2} {5,9:f1}\n",
            layer.name.empty() ? "-" : layer.name,
            rt::layerKindName(layer.kind), ranges.outputs[i],
            llvm::formatv("fixed<{0}, {1}>", messageBits, fracs[i]).str(),
            thresholds[i], sqnr[i]);
      }
    }
    return success();
  }
};
} // namespace

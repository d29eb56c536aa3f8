//===- Quantize.cpp - post-training quantization (ssm-quantize) -----------===//
//
// Puts fixed-point graded-spike types with sigma-delta thresholds on every
// connection, from calibration ranges measured before the pipeline
// (ssm/Transforms/Calibration.h); the formulas are ssm/Runtime/Quantize.h,
// shared with convert-ssm-to-neurocore.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Quantize.h"
#include "ssm/Dialect/NC/Hardware.h"
#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Dialect/SSM/SSMTypes.h"
#include "ssm/Transforms/Passes.h"
#include "ssm/Translation/FromSSM.h"

#include "mlir/IR/Builders.h"
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
struct QuantizePass : ssm::impl::SSMQuantizeBase<QuantizePass> {
  using Base::Base;
  QuantizePass(const SSMQuantizeOptions &options,
               std::shared_ptr<const CalibrationRanges> ranges,
               DictionaryAttr hardwareDescription)
      : Base(options), given(std::move(ranges)),
        givenHardware(hardwareDescription) {}

  /// Ranges calibrated in memory by the driver, if any.
  std::shared_ptr<const CalibrationRanges> given;
  /// The hardware description the driver loaded, if any (else `hw`).
  DictionaryAttr givenHardware;

  void runOnOperation() override {
    if (failed(quantize()))
      signalPassFailure();
  }

  LogicalResult quantize() {
    ModelOp model = getOperation();
    MLIRContext *ctx = &getContext();
    FailureOr<nc::ResolvedHardware> hw =
        nc::resolveHardware(model, givenHardware, hardware);
    if (failed(hw))
      return failure();
    const unsigned stateBits = hw->limits.stateBits;
    const unsigned messageBits = hw->limits.messageBits;
    if (!(sigmaDelta >= 0 && sigmaDelta <= 1))
      return model.emitError() << "sigma-delta must be a fraction between 0 "
                                  "and 1, got "
                               << sigmaDelta;
    FailureOr<std::shared_ptr<const CalibrationRanges>> found =
        rangesFor(model);
    if (failed(found))
      return failure();
    const CalibrationRanges &ranges = **found;

    WalkResult undiscretized = model.walk([](S4DOp op) {
      if (op.getABarAttr())
        return WalkResult::advance();
      op.emitOpError() << "is not discretized; run ssm-discretize before "
                          "ssm-quantize";
      return WalkResult::interrupt();
    });
    if (undiscretized.wasInterrupted())
      return failure();

    // The runtime model gives the layers in the order the ranges list them
    // (and each S4D layer's C).
    SmallVector<Operation *> layerOps;
    FailureOr<rt::Model> rtModel = buildRuntimeModel(model, &layerOps);
    if (failed(rtModel))
      return failure();
    if (failed(checkRangesFit(model, *rtModel, ranges)))
      return failure();

    const size_t layers = rtModel->layers.size();
    std::vector<int> fracs(layers);
    for (size_t i = 0; i < layers; ++i)
      fracs[i] =
          rt::quant::activationFrac(ranges.layers[i].maxAbs, messageBits);
    // A layer's own `sigma_delta=T` (an absolute threshold in the DSL)
    // wins over the global fraction of the calibrated range.
    std::vector<double> thresholds(layers);
    for (size_t i = 0; i < layers; ++i) {
      auto type = cast<StreamType>(layerOps[i]->getResult(0).getType());
      thresholds[i] = type.getThresholdValue().value_or(
          sigmaDelta * ranges.layers[i].maxAbs);
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
        const double inputMax = ranges.layers[layer.inputs[0]].maxAbs;
        const int stateFrac = rt::quant::s4dModeFrac(
            inputMax, ranges.layers[i].stateMaxAbs, maxTwoC, stateBits);
        s4d->setAttr("ssm.state_frac",
                     IntegerAttr::get(IntegerType::get(ctx, 64), stateFrac));
      }
      if (isa<NeuronOp>(op)) {
        // A neuron's registers hold its input current, its states and (at
        // a spike, before the reset) up to twice their calibrated range;
        // activationFrac adds its usual bit of headroom on top, so the
        // format holds four times the largest calibrated value.
        const rt::Layer &layer = rtModel->layers[i];
        const double range =
            2.0 * std::max({ranges.layers[i].stateMaxAbs,
                            ranges.layers[i].maxAbs,
                            ranges.layers[layer.inputs[0]].maxAbs});
        op->setAttr("ssm.state_frac",
                    IntegerAttr::get(IntegerType::get(ctx, 64),
                                     rt::quant::activationFrac(range,
                                                               stateBits)));
      }
    }

    if (!report.empty()) {
      // The SQNR was measured at calibration for one message width.
      const bool haveSqnr = ranges.sqnrMessageBits == messageBits;
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
                           "{3}-bit messages, {4}-bit states; ",
                           model.getSymName(), ranges.samples, ranges.data,
                           messageBits, stateBits);
      if (haveSqnr)
        *os << "SQNR over the first " << ranges.sqnrSamples << "\n";
      else
        *os << "SQNR not measured at this message width\n";
      *os << llvm::formatv("{0,-16} {1,-8} {2,12} {3,-16} {4,11} {5,9}\n",
                           "layer", "kind", "max |x|", "format", "threshold",
                           "SQNR dB");
      for (size_t i = 0; i < layers; ++i) {
        const rt::Layer &layer = rtModel->layers[i];
        const std::optional<double> &sqnr = ranges.layers[i].sqnrDb;
        *os << llvm::formatv(
            "{0,-16} {1,-8} {2,12:e3} {3,-16} {4,11:e2} {5,9}\n",
            layer.name.empty() ? "-" : layer.name,
            rt::layerKindName(layer), ranges.layers[i].maxAbs,
            llvm::formatv("fixed<{0}, {1}>", messageBits, fracs[i]).str(),
            thresholds[i],
            haveSqnr && sqnr ? llvm::formatv("{0:f1}", *sqnr).str() : "-");
      }
    }
    return success();
  }

  /// The driver's ranges, or those of the `calibration-ranges` file.
  FailureOr<std::shared_ptr<const CalibrationRanges>> rangesFor(ModelOp model) {
    if (given) {
      if (!calibrationRanges.empty())
        return model.emitError()
               << "ssm-quantize was given calibration ranges twice (in "
                  "memory and as '"
               << calibrationRanges << "')";
      return given;
    }
    if (calibrationRanges.empty())
      return model.emitError()
             << "ssm-quantize needs calibration ranges: give "
                "calibration-ranges=FILE (written by 'ssmc MODEL "
                "--emit=calibration --calibration=SPEC'), or compile with "
                "ssmc or ssmc-run, which calibrate on the data the model "
                "states or --calibration names";
    llvm::Expected<CalibrationRanges> read =
        readCalibrationRanges(calibrationRanges);
    if (!read)
      return model.emitError() << llvm::toString(read.takeError());
    return std::make_shared<const CalibrationRanges>(std::move(*read));
  }

  /// The ranges must list the model's layers, in the runtime's order.
  static LogicalResult checkRangesFit(ModelOp model, const rt::Model &rtModel,
                                      const CalibrationRanges &ranges) {
    auto mismatch = [&]() {
      return model.emitError()
             << "calibration ranges of model '" << ranges.model << "' (on '"
             << ranges.data << "') do not fit @" << model.getSymName() << ": ";
    };
    if (ranges.model != model.getSymName())
      return mismatch() << "they are for another model";
    if (ranges.layers.size() != rtModel.layers.size())
      return mismatch() << "they list " << ranges.layers.size()
                        << " layers, the model has " << rtModel.layers.size();
    for (size_t i = 0; i < ranges.layers.size(); ++i) {
      const CalibrationRanges::Layer &have = ranges.layers[i];
      const rt::Layer &want = rtModel.layers[i];
      const llvm::StringRef kind = rt::layerKindName(want);
      if (have.name != want.name || have.kind != kind ||
          have.channels != want.outChannels)
        return mismatch() << "layer " << i << " is '" << have.name << "' ("
                          << have.kind << ", " << have.channels
                          << " channels) there, '" << want.name << "' (" << kind
                          << ", " << want.outChannels << " channels) here";
    }
    return success();
  }
};
} // namespace

std::unique_ptr<Pass>
ssm::createSSMQuantize(const SSMQuantizeOptions &options,
                       std::shared_ptr<const CalibrationRanges> ranges,
                       DictionaryAttr hardwareDescription) {
  return std::make_unique<QuantizePass>(options, std::move(ranges),
                                        hardwareDescription);
}

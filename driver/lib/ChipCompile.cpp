//===- ChipCompile.cpp - the driver's compilation for a chip --------------===//

#include "ssm/Driver/ChipCompile.h"
#include "ssm/Runtime/HardwareRanges.h"

#include "ssm/Dialect/NC/Hardware.h"
#include "ssm/Runtime/Calibrate.h"
#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/Quantize.h"
#include "ssm/Runtime/Reference.h"
#include "ssm/Translation/FromSSM.h"

#include <algorithm>
#include <memory>

using namespace mlir;
using namespace ssm;

FailureOr<std::string>
driver::calibrationData(ModelOp model, const CalibrationRequest &request) {
  if (!request.data.empty())
    return request.data;
  if (std::optional<llvm::StringRef> own = model.getCalibration())
    return own->str();
  return model.emitError()
         << "model @" << model.getSymName()
         << " does not say what data to calibrate on for PTQ: state it in "
            "the model (calibration \"mnist:train\"), give "
            "--calibration=SPEC, or give --calibration-ranges=FILE from "
            "'ssmc MODEL --emit=calibration'";
}

FailureOr<CalibrationRanges>
driver::calibrate(ModelOp model, const std::string &data, int64_t samples,
                  unsigned messageBits, bool measureSqnr, int threads) {
  FailureOr<rt::Model> rtModel = buildRuntimeModel(model);
  if (failed(rtModel))
    return failure();
  rt::Dataset dataset;
  try {
    dataset = rt::loadDataset(data, samples);
  } catch (const std::exception &e) {
    return model.emitError() << "calibration data: " << e.what();
  }
  if (dataset.channels != rtModel->inputChannels())
    return model.emitError()
           << "calibration data '" << data << "' has " << dataset.channels
           << " channels per token, the model's input has "
           << rtModel->inputChannels();
  std::vector<const float *> sequences;
  for (int64_t i = 0; i < dataset.samples; ++i)
    sequences.push_back(dataset.sample(i));
  rt::quant::Calibration measured;
  const size_t layers = rtModel->layers.size();
  const size_t sqnrSamples =
      std::min<size_t>(sequences.size(), size_t(kSqnrSamples));
  try {
    // With the SQNR, of the formats ssm-quantize will choose at this width.
    measured = rt::quant::calibrate(*rtModel, sequences, dataset.length,
                                    threads, kStateSamples,
                                    measureSqnr ? messageBits : 0, sqnrSamples);
  } catch (const std::exception &e) {
    return model.emitError() << "calibration: " << e.what();
  }

  CalibrationRanges ranges;
  ranges.model = model.getSymName().str();
  ranges.data = data;
  ranges.samples = dataset.samples;
  if (measureSqnr) {
    ranges.sqnrMessageBits = messageBits;
    ranges.sqnrSamples = static_cast<int64_t>(sqnrSamples);
  }
  for (size_t i = 0; i < layers; ++i) {
    const rt::Layer &layer = rtModel->layers[i];
    CalibrationRanges::Layer entry;
    entry.name = layer.name;
    entry.kind = rt::layerKindName(layer);
    entry.channels = layer.outChannels;
    entry.maxAbs = measured.outputs[i];
    entry.stateMaxAbs = measured.states[i];
    if (measureSqnr)
      entry.sqnrDb = measured.sqnrDb[i];
    ranges.layers.push_back(std::move(entry));
  }
  return ranges;
}

namespace {
/// Runs one stage of the chip pipeline on `module`.
LogicalResult runStage(ModuleOp module, const ChipPipelineOptions &options,
                       const driver::Instrumentation &instrumentation,
                       void (*build)(OpPassManager &,
                                     const ChipPipelineOptions &)) {
  return driver::runPipeline(module, instrumentation,
                             [&](OpPassManager &pm) { build(pm, options); });
}

/// calibrate() on a module that has been through the check stage, at the
/// message width of `options`' hardware.
FailureOr<CalibrationRanges>
calibrateChecked(ModuleOp module, const ChipPipelineOptions &options,
                 const driver::CalibrationRequest &request, int threads,
                 const driver::Instrumentation &instrumentation) {
  FailureOr<ModelOp> model = getSingleModel(module);
  if (failed(model))
    return failure();
  FailureOr<std::string> data = driver::calibrationData(*model, request);
  if (failed(data))
    return failure();
  FailureOr<nc::ResolvedHardware> hw = nc::resolveHardware(
      *model, options.hardwareDescription, options.hardware);
  if (failed(hw))
    return failure();
  TimingScope timer = instrumentation.timing
                          ? instrumentation.timing->nest("calibration")
                          : TimingScope();
  // The quantization report shows the SQNR.
  const bool measureSqnr =
      request.measureSqnr || !options.quantizationReport.empty();
  return driver::calibrate(*model, *data, request.samples,
                           hw->limits.messageBits, measureSqnr, threads);
}

/// Loads `options.hardware` once for every stage and pass (a pass that
/// is given the description does not read the file again).
LogicalResult loadHardwareOnce(ModuleOp module,
                               ChipPipelineOptions &options) {
  if (options.hardwareDescription)
    return success();
  llvm::Expected<DictionaryAttr> loaded = nc::loadHardwareDescription(
      module.getContext(), options.hardware,
      options.chip.empty() ? rt::hw::kDefaultChipTarget : options.chip);
  if (!loaded)
    return module.emitError() << llvm::toString(loaded.takeError());
  // A description is of one chip, and only that chip's target compiles
  // for it (its cost model and the target that runs the network follow).
  auto chip = loaded->getAs<StringAttr>("target");
  if (!options.chip.empty() && chip && chip.getValue() != options.chip)
    return module.emitError()
           << "hardware description '" << options.hardware << "' is of a "
           << chip.getValue() << " chip; compile for it with --target="
           << chip.getValue() << ", or give a " << options.chip
           << " description";
  FailureOr<nc::ResolvedHardware> hw =
      nc::resolveHardware(module, *loaded, options.hardware);
  if (failed(hw))
    return failure();
  // The variant of the arithmetic asked for (or the description's own,
  // without the variants a compiled network does not need).
  llvm::Expected<DictionaryAttr> variant =
      nc::withArithmetic(hw->description, options.arithmetic);
  if (!variant)
    return module.emitError() << llvm::toString(variant.takeError());
  options.hardwareDescription = *variant;
  if (options.chips > 0) {
    llvm::Expected<DictionaryAttr> chips =
        nc::withChips(options.hardwareDescription, options.chips);
    if (!chips)
      return module.emitError() << llvm::toString(chips.takeError());
    options.hardwareDescription = *chips;
  }
  return success();
}

/// What both entry points do first: the hardware, loaded once into
/// `options`, then the check stage.
LogicalResult loadAndCheck(ModuleOp module, ChipPipelineOptions &options,
                           const driver::Instrumentation &instrumentation) {
  if (failed(loadHardwareOnce(module, options)))
    return failure();
  return runStage(module, options, instrumentation, buildChipCheckPipeline);
}
} // namespace

FailureOr<CalibrationRanges>
driver::calibrateForChip(ModuleOp module, ChipPipelineOptions options,
                           const CalibrationRequest &request, int threads,
                           const Instrumentation &instrumentation) {
  if (failed(loadAndCheck(module, options, instrumentation)))
    return failure();
  return calibrateChecked(module, options, request, threads, instrumentation);
}

LogicalResult driver::compileForChip(ModuleOp module,
                                       ChipPipelineOptions options,
                                       const CalibrationRequest &request,
                                       int threads,
                                       const Instrumentation &instrumentation) {
  if (failed(loadAndCheck(module, options, instrumentation)))
    return failure();
  if (options.calibrationRanges.empty() && !options.ranges) {
    FailureOr<CalibrationRanges> ranges =
        calibrateChecked(module, options, request, threads, instrumentation);
    if (failed(ranges))
      return failure();
    options.ranges =
        std::make_shared<const CalibrationRanges>(std::move(*ranges));
  }
  return runStage(module, options, instrumentation,
                  buildChipLoweringPipeline);
}

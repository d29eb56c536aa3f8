//===- Pipelines.cpp - pass pipelines of each target ----------------------===//

#include "ssm/Conversion/Pipelines.h"
#include "ssm/Conversion/Passes.h"
#include "ssm/NC/Passes.h"
#include "ssm/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"

void ssm::buildConvPipeline(mlir::OpPassManager &pm) {
  mlir::OpPassManager &model = pm.nest<ModelOp>();
  model.addPass(createSSMDiscretize());
  model.addPass(createConvertSSMToConv());
}

void ssm::buildLoihi2CheckPipeline(mlir::OpPassManager &pm,
                                   const Loihi2PipelineOptions &options) {
  mlir::OpPassManager &model = pm.nest<ModelOp>();
  CheckNeurocoreLoweringOptions check;
  check.hardware = options.hardware;
  model.addPass(createCheckNeurocoreLowering(check, options.hardwareDescription));
  model.addPass(createSSMDiscretize());
}

void ssm::buildLoihi2LoweringPipeline(mlir::OpPassManager &pm,
                                      const Loihi2PipelineOptions &options) {
  SSMQuantizeOptions quantize;
  quantize.calibrationRanges = options.calibrationRanges;
  quantize.sigmaDelta = options.sigmaDelta;
  quantize.hardware = options.hardware;
  quantize.report = options.quantizationReport;
  pm.nest<ModelOp>().addPass(createSSMQuantize(quantize, options.ranges,
                                               options.hardwareDescription));
  ConvertSSMToNeurocoreOptions convert;
  convert.hardware = options.hardware;
  pm.addPass(createConvertSSMToNeurocore(convert, options.hardwareDescription));
  mlir::OpPassManager &network = pm.nest<nc::NetworkOp>();
  network.addPass(nc::createNCInsertDelays());
  network.addPass(nc::createNCSplitGroups());
  network.addPass(nc::createNCPlace());
  if (!options.coreReport.empty())
    network.addPass(nc::createNCCoreReport({options.coreReport}));
}

void ssm::buildLoihi2Pipeline(mlir::OpPassManager &pm,
                              const Loihi2PipelineOptions &options) {
  buildLoihi2CheckPipeline(pm, options);
  buildLoihi2LoweringPipeline(pm, options);
}

namespace {
/// ssm-to-nc's options; the defaults are Loihi2PipelineOptions'.
const ssm::Loihi2PipelineOptions defaults;

struct Loihi2CommandLineOptions
    : mlir::PassPipelineOptions<Loihi2CommandLineOptions> {
  Option<std::string> hardware{*this, "hw",
                               llvm::cl::desc("Hardware description JSON")};
  Option<std::string> calibrationRanges{
      *this, "calibration-ranges",
      llvm::cl::desc("Calibration ranges JSON (ssmc --emit=calibration)")};
  Option<double> sigmaDelta{
      *this, "sigma-delta",
      llvm::cl::desc("Sigma-delta threshold, fraction of each range"),
      llvm::cl::init(defaults.sigmaDelta)};
};
} // namespace

void ssm::registerSSMPipelines() {
  mlir::PassPipelineRegistration<Loihi2CommandLineOptions>(
      "ssm-to-nc",
      "Lower a model to a placed nc.network for the loihi2 target "
      "(ssm-check-neurocore, ssm-discretize, ssm-quantize, "
      "convert-ssm-to-neurocore, nc-insert-delays, nc-split-groups, "
      "nc-place)",
      [](mlir::OpPassManager &pm, const Loihi2CommandLineOptions &o) {
        ssm::Loihi2PipelineOptions options;
        options.hardware = o.hardware;
        options.calibrationRanges = o.calibrationRanges;
        options.sigmaDelta = o.sigmaDelta;
        buildLoihi2Pipeline(pm, options);
      });
  mlir::PassPipelineRegistration<>(
      "ssm-to-conv",
      "Lower models to the conv form (ssm-discretize, convert-ssm-to-conv)",
      buildConvPipeline);
}

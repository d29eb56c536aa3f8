//===- Pipelines.cpp - pass pipelines of each target ----------------------===//

#include "ssm/Conversion/Pipelines.h"
#include "ssm/Conversion/Passes.h"
#include "ssm/NC/Passes.h"
#include "ssm/Transforms/Passes.h"

void ssm::buildConvPipeline(mlir::OpPassManager &pm) {
  mlir::OpPassManager &model = pm.nest<ModelOp>();
  model.addPass(createSSMDiscretize());
  model.addPass(createConvertSSMToConv());
}

void ssm::buildChipCheckPipeline(mlir::OpPassManager &pm,
                                   const ChipPipelineOptions &options) {
  mlir::OpPassManager &model = pm.nest<ModelOp>();
  CheckNeurocoreLoweringOptions check;
  check.hardware = options.hardware;
  model.addPass(createCheckNeurocoreLowering(check, options.hardwareDescription));
  model.addPass(createSSMDiscretize());
}

void ssm::buildChipLoweringPipeline(mlir::OpPassManager &pm,
                                      const ChipPipelineOptions &options) {
  SSMQuantizeOptions quantize;
  quantize.calibrationRanges = options.calibrationRanges;
  quantize.sigmaDelta = options.sigmaDelta;
  quantize.hardware = options.hardware;
  quantize.report = options.quantizationReport;
  pm.nest<ModelOp>().addPass(createSSMQuantize(quantize, options.ranges,
                                               options.hardwareDescription));
  ConvertSSMToNeurocoreOptions convert;
  convert.hardware = options.hardware;
  convert.report = options.quantizationReport;
  pm.addPass(createConvertSSMToNeurocore(convert, options.hardwareDescription));
  mlir::OpPassManager &network = pm.nest<nc::NetworkOp>();
  network.addPass(nc::createNCInsertDelays());
  network.addPass(
      nc::createNCSplitGroups({options.synapseMemory, options.neuronsPerCore}));
  network.addPass(nc::createNCPlace());
  if (!options.coreReport.empty())
    network.addPass(nc::createNCCoreReport({options.coreReport}));
}

void ssm::buildChipPipeline(mlir::OpPassManager &pm,
                              const ChipPipelineOptions &options) {
  buildChipCheckPipeline(pm, options);
  buildChipLoweringPipeline(pm, options);
}

//===- Pipelines.cpp - pass pipelines of each target ----------------------===//

#include "ssm/Conversion/Pipelines.h"
#include "ssm/Conversion/Passes.h"
#include "ssm/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"

void ssm::buildConvPipeline(mlir::OpPassManager &pm) {
  mlir::OpPassManager &model = pm.nest<ModelOp>();
  model.addPass(createSSMDiscretize());
  model.addPass(createConvertSSMToConv());
}

void ssm::registerSSMPipelines() {
  mlir::PassPipelineRegistration<>(
      "ssm-to-conv",
      "Lower models to the conv form (ssm-discretize, convert-ssm-to-conv)",
      buildConvPipeline);
}

//===- Discretize.cpp - materialize A_bar and B_bar of S4D layers ---------===//
//
// Implements ssm-discretize with the shared formulas of ssm/Runtime/S4D.h.
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Dialect/SSM/Weights.h"
#include "ssm/Runtime/S4D.h"
#include "ssm/Transforms/Passes.h"
#include "ssm/Translation/FromSSM.h"

namespace ssm {
#define GEN_PASS_DEF_SSMDISCRETIZE
#include "ssm/Transforms/Passes.h.inc"
} // namespace ssm

using namespace mlir;
using namespace ssm;

namespace {
struct DiscretizePass : ssm::impl::SSMDiscretizeBase<DiscretizePass> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([&](S4DOp op) {
      if (op.getABarAttr())
        return WalkResult::advance();
      FailureOr<rt::S4DContinuous> params = readS4DContinuous(op);
      if (failed(params))
        return WalkResult::interrupt();
      rt::S4DDiscrete discrete = rt::discretize(
          *params, op.getDiscretization() == Discretization::Bilinear
                       ? rt::Discretization::Bilinear
                       : rt::Discretization::ZOH);
      std::string name = op.getName().value_or("s4d").str();
      SmallVector<int64_t, 2> shape = {params->channels, params->modes};
      MLIRContext *ctx = op.getContext();
      op.setABarAttr(
          makeComplexParam(ctx, shape, discrete.aBar, name + ".a_bar"));
      op.setBBarAttr(
          makeComplexParam(ctx, shape, discrete.bBar, name + ".b_bar"));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

//===- SSMToConv.cpp - lower S4D layers to the conv form ------------------===//
//
// Implements convert-ssm-to-conv: ssm.s4d -> conv.s4d_kernel +
// conv.causal_conv. Every other ssm op is legal and stays.
//
//===----------------------------------------------------------------------===//

#include "ssm/Conversion/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

namespace ssm {
#define GEN_PASS_DEF_CONVERTSSMTOCONV
#include "ssm/Conversion/Passes.h.inc"
} // namespace ssm

using namespace mlir;
using namespace ssm;

namespace {
struct S4DToConv : OpConversionPattern<S4DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(S4DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t channels = op.getInput().getType().getChannels();
    auto kernel = rewriter.create<conv::S4DKernelOp>(
        op.getLoc(), conv::KernelType::get(op.getContext(), channels),
        op.getABarAttr(), op.getBBarAttr(), op.getC(), op.getNameAttr());
    rewriter.replaceOpWithNewOp<conv::CausalConvOp>(
        op, op.getOutput().getType(), adaptor.getInput(), kernel.getKernel(),
        op.getD(), op.getNameAttr());
    return success();
  }
};

struct ConvertSSMToConvPass
    : ssm::impl::ConvertSSMToConvBase<ConvertSSMToConvPass> {
  void runOnOperation() override {
    // The kernel needs A_bar and B_bar; report every layer without them.
    bool discretized = true;
    getOperation().walk([&](S4DOp op) {
      if (!op.getABarAttr()) {
        op.emitOpError() << "must be discretized before convert-ssm-to-conv "
                            "(run ssm-discretize first)";
        discretized = false;
      }
    });
    if (!discretized)
      return signalPassFailure();

    ConversionTarget target(getContext());
    target.addLegalDialect<conv::ConvDialect, SSMDialect>();
    target.addIllegalOp<S4DOp>();
    RewritePatternSet patterns(&getContext());
    patterns.add<S4DToConv>(&getContext());
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

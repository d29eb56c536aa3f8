//===- FuseDense.cpp - merge chains of dense layers -----------------------===//
//
// Implements ssm-fuse-dense: W2 (W1 u + b1) + b2 -> (W2 W1) u + (W2 b1 + b2).
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Dialect/SSM/Weights.h"
#include "ssm/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace ssm {
#define GEN_PASS_DEF_SSMFUSEDENSE
#include "ssm/Transforms/Passes.h.inc"
} // namespace ssm

using namespace mlir;
using namespace ssm;

namespace {

/// A dense layer's parameters, read once.
struct DenseParams {
  int64_t in = 0, out = 0;
  SmallVector<double> weight; // [out, in] row-major
  SmallVector<double> bias;   // [out], zeros when the layer has none
};

FailureOr<DenseParams> readDense(DenseOp op) {
  DenseParams params;
  params.in = op.getInput().getType().getChannels();
  params.out = op.getOutput().getType().getChannels();
  FailureOr<SmallVector<double>> weight = readRealElements(op.getWeight());
  if (failed(weight))
    return failure();
  params.weight = std::move(*weight);
  params.bias.assign(params.out, 0.0);
  if (ElementsAttr biasAttr = op.getBiasAttr()) {
    FailureOr<SmallVector<double>> bias = readRealElements(biasAttr);
    if (failed(bias))
      return failure();
    params.bias = std::move(*bias);
  }
  return params;
}

struct FuseDensePass : ssm::impl::SSMFuseDenseBase<FuseDensePass> {
  using Base::Base;

  void runOnOperation() override {
    // Collect first: fusing erases ops. Each candidate is the second layer of
    // a pair whose first layer feeds only it.
    SmallVector<DenseOp> seconds;
    getOperation().walk([&](DenseOp second) {
      auto first = second.getInput().getDefiningOp<DenseOp>();
      if (!first || !first->hasOneUse())
        return;
      StreamType mid = first.getOutput().getType();
      if (mid.getEncoding() != Encoding::Float || mid.getThreshold())
        return;
      seconds.push_back(second);
    });
    for (DenseOp second : seconds)
      if (failed(fuse(second)))
        return signalPassFailure();
  }

  LogicalResult fuse(DenseOp second) {
    auto first = second.getInput().getDefiningOp<DenseOp>();
    // An earlier fusion may have replaced `first` with a fused layer that is
    // no longer a dense op of one use; then this pair is not a candidate.
    if (!first || !first->hasOneUse())
      return success();
    FailureOr<DenseParams> p1 = readDense(first), p2 = readDense(second);
    if (failed(p1) || failed(p2))
      return second.emitOpError() << "cannot read dense parameters to fuse";
    int64_t in = p1->in, mid = p1->out, out = p2->out;
    if (onlyIfSmaller && out * in > out * mid + mid * in)
      return success();

    SmallVector<float> weight(out * in), bias(out);
    for (int64_t o = 0; o < out; ++o) {
      double b = p2->bias[o];
      for (int64_t m = 0; m < mid; ++m)
        b += p2->weight[o * mid + m] * p1->bias[m];
      bias[o] = static_cast<float>(b);
      for (int64_t i = 0; i < in; ++i) {
        double w = 0;
        for (int64_t m = 0; m < mid; ++m)
          w += p2->weight[o * mid + m] * p1->weight[m * in + i];
        weight[o * in + i] = static_cast<float>(w);
      }
    }

    MLIRContext *ctx = &getContext();
    OpBuilder builder(second);
    std::string name = second.getName().value_or("dense").str();
    auto fused = builder.create<DenseOp>(
        builder.getFusedLoc({first.getLoc(), second.getLoc()}),
        second.getOutput().getType(), first.getInput(),
        makeRealParam(ctx, {out, in}, weight, name + ".weight"),
        makeRealParam(ctx, {out}, bias, name + ".bias"),
        second.getNameAttr());
    second.getOutput().replaceAllUsesWith(fused.getOutput());
    second.erase();
    first.erase();
    return success();
  }
};
} // namespace

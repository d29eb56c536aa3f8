//===- Passes.td - transforms on the ssm dialect -----------*- tablegen -*-===//
//
// Passes that rewrite ssm models before they are lowered to a target.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_TRANSFORMS_PASSES_TD
#define SSM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SSMFuseDense : Pass<"ssm-fuse-dense", "::ssm::ModelOp"> {
  let summary = "Merge chains of dense layers that have no nonlinearity between them";
  let description = [{
    Two dense layers in a row, `y = W2 (W1 u + b1) + b2`, are one dense layer
    `y = (W2 W1) u + (W2 b1 + b2)`. On the Loihi 2 target every dense layer
    is a synapse table and a neuron group, so fusing saves a time step of
    latency per token and, when `W2 W1` has fewer entries than `W1` and `W2`
    together, synapse memory and synaptic ops.

    Only fuses when the intermediate stream is float-encoded without a
    sigma-delta threshold (a threshold or quantized message changes what the
    second layer sees) and has no other user.

    Example: a 64->8 and an 8->64 dense layer (1024 weights) are left alone
    with `only-if-smaller` (the fused 64->64 layer has 4096).
  }];
  let options = [
    Option<"onlyIfSmaller", "only-if-smaller", "bool", /*default=*/"true",
           "Fuse only when the product has no more weights than the pair">
  ];
}

#endif // SSM_TRANSFORMS_PASSES_TD

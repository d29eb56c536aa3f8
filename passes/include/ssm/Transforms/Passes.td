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

def SSMDiscretize : Pass<"ssm-discretize", "::ssm::ModelOp"> {
  let summary = "Materialize the discrete S4D parameters A_bar and B_bar";
  let description = [{
    Computes `a_bar` and `b_bar` ([H, N/2], complex<f64>) of every `ssm.s4d`
    from its continuous parameters with the layer's rule (Gu et al. 2022,
    S4D, Sec. 2):

    - zoh: `A_bar = exp(dt A)`, `B_bar = B (A_bar - 1) / A`
    - bilinear: `A_bar = (1 + dt A/2) / (1 - dt A/2)`,
      `B_bar = dt B / (1 - dt A/2)`

    with `A = -exp(log_a_real) + i a_imag` and `dt = exp(log_dt)`. The
    formulas are ssm::rt::discretize (ssm/Runtime/S4D.h), the same function
    the reference interpreter uses. Layers that already carry `a_bar` are
    left alone. Values are stored in float64: A_bar^l over tens of thousands
    of tokens needs the precision.
  }];
}

def SSMQuantize : Pass<"ssm-quantize", "::ssm::ModelOp"> {
  let summary = "Post-training quantization (PTQ) for the loihi2 target";
  let description = [{
    Reads each connection's calibrated range from the calibration ranges
    (ssm/Transforms/Calibration.h): the JSON file named by
    `calibration-ranges`, which `ssmc MODEL --emit=calibration
    --calibration=SPEC` writes, or the ranges ssmc and ssmc-run calibrate
    in memory before the pipeline. The pass never opens a data set. It
    then types each connection as a graded-spike stream of the hardware's
    message width,

    ```mlir
    !ssm.stream<64x!ssm.fixed<24, 19>, graded<24>, threshold = 1.2e-02>
    ```

    with the format that holds twice the calibrated max |value| (one bit of
    headroom) and a sigma-delta threshold of `sigma-delta` times that max
    (0 sends every change). Each S4D layer also gets `ssm.state_frac`, the
    fractional bits of its mode neurons (holding input, states and outputs;
    ssm/Runtime/Quantize.h). Weights stay float here:
    `convert-ssm-to-neurocore` quantizes them against these formats.
    `report` (a path, `-` for stdout) writes per layer the range, format,
    threshold and, when the ranges carry it for the hardware's message
    width, the SQNR of quantizing its activations. Run `ssm-discretize`
    first. The ranges must be the model's: the same layers, in the same
    order, with the same names.
  }];
  let options = [
    Option<"calibrationRanges", "calibration-ranges", "std::string",
           /*default=*/"\"\"",
           "Calibration ranges JSON (from ssmc --emit=calibration)">,
    Option<"sigmaDelta", "sigma-delta", "double", /*default=*/"0.002",
           "Sigma-delta threshold as a fraction of each connection's range">,
    Option<"hardware", "hw", "std::string", /*default=*/"\"\"",
           "Hardware description JSON (default: the built-in loihi2.json)">,
    Option<"report", "report", "std::string", /*default=*/"\"\"",
           "Write the per-layer quantization report here (- for stdout)">
  ];
}

#endif // SSM_TRANSFORMS_PASSES_TD

//===- Passes.td - conversions out of the ssm dialect ------*- tablegen -*-===//
//
// Lowerings from the model level to each target's form.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_CONVERSION_PASSES_TD
#define SSM_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSSMToConv : Pass<"convert-ssm-to-conv", "::ssm::ModelOp"> {
  let summary = "Lower S4D layers to kernel generation plus causal convolution";
  let description = [{
    Rewrites every discretized `ssm.s4d` into

    ```mlir
    %k = conv.s4d_kernel {a_bar = ..., b_bar = ..., c = ...} : !conv.kernel<H>
    %y = conv.causal_conv %u, %k {d = ...} : !ssm.stream<Hxf32>, !conv.kernel<H> -> ...
    ```

    i.e. `K[h, l] = 2 Re(sum_n C B_bar A_bar^l)` (the Vandermonde form of the
    S4D kernel) and `y = K * u + D u`. Other layers keep their ssm form: the
    conv executor runs dense layers as one batched matmul over all tokens and
    EGRU as a sequential scan. Run `ssm-discretize` first; an S4D layer
    without `a_bar`/`b_bar` is an error.
  }];
  let dependentDialects = ["::ssm::conv::ConvDialect"];
}

#endif // SSM_CONVERSION_PASSES_TD

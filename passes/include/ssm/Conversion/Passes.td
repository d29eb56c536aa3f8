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

def CheckNeurocoreLowering : Pass<"ssm-check-neurocore", "::ssm::ModelOp"> {
  let summary = "Fail fast when a model cannot be lowered to nc";
  let description = [{
    Runs first in the loihi2 pipeline, before `ssm-quantize` calibrates
    (which can take seconds to minutes), and reports in one go what
    `convert-ssm-to-neurocore` would refuse after it:

    - every layer that has no neurocore lowering (one error each, at the
      layer's own location);
    - a model whose layers need more neurons than the hardware `hw` has in
      all (a lower bound: the groups every ReLU, readout, S4D mode and EGRU
      unit become), or an EGRU layer with more units than one core holds
      (EGRU groups are not split).

    The same check runs again at the start of `convert-ssm-to-neurocore`,
    so a pipeline without this pass gets the same errors, only later.
  }];
  let options = [
    Option<"hardware", "hw", "std::string", /*default=*/"\"\"",
           "Hardware description JSON (default: the built-in loihi2.json)">
  ];
}

def ConvertSSMToNeurocore : Pass<"convert-ssm-to-neurocore", "::mlir::ModuleOp"> {
  let summary = "Lower a quantized ssm.model to an unplaced nc.network";
  let description = [{
    Replaces the module's `ssm.model` (after `ssm-discretize` and
    `ssm-quantize`) by an `nc.network` for the hardware description `hw`,
    one lowering per layer kind:

    - every value that must travel as spikes becomes a neuron group in its
      connection's fixed-point format: inputs (`nc.input`), ReLU
      (`sigma_delta_relu`), S4D modes (`s4d_mode`), readouts
      (`accumulator`), EGRU units (`egru_unit`), neuron layers (their
      model: `lif`, ...), and linear results that are read more than once,
      by an S4D layer, or leave the model (`sigma_delta`);
    - linear layers fold into the synapse tables of the group that reads
      them: dense (W, bias on the group), add (both operands' tables), the
      S4D layer's reduce table (modes to channel) and its `D` skip table;
      each S4D layer also gets an expand table (channel to its N/2 modes);
    - weights become int8 with a shared exponent per table
      (ssm/Runtime/Quantize.h), tables sparse when that is smaller.

    Groups are emitted whole, with no core and no delays: `nc-insert-delays`,
    `nc-split-groups` and `nc-place` follow (the `ssm-to-nc` pipeline runs
    them all).

    With `report`, it appends each table's quantization to the
    quantization report: its weights, exponent, saturated weights and the
    SQNR of the int8 weights read back as reals.
  }];
  let options = [
    Option<"hardware", "hw", "std::string", /*default=*/"\"\"",
           "Hardware description JSON (default: the built-in loihi2.json)">,
    Option<"report", "report", "std::string", /*default=*/"\"\"",
           "Append the synapse tables' weight quantization here (- for "
           "stdout)">
  ];
  let dependentDialects = ["::ssm::nc::NCDialect"];
}

#endif // SSM_CONVERSION_PASSES_TD

//===- NCOps.td - the nc neurocore dialect -----------------*- tablegen -*-===//
//
// A Loihi 2-style neurocore graph: cores on a mesh, neuron groups running a
// microcode neuron model, synapse tables of int8 weights with a shared
// exponent, and the spike-message edges between them. Resource limits come
// from the network's hardware description and are checked by the verifier.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_NC_NCOPS_TD
#define SSM_DIALECT_NC_NCOPS_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NC_Dialect : Dialect {
  let name = "nc";
  let cppNamespace = "::ssm::nc";
  let summary = "Loihi 2-style neurocore graphs";
  let description = [{
    `nc` is what the loihi2 target executes. An `nc.network` holds cores
    (`nc.core`, with coordinates on the chip mesh), neuron groups
    (`nc.neurons`, each placed on a core, running one microcode neuron
    model), synapse tables (`nc.synapses`, int8 weights with a shared
    exponent, stored on the core of the group they feed), inputs and
    outputs. Every edge is a spike message that arrives in the next time
    step, so the graph may contain cycles (recurrent synapses).
  }];
  let useDefaultTypePrinterParser = 1;
}

class NC_Op<string mnemonic, list<Trait> traits = []>
    : Op<NC_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

def NC_SpikesType : TypeDef<NC_Dialect, "Spikes"> {
  let mnemonic = "spikes";
  let summary = "the spike messages a neuron group sends";
  let description = [{
    `!nc.spikes<N, bits = B>`: the output messages of N neurons, as graded
    spikes with a B-bit integer payload (1..32), or binary spikes (B = 0).
    Only neurons whose value changed by more than their sigma-delta
    threshold send in a step.
  }];
  let parameters = (ins "int64_t":$size, "unsigned":$payloadBits);
  let assemblyFormat = "`<` $size `,` `bits` `=` $payloadBits `>`";
  let genVerifyDecl = 1;
}

def NC_CurrentType : TypeDef<NC_Dialect, "Current"> {
  let mnemonic = "current";
  let summary = "synaptic input accumulated for a neuron group";
  let description = [{
    `!nc.current<N>`: the per-step dendritic input of N neurons, summed from
    the messages a synapse table receives.
  }];
  let parameters = (ins "int64_t":$size);
  let assemblyFormat = "`<` $size `>`";
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def NC_SynapseLayout : I32EnumAttr<"SynapseLayout",
    "how a synapse table is stored in core memory", [
      I32EnumAttrCase<"Dense", 0, "dense">,
      I32EnumAttrCase<"Sparse", 1, "sparse">
    ]> {
  let cppNamespace = "::ssm::nc";
}

//===----------------------------------------------------------------------===//
// Structure
//===----------------------------------------------------------------------===//

def NC_NetworkOp : NC_Op<"network", [
    Symbol, SymbolTable, IsolatedFromAbove, SingleBlock, NoTerminator,
    DeclareOpInterfaceMethods<RegionKindInterface>, HasOnlyGraphRegion]> {
  let summary = "a neurocore graph and the hardware it targets";
  let description = [{
    `hardware` describes the chip (from the hardware description JSON):
    `name`, `chips`, `mesh` [x, y], `neurons_per_core`,
    `synapse_bytes_per_core`, `state_bits`, `message_bits`, `weight_bits`,
    `weight_exponent` [min, max], `max_delay`, and the cost model's
    `energy_pj` and `time_ns` tables (docs/cost-model.md); optionally
    `target` (the chip: loihi2 or spinnaker2), `dram_bytes` and
    `arithmetic`: `fixed` (the default) or `fp32`, in which the event
    runtime computes the network in IEEE binary32 and a table's weights
    take 32 bits each in memory (docs/spinnaker2.md). The verifier
    checks every core, group and table against it: coordinates on the mesh,
    neurons and synapse memory per core, payload and weight widths, exponent
    range, delays.

    Example:
    ```mlir
    nc.network @tiny attributes {hardware = {name = "loihi2", chips = 1 : i64,
        mesh = [16, 8], neurons_per_core = 8192 : i64,
        synapse_bytes_per_core = 131072 : i64, state_bits = 24 : i64,
        message_bits = 24 : i64, weight_bits = 8 : i64,
        weight_exponent = [-8, 7]}} {
      nc.core @c0 at [0, 0, 0]
      %u = nc.input 0 : !nc.spikes<1, bits = 24>
      %s = nc.synapses %u {weights = dense<[[64], [-32]]> : tensor<2x1xsi8>,
                           exponent = 0 : i64}
          : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
      %y = nc.neurons @relu on @c0 sigma_delta_relu(%s) {size = 2 : i64}
          : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
      nc.output %y : !nc.spikes<2, bits = 24>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, DictionaryAttr:$hardware);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The limits of `hardware` (readHardwareLimits), or failure after an
    /// error at this op.
    ::mlir::FailureOr<::ssm::nc::HardwareLimits> readLimits();
  }];
}

def NC_CoreOp : NC_Op<"core", [Symbol, HasParent<"NetworkOp">]> {
  let summary = "a neurocore at a position on the mesh";
  let description = [{
    `nc.core @c at [chip, x, y]`. Neuron groups name the core they run on.
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, DenseI64ArrayAttr:$position);
  let assemblyFormat = "$sym_name `at` $position attr-dict";
  let hasVerifier = 1;
}

def NC_InputOp : NC_Op<"input", [Pure, HasParent<"NetworkOp">]> {
  let summary = "messages arriving from outside the chip";
  let description = [{
    The `index`-th input stream: the host quantizes each token's values to
    `q * 2^-frac_bits` (the payload width of the result type) and sends
    them sigma-delta with `threshold` (payload units, default 0). With
    `tokens`, a stream of words (neuron model `token_input`): each step the
    host reads one token id t and sends a payload of 1 from neuron t alone
    (one-hot), which the tables it feeds see for that step only.
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntNonNegative]>:$index,
                       OptionalAttr<StrAttr>:$name,
                       OptionalAttr<I64Attr>:$frac_bits,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:$threshold,
                       UnitAttr:$tokens);
  let results = (outs NC_SpikesType:$output);
  let assemblyFormat = "$index attr-dict `:` qualified(type($output))";
}

def NC_SynapsesOp : NC_Op<"synapses", [Pure, HasParent<"NetworkOp">]> {
  let summary = "a synapse table: int8 weights with a shared exponent";
  let description = [{
    Each message from the concatenated `inputs` (payload p from neuron j)
    adds `weights[i, j] * p * 2^exponent` to neuron i of the group this
    table feeds; one synaptic operation per non-zero weight touched. The
    table lives in the memory of that group's core: `dense` stores every
    weight, `sparse` only the non-zero ones with their index. `weights` is
    [OUT, sum of input sizes] of si8 (the hardware's weight bits; signed, so that
    the text parser refuses a literal outside -128..127). A `sparse` table may
    instead be given by its entries, so that its size in memory and in the
    file follows its synapses: then `weights` holds the non-zero weights
    [NNZ] and `indices` their (row, column) positions [NNZ, 2] (si32), in
    increasing row-major order:

    ```mlir
    %t = nc.synapses %m layout sparse {exponent = -4 : i64,
        indices = dense<[[0, 0], [0, 1], [1, 2]]> : tensor<3x2xsi32>,
        weights = dense<[64, 64, 64]> : tensor<3xsi8>}
        : (!nc.spikes<4, bits = 24>) -> !nc.current<2>
    ```

    The products are summed in a wide integer accumulator per target neuron
    (the sigma of sigma-delta: messages carry changes, so the accumulator
    holds `sum_j w[i, j] * p_j` of the latest payloads), and the group sees
    that sum shifted by `exponent` (left when positive, right with rounding
    when negative). `delay` holds messages back that many extra steps
    (Loihi 2's synaptic delay), which `convert-ssm-to-neurocore` uses to line
    up paths of different length (the S4D `D` skip, residual adds).

    `dram` stores the table in the chip's DRAM (the hardware's `dram_bytes`)
    instead of its core's memory: it takes no core memory, and each
    synaptic operation reads its share of the table's bytes from DRAM
    (SpiNNaker 2's LPDDR4; `nc-split-groups` puts tables there).
  }];
  let arguments = (ins Variadic<NC_SpikesType>:$inputs, ElementsAttr:$weights,
                       OptionalAttr<ElementsAttr>:$indices,
                       I64Attr:$exponent,
                       DefaultValuedAttr<NC_SynapseLayout,
                                         "::ssm::nc::SynapseLayout::Dense">:$layout,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntNonNegative]>,
                                         "0">:$delay,
                       OptionalAttr<StrAttr>:$name,
                       UnitAttr:$dram);
  let results = (outs NC_CurrentType:$output);
  let assemblyFormat = "$inputs (`layout` $layout^)? attr-dict `:` `(` "
                       "qualified(type($inputs)) `)` `->` qualified(type($output))";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// [rows, columns]: the current it feeds, the sum of its inputs' sizes.
    std::pair<int64_t, int64_t> getShape();
    /// Bytes this table occupies in memory (its core's or DRAM).
    int64_t getMemoryBytes(unsigned weightBits);
    /// Of those, the bytes in its core's memory (none when in DRAM).
    int64_t getCoreMemoryBytes(unsigned weightBits) {
      return getDram() ? 0 : getMemoryBytes(weightBits);
    }
    /// The table's non-zero weights at row-major flat indices (increasing),
    /// from either form; fails with a message when they cannot be read or
    /// the entries are out of range or order.
    ::mlir::FailureOr<::ssm::IntegerEntries> readEntries(std::string *error);
  }];
}

def NC_NeuronsOp : NC_Op<"neurons", [Symbol, HasParent<"NetworkOp">]> {
  let summary = "a group of neurons running one microcode model on a core";
  let description = [{
    `size` neurons of `model` on `core`, fed by the sum of `inputs` (the
    synapse tables into this group; all of the model's current size). A
    group without `on @core` is not placed yet: `convert-ssm-to-neurocore`
    emits groups so, `nc-split-groups` and `nc-place` give them cores, and
    the runtime refuses a network with an unplaced group. The
    group's values (its input current, state registers and message
    payloads) are signed integers read as `q * 2^-frac_bits`; model
    parameters are attributes with signed integer values (si32) of `size`
    elements, in the value format or in the formats `param_frac_bits` lists
    per parameter kind.

    The models are the event runtime's (runtime/lib/models/, one file
    each; `ssm/Runtime/NeuronModel.h` declares what each provides): the
    verifier asks the model for its current size, its parameters, its
    parameter formats and its options, so a new model needs no change
    here. The models ssmc has:

    - `s4d_mode`: one complex S4D mode per neuron with two state registers
      (re, im): `x = A_bar x + B_bar u`, sends `Re(C x)` (the factor 2 of
      the conjugate pair folded into C); parameters `a_bar_re`, `a_bar_im`,
      `b_bar_re`, `b_bar_im`, `c_re`, `c_im` and `param_frac_bits =
      array<i64: fA, fB, fC>` (Meyer et al. 2024, Sec. 3). Each product is
      rounded back to the value format: `x' = round(A x / 2^fA) +
      round(B u / 2^fB)`, `y = round(Re(C x') / 2^fC)`.
    - `sigma_delta_relu` / `sigma_delta`: relu(input + bias) / input + bias.
    - `accumulator`: sums its input over the sequence and, after the last
      token, sends the mean (mean readout); with the unit attribute `last`
      it keeps the last token's input instead (last-token readout).
    - `egru_unit`: the EGRU cell of Subramoney et al. 2023 (Sec. 3.1); its
      current has 4 x `size` entries, stacked [update, reset, candidate
      from the input, candidate from the recurrence] so the reset gate can
      scale the recurrent part alone; `theta` (value format) is the event
      threshold; sends y = c when c exceeds theta, else 0. The gate
      nonlinearities are evaluated on the dequantized current and the
      result rounded to the value format (a lookup table on the chip).

    These models send sigma-delta: a neuron sends the change of its value
    when it differs from what it last sent by more than `threshold` (in
    payload units; default 0, i.e. on any change). A spiking model sends
    its payload in the steps it fires (the tables it feeds see only that
    step's spikes). Optional `bias` is in the value format, one entry per
    current entry.
  }];
  let arguments = (ins Variadic<NC_CurrentType>:$inputs,
                       SymbolNameAttr:$sym_name,
                       OptionalAttr<FlatSymbolRefAttr>:$core,
                       StrAttr:$model,
                       ConfinedAttr<I64Attr, [IntPositive]>:$size,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:$threshold,
                       OptionalAttr<I64Attr>:$frac_bits,
                       OptionalAttr<DenseI64ArrayAttr>:$param_frac_bits);
  let results = (outs NC_SpikesType:$output);
  let assemblyFormat = "$sym_name (`on` $core^)? custom<NeuronModelName>($model) "
                       "`(` $inputs `)` attr-dict "
                       "`:` `(` qualified(type($inputs)) `)` `->` "
                       "qualified(type($output))";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The event runtime's description of this group's model, or null
    /// when the runtime has no model of that name (the verifier refuses it).
    const ::ssm::rt::neuro::NeuronModelInfo *getModelInfo();
  }];
}

def NC_OutputOp : NC_Op<"output", [HasParent<"NetworkOp">]> {
  let summary = "messages leaving the chip";
  let arguments = (ins Variadic<NC_SpikesType>:$outputs);
  let assemblyFormat = "$outputs attr-dict `:` qualified(type($outputs))";
}

#endif // SSM_DIALECT_NC_NCOPS_TD

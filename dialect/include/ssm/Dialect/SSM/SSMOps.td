//===- SSMOps.td - operations of the ssm dialect -----------*- tablegen -*-===//
//
// Layers of S4D and EGRU models over token streams. Parameters are
// ElementsAttr: dense elements for small tensors, dense_resource blobs for
// weights (so large models print and parse fast). Each op verifies its
// parameter shapes against its stream types.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_SSM_SSMOPS_TD
#define SSM_DIALECT_SSM_SSMOPS_TD

include "ssm/Dialect/SSM/SSMDialect.td"
include "ssm/Dialect/SSM/SSMEnums.td"
include "ssm/Dialect/SSM/SSMTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def SSM_Stream : Type<CPred<"::mlir::isa<::ssm::StreamType>($_self)">,
                      "token stream", "::ssm::StreamType">;

/// A layer: pure dataflow on streams, with an optional user-facing name
/// (the DSL's layer name; weights bind to it).
class SSM_LayerOp<string mnemonic, list<Trait> traits = []>
    : SSM_Op<mnemonic, !listconcat([Pure, HasParent<"ModelOp">], traits)>;

//===----------------------------------------------------------------------===//
// Model structure
//===----------------------------------------------------------------------===//

def SSM_ModelOp : SSM_Op<"model", [
    Symbol, IsolatedFromAbove, SingleBlock, NoRegionArguments,
    DeclareOpInterfaceMethods<RegionKindInterface>, HasOnlyGraphRegion]> {
  let summary = "a model: a graph of layers from inputs to outputs";
  let description = [{
    Holds one model as a graph region: the order of layers in the body does
    not matter, but the graph must be acyclic (feedback lives inside stateful
    layers such as `ssm.s4d` and `ssm.egru`, never on an edge). The body ends
    with `ssm.output`, whose operands are the model's outputs.

    `calibration`, when present, is the data spec (docs/ssmc-run.md) of the
    sequences that post-training quantization calibrates the model on, as
    the DSL's `calibration "SPEC"` states it; the loihi2 driver reads it
    when no `--calibration` is given.

    Example:
    ```mlir
    ssm.model @tiny {
      %u = ssm.input 0 : !ssm.stream<1xf32>
      %y = ssm.relu %u : !ssm.stream<1xf32> -> !ssm.stream<1xf32>
      ssm.output %y : !ssm.stream<1xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       OptionalAttr<StrAttr>:$calibration);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The terminator that lists the model's outputs.
    OutputOp getOutputOp();
    /// The model's inputs, ordered by index.
    llvm::SmallVector<InputOp> getInputOps();
  }];
}

def SSM_InputOp : SSM_LayerOp<"input"> {
  let summary = "a model input stream";
  let description = [{
    The `index`-th input of the enclosing model. Indices are dense from 0.
    With `vocabulary` V the input is a stream of tokens (a language model's
    words): one channel holding a token id in [0, V) per step, read by an
    `ssm.embedding`; on the chip a token is a one-hot message from a group
    of V host neurons.

    Example: `%u = ssm.input 0 {name = "pixels"} : !ssm.stream<1xf32>`
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntNonNegative]>:$index,
                       OptionalAttr<StrAttr>:$name,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$vocabulary);
  let results = (outs SSM_Stream:$output);
  let assemblyFormat = "$index attr-dict `:` qualified(type($output))";
  let hasVerifier = 1;
}

def SSM_OutputOp : SSM_Op<"output", [Pure, Terminator, HasParent<"ModelOp">]> {
  let summary = "the outputs of a model";
  let description = [{
    Terminates `ssm.model`; its operands are the model's output streams.

    Example: `ssm.output %logits : !ssm.stream<10xf32>`
  }];
  let arguments = (ins Variadic<SSM_Stream>:$outputs);
  let assemblyFormat =
      "($outputs^ `:` qualified(type($outputs)))? attr-dict";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Linear layers
//===----------------------------------------------------------------------===//

def SSM_EmbeddingOp : SSM_LayerOp<"embedding"> {
  let summary = "a table of one vector per token (word embedding)";
  let description = [{
    `y_k = E[t_k]`: row t_k of `weight` E [V, D] for the token id t_k of
    the input, a token stream (`ssm.input` with `vocabulary` V); the output
    has D channels. A token id outside [0, V) is an error of the run. On the
    chip this is a table [D, V] from the V one-hot input neurons: D synaptic
    operations per token (Nazeer et al. 2024, Sec. 3).

    Example:
    ```mlir
    %e = ssm.embedding %w {name = "emb", weight = dense<...> : tensor<3x2xf32>}
        : !ssm.stream<1xf32> -> !ssm.stream<2xf32>
    ```
  }];
  let arguments = (ins SSM_Stream:$input, ElementsAttr:$weight,
                       OptionalAttr<StrAttr>:$name);
  let results = (outs SSM_Stream:$output);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
  let hasVerifier = 1;
}

def SSM_DenseOp : SSM_LayerOp<"dense"> {
  let summary = "a fully connected layer applied to every token";
  let description = [{
    `y_k = W u_k + b` for every token k, with `weight` W of shape [O, I] and
    optional `bias` b of shape [O]; the input stream has I channels and the
    output stream O.

    Example:
    ```mlir
    %y = ssm.dense %u {name = "encoder",
                       weight = dense<[[1.0], [2.0]]> : tensor<2x1xf32>,
                       bias = dense<0.5> : tensor<2xf32>}
        : !ssm.stream<1xf32> -> !ssm.stream<2xf32>
    ```
  }];
  let arguments = (ins SSM_Stream:$input, ElementsAttr:$weight,
                       OptionalAttr<ElementsAttr>:$bias,
                       OptionalAttr<StrAttr>:$name);
  let results = (outs SSM_Stream:$output);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def SSM_S4DOp : SSM_LayerOp<"s4d"> {
  let summary = "a diagonal structured state-space layer (S4D)";
  let description = [{
    An S4D layer (Gu et al. 2022, "On the Parameterization and
    Initialization of Diagonal State Space Models", Sec. 3) over H channels
    with state size N (N/2 complex modes per channel; conjugate pairs are
    implied). Per channel h and mode n:

    - `A = -exp(log_a_real) + i * a_imag`, `dt = exp(log_dt)`
    - ZOH: `A_bar = exp(dt A)`, `B_bar = B (A_bar - 1) / A`;
      bilinear: `A_bar = (1 + dt A/2) / (1 - dt A/2)`,
      `B_bar = dt B / (1 - dt A/2)`
    - `x_k = A_bar x_{k-1} + B_bar u_k`, `y_k = 2 Re(sum_n C_n x_k) + D u_k`

    Parameters: `log_dt` [H], `log_a_real` and `a_imag` [H, N/2] real,
    `b` and `c` [H, N/2] complex, `d` [H]. `ssm-discretize` materializes the
    optional `a_bar` and `b_bar` [H, N/2] complex.

    Example:
    ```mlir
    %y = ssm.s4d %u zoh {state_size = 2 : i64,
        log_dt = dense<-3.0> : tensor<1xf32>,
        log_a_real = dense<-0.69> : tensor<1x1xf32>,
        a_imag = dense<3.14> : tensor<1x1xf32>,
        b = dense<(1.0, 0.0)> : tensor<1x1xcomplex<f32>>,
        c = dense<(0.5, -0.2)> : tensor<1x1xcomplex<f32>>,
        d = dense<1.0> : tensor<1xf32>}
        : !ssm.stream<1xf32> -> !ssm.stream<1xf32>
    ```
  }];
  let arguments = (ins SSM_Stream:$input, SSM_Discretization:$discretization,
                       ConfinedAttr<I64Attr, [IntPositive]>:$state_size,
                       ElementsAttr:$log_dt, ElementsAttr:$log_a_real,
                       ElementsAttr:$a_imag, ElementsAttr:$b,
                       ElementsAttr:$c, ElementsAttr:$d,
                       OptionalAttr<ElementsAttr>:$a_bar,
                       OptionalAttr<ElementsAttr>:$b_bar,
                       OptionalAttr<StrAttr>:$name);
  let results = (outs SSM_Stream:$output);
  let assemblyFormat =
      "$input $discretization attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
  let hasVerifier = 1;
}

def SSM_EGRUOp : SSM_LayerOp<"egru"> {
  let summary = "an event-based gated recurrent unit layer (EGRU)";
  let description = [{
    The EGRU of Subramoney et al. 2023 ("Efficient recurrent architectures
    through activity sparsity and sparse back-propagation through time",
    ICLR, Sec. 3.1) as their EvNN library computes it (gates as a cuDNN
    GRU), which Nazeer et al. 2024 ran on SpiNNaker 2. With gates stacked
    [update; reset; candidate] and y' the previous token's output:

    - `u_k = sigmoid(W_u x_k + b_u + R_u y' + b'_u)`
    - `r_k = sigmoid(W_r x_k + b_r + R_r y' + b'_r)`
    - `z_k = tanh(W_z x_k + b_z + r_k * (R_z y' + b'_z))`
    - `c_k = u_k * c' + (1 - u_k) * z_k` (c' the state after its reset)
    - `o_k = H(c_k - theta)`, `y_k = o_k * c_k` (an event carries c_k),
      then `c_k <- c_k - o_k * theta` (reset by subtraction)

    Parameters: `w` [3H, I], `r` [3H, H], optional `bias` b [3H] and
    `recurrent_bias` b' [3H] (PyTorch's `bias_ih` and `bias_hh`), `theta`
    [H] (> 0). The input has I channels and the output H.

    Example:
    ```mlir
    %y = ssm.egru %u {w = dense<0.1> : tensor<6x1xf32>,
                      r = dense<0.0> : tensor<6x2xf32>,
                      theta = dense<0.2> : tensor<2xf32>}
        : !ssm.stream<1xf32> -> !ssm.stream<2xf32>
    ```
  }];
  let arguments = (ins SSM_Stream:$input, ElementsAttr:$w, ElementsAttr:$r,
                       OptionalAttr<ElementsAttr>:$bias,
                       OptionalAttr<ElementsAttr>:$recurrent_bias,
                       ElementsAttr:$theta,
                       OptionalAttr<StrAttr>:$name);
  let results = (outs SSM_Stream:$output);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
  let hasVerifier = 1;
}

def SSM_NeuronOp : SSM_LayerOp<"neuron"> {
  let summary = "a layer of neurons of one model, one per channel";
  let description = [{
    `ssm.neuron KIND %x {PARAM = ..., OPTION}`: H neurons of the neuron
    layer KIND, neuron h fed by channel h of the input (the synaptic current
    of each token) and sending channel h of the output; no weights of its
    own (the synapses are the layer before it). Each of the kind's
    parameters is a float tensor [H] (one value per neuron); its options
    are unit attributes.

    The kinds, their parameters, ranges and equations are the model
    library's (`ssm/Runtime/NeuronLayer.h`; one file each under
    runtime/lib/models/), which the verifier reads, so a new kind needs no
    change here. `lif`: current-based leaky integrate-and-fire (Davies et
    al. 2018, Sec. "Neuron model"), `i = (1 - current_decay) i + x`,
    `v = (1 - voltage_decay) v + i`, spike `s = [v > threshold]`, output
    `s` (or `s * v` with `graded`), `v = 0` after a spike.

    `recurrent` (optional, float [H, H]): recurrent synapses R from the
    layer's own output, delivered one token later: the neurons' input at
    token t is `x_t + R y_{t-1}` (y_{-1} = 0), as a NIR graph's edge from
    a neuron node through a Linear back into it means (docs/nir.md), and
    as Loihi delivers a group's messages to itself in the next step.

    Example:
    ```mlir
    %s = ssm.neuron lif %x {current_decay = dense<1.0> : tensor<2xf32>,
                            voltage_decay = dense<0.1> : tensor<2xf32>,
                            threshold = dense<1.0> : tensor<2xf32>}
        : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
    ```
  }];
  let arguments = (ins StrAttr:$kind, SSM_Stream:$input,
                       OptionalAttr<StrAttr>:$name,
                       OptionalAttr<ElementsAttr>:$recurrent);
  let results = (outs SSM_Stream:$output);
  let assemblyFormat = "custom<NeuronLayerKind>($kind) $input attr-dict `:` "
                       "qualified(type($input)) `->` qualified(type($output))";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The model library's description of this layer's kind, or null when
    /// it has none of that name (the verifier refuses it).
    const ::ssm::rt::NeuronLayerInfo *getLayerInfo();
    /// The kind's parameters [P][H], in its order (fails with a message
    /// when a dense_resource blob is missing).
    ::mlir::FailureOr<std::vector<std::vector<double>>>
    readParams(std::string *error);
    /// The kind's options that are set, bit k = option k.
    uint32_t getFlagBits();
  }];
}

//===----------------------------------------------------------------------===//
// Pointwise layers
//===----------------------------------------------------------------------===//

/// An activation applied channel by channel; keeps the channel count.
class SSM_ActivationOp<string mnemonic, string formula>
    : SSM_LayerOp<mnemonic> {
  let summary = "pointwise " # formula;
  let description = [{
    Applies `}] # formula # [{` to every channel of every token. The output
    has as many channels as the input; its element type and encoding may
    differ (a quantized model sends activations as graded spikes).

    Example: `%y = ssm.}] # mnemonic # [{ %x : !ssm.stream<8xf32> -> !ssm.stream<8xf32>`
  }];
  let arguments = (ins SSM_Stream:$input, OptionalAttr<StrAttr>:$name);
  let results = (outs SSM_Stream:$output);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
  let hasVerifier = 1;
}

def SSM_ReluOp : SSM_ActivationOp<"relu", "y = max(x, 0)"> {
  let hasFolder = 1;
}
def SSM_GeluOp : SSM_ActivationOp<"gelu",
    "y = x * Phi(x) (Hendrycks and Gimpel 2016, exact erf form)">;

def SSM_GLUOp : SSM_LayerOp<"glu"> {
  let summary = "gated linear unit over split channels";
  let description = [{
    Splits the 2H input channels into halves a (first H) and b (last H) and
    computes `y = a * sigmoid(b)` (Dauphin et al. 2017, Sec. 3).

    Example: `%y = ssm.glu %x : !ssm.stream<8xf32> -> !ssm.stream<4xf32>`
  }];
  let arguments = (ins SSM_Stream:$input, OptionalAttr<StrAttr>:$name);
  let results = (outs SSM_Stream:$output);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
  let hasVerifier = 1;
}

def SSM_AddOp : SSM_LayerOp<"add", [Commutative]> {
  let summary = "channel-wise sum of two streams (residual connection)";
  let description = [{
    `y_k = lhs_k + rhs_k` for every token; all three streams have the same
    channel count.

    Example: `%y = ssm.add %a, %b : !ssm.stream<8xf32>, !ssm.stream<8xf32> -> !ssm.stream<8xf32>`
  }];
  let arguments = (ins SSM_Stream:$lhs, SSM_Stream:$rhs,
                       OptionalAttr<StrAttr>:$name);
  let results = (outs SSM_Stream:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` qualified(type($lhs)) `,` "
                       "qualified(type($rhs)) `->` qualified(type($output))";
  let hasVerifier = 1;
}

def SSM_ReadoutOp : SSM_LayerOp<"readout"> {
  let summary = "summarize the tokens seen so far";
  let description = [{
    A streaming readout: at token k, `mean` gives `(1/(k+1)) sum_{j<=k} x_j`
    and `last` gives `x_k`. The value at the final token of a sequence is
    the sequence summary a classifier decodes; on the event runtime every
    token's value is the prediction so far.

    Example: `%m = ssm.readout %x mean : !ssm.stream<8xf32> -> !ssm.stream<8xf32>`
  }];
  let arguments = (ins SSM_Stream:$input, SSM_ReadoutMode:$mode,
                       OptionalAttr<StrAttr>:$name);
  let results = (outs SSM_Stream:$output);
  let assemblyFormat =
      "$input $mode attr-dict `:` qualified(type($input)) `->` qualified(type($output))";
  let hasVerifier = 1;
}

#endif // SSM_DIALECT_SSM_SSMOPS_TD

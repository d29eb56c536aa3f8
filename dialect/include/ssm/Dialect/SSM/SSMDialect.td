//===- SSMDialect.td - the ssm model-level dialect ---------*- tablegen -*-===//
//
// The `ssm` dialect describes a model as a dataflow graph of layers over
// token streams. Every SSA value is a stream of vectors (one vector per
// token) and every edge is a spike-message connection whose encoding is part
// of its type, so that passes can reason about message width and sparsity.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_SSM_SSMDIALECT_TD
#define SSM_DIALECT_SSM_SSMDIALECT_TD

include "mlir/IR/OpBase.td"

def SSM_Dialect : Dialect {
  let name = "ssm";
  let cppNamespace = "::ssm";
  let summary = "Deep state-space models and event-based RNNs over token streams";
  let description = [{
    The `ssm` dialect is the model level of ssmc. A model (`ssm.model`) is a
    graph region whose values are `!ssm.stream` token streams: one vector of
    `H` channels per token. Layers (`ssm.dense`, `ssm.s4d`, `ssm.egru`,
    activations, `ssm.add`, `ssm.readout`) consume and produce streams.

    The stream type carries how a connection would be sent between neuron
    groups on a neuromorphic chip: as floats, as graded spikes of a given
    payload width, or as binary spikes, optionally sigma-delta encoded with a
    threshold. The same model lowers both to a Loihi 2 neurocore graph (`nc`)
    and to FFT convolution kernels.
  }];
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerTypes();
  }];
}

class SSM_Op<string mnemonic, list<Trait> traits = []>
    : Op<SSM_Dialect, mnemonic, traits>;

#endif // SSM_DIALECT_SSM_SSMDIALECT_TD

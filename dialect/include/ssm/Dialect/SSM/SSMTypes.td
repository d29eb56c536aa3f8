//===- SSMTypes.td - types of the ssm dialect --------------*- tablegen -*-===//
//
// Fixed-point numbers and token streams (spike-message connections).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_SSM_SSMTYPES_TD
#define SSM_DIALECT_SSM_SSMTYPES_TD

include "mlir/IR/AttrTypeBase.td"
include "ssm/Dialect/SSM/SSMDialect.td"
include "ssm/Dialect/SSM/SSMEnums.td"

class SSM_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<SSM_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def SSM_FixedType : SSM_Type<"Fixed", "fixed"> {
  let summary = "signed two's-complement fixed-point number";
  let description = [{
    `!ssm.fixed<width, frac>` is a signed integer of `width` bits (1..64)
    read as `value * 2^-frac`. `frac` may be negative (a shared positive
    exponent) and is bounded by [-64, 64]. Post-training quantization
    (`ssm-quantize`) puts these types on every connection of a model bound
    for the Loihi 2 target, whose neuron state registers are 24 bits wide.

    Example: `!ssm.fixed<24, 12>` spans [-2048, 2048) in steps of 2^-12.
  }];
  let parameters = (ins "unsigned":$width, "int":$fracBits);
  let assemblyFormat = "`<` $width `,` $fracBits `>`";
  let genVerifyDecl = 1;
}

def SSM_StreamType : SSM_Type<"Stream", "stream"> {
  let summary = "a token stream: one vector of channels per token";
  let description = [{
    `!ssm.stream<H x T [, encoding] [, threshold = t]>` is a sequence of
    vectors of `H` channels with element type `T`, one per token. It is also
    a spike-message connection between two layers:

    - `float` (default): values travel as floats; `T` is a float type.
    - `graded<bits>`: graded spikes carrying a `bits`-wide integer payload
      (1..32); `T` is an `!ssm.fixed` type.
    - `binary`: unit spikes; `T` is `i1`.

    With `threshold = t` (t >= 0, not allowed for binary) the connection is
    sigma-delta encoded: a channel sends only when its value has changed by
    more than `t` since it last sent, so quiet inputs cost no messages.

    Examples:
    ```mlir
    !ssm.stream<64xf32>
    !ssm.stream<64xf32, threshold = 1.000000e-02>
    !ssm.stream<64x!ssm.fixed<24, 12>, graded<24>, threshold = 4.000000e+00>
    !ssm.stream<128xi1, binary>
    ```
  }];
  let parameters = (ins
    "int64_t":$channels,
    "::mlir::Type":$elementType,
    DefaultValuedParameter<"::ssm::Encoding", "::ssm::Encoding::Float">:$encoding,
    DefaultValuedParameter<"unsigned", "0">:$payloadBits,
    OptionalParameter<"::mlir::FloatAttr">:$threshold
  );
  let builders = [
    TypeBuilderWithInferredContext<(ins "int64_t":$channels,
                                        "::mlir::Type":$elementType), [{
      return $_get(elementType.getContext(), channels, elementType,
                   ::ssm::Encoding::Float, 0, ::mlir::FloatAttr());
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The sigma-delta threshold, or std::nullopt for a dense connection.
    std::optional<double> getThresholdValue() const;
    /// This stream with another channel count, same element type and encoding.
    StreamType withChannels(int64_t channels) const;
  }];
}

#endif // SSM_DIALECT_SSM_SSMTYPES_TD

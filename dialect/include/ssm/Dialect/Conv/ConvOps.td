//===- ConvOps.td - the conv dialect -----------------------*- tablegen -*-===//
//
// The convolution form of S4D layers (convert-ssm-to-conv): an explicit
// kernel-generation step and a causal long convolution, as state-space
// models run offline on GPUs (state-spaces/s4, FlashFFTConv).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DIALECT_CONV_CONVOPS_TD
#define SSM_DIALECT_CONV_CONVOPS_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Conv_Dialect : Dialect {
  let name = "conv";
  let cppNamespace = "::ssm::conv";
  let summary = "S4D as kernel generation plus causal long convolution";
  let description = [{
    The conv dialect holds the convolution form of a model. An S4D layer
    becomes `conv.s4d_kernel` (a bank of H kernels K[h, l] defined for any
    sequence length, from the discretized parameters) and
    `conv.causal_conv` (y = K * u + D u, causal). All other layers stay ssm
    ops: a dense layer is a matmul over every token, the conv executor runs
    it as one batched GEMM.
  }];
  let useDefaultTypePrinterParser = 1;
  let dependentDialects = ["::ssm::SSMDialect"];
}

class Conv_Op<string mnemonic, list<Trait> traits = []>
    : Op<Conv_Dialect, mnemonic, traits>;

def Conv_KernelType : TypeDef<Conv_Dialect, "Kernel"> {
  let mnemonic = "kernel";
  let summary = "a bank of causal convolution kernels, one per channel";
  let description = [{
    `!conv.kernel<H>`: H kernels K[h, l], l = 0, 1, ... for any sequence
    length L; the executor materializes K for the L it runs.
  }];
  let parameters = (ins "int64_t":$channels);
  let assemblyFormat = "`<` $channels `>`";
}

def Conv_S4DKernelOp : Conv_Op<"s4d_kernel", [Pure]> {
  let summary = "S4D convolution kernel generation (Vandermonde form)";
  let description = [{
    `K[h, l] = 2 Re(sum_n C[h, n] B_bar[h, n] A_bar[h, n]^l)` (Gu et al.
    2022, S4D, Sec. 3): the discretized S4D layer's impulse response. `a_bar`,
    `b_bar` and `c` are complex [H, N/2].

    Example:
    ```mlir
    %k = conv.s4d_kernel {a_bar = dense<(0.9, 0.1)> : tensor<1x1xcomplex<f64>>,
                          b_bar = dense<(0.1, 0.0)> : tensor<1x1xcomplex<f64>>,
                          c = dense<(1.0, 0.0)> : tensor<1x1xcomplex<f32>>}
        : !conv.kernel<1>
    ```
  }];
  let arguments = (ins ElementsAttr:$a_bar, ElementsAttr:$b_bar,
                       ElementsAttr:$c, OptionalAttr<StrAttr>:$name);
  let results = (outs Conv_KernelType:$kernel);
  let assemblyFormat = "attr-dict `:` qualified(type($kernel))";
  let hasVerifier = 1;
}

def Conv_CausalConvOp : Conv_Op<"causal_conv", [Pure]> {
  let summary = "causal long convolution with a skip term";
  let description = [{
    `y[l, h] = sum_{j <= l} K[h, j] u[l - j, h] + d[h] u[l, h]`: the S4D
    layer's output computed for a whole sequence at once (by FFT in the conv
    executor). Input, kernel and output have H channels; `d` is [H].

    Example:
    ```mlir
    %y = conv.causal_conv %u, %k {d = dense<1.0> : tensor<1xf32>}
        : !ssm.stream<1xf32>, !conv.kernel<1> -> !ssm.stream<1xf32>
    ```
  }];
  let arguments = (ins AnyType:$input, Conv_KernelType:$kernel,
                       ElementsAttr:$d, OptionalAttr<StrAttr>:$name);
  let results = (outs AnyType:$output);
  let assemblyFormat = "$input `,` $kernel attr-dict `:` qualified(type($input)) "
                       "`,` qualified(type($kernel)) `->` qualified(type($output))";
  let hasVerifier = 1;
}

#endif // SSM_DIALECT_CONV_CONVOPS_TD

// RUN: ssmc-opt %s -split-input-file -verify-diagnostics

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'conv.s4d_kernel' op parameter 'a_bar' must have shape [H, N/2] with H = 2}}
  %k = conv.s4d_kernel {a_bar = dense<(0.9, 0.1)> : tensor<3x1xcomplex<f64>>,
                        b_bar = dense<(0.1, 0.0)> : tensor<3x1xcomplex<f64>>,
                        c = dense<(1.0, 0.0)> : tensor<3x1xcomplex<f32>>} : !conv.kernel<2>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'conv.s4d_kernel' op parameter 'c' must have shape [H, N/2] = [2, 1], got [2, 2]}}
  %k = conv.s4d_kernel {a_bar = dense<(0.9, 0.1)> : tensor<2x1xcomplex<f64>>,
                        b_bar = dense<(0.1, 0.0)> : tensor<2x1xcomplex<f64>>,
                        c = dense<(1.0, 0.0)> : tensor<2x2xcomplex<f32>>} : !conv.kernel<2>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // expected-error @+1 {{'conv.s4d_kernel' op parameter 'b_bar' must have a complex float element type, got 'f32'}}
  %k = conv.s4d_kernel {a_bar = dense<(0.9, 0.1)> : tensor<2x1xcomplex<f64>>,
                        b_bar = dense<0.1> : tensor<2x1xf32>,
                        c = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>} : !conv.kernel<2>
  ssm.output %u : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<3xf32>
  %k = conv.s4d_kernel {a_bar = dense<(0.9, 0.1)> : tensor<2x1xcomplex<f64>>,
                        b_bar = dense<(0.1, 0.0)> : tensor<2x1xcomplex<f64>>,
                        c = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>} : !conv.kernel<2>
  // expected-error @+1 {{'conv.causal_conv' op input, kernel and output must have the same channel count, got 3, 2 -> 3}}
  %y = conv.causal_conv %u, %k {d = dense<1.0> : tensor<3xf32>}
      : !ssm.stream<3xf32>, !conv.kernel<2> -> !ssm.stream<3xf32>
  ssm.output %y : !ssm.stream<3xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  %k = conv.s4d_kernel {a_bar = dense<(0.9, 0.1)> : tensor<2x1xcomplex<f64>>,
                        b_bar = dense<(0.1, 0.0)> : tensor<2x1xcomplex<f64>>,
                        c = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>} : !conv.kernel<2>
  // expected-error @+1 {{'conv.causal_conv' op parameter 'd' must have shape [H] = [2], got [3]}}
  %y = conv.causal_conv %u, %k {d = dense<1.0> : tensor<3xf32>}
      : !ssm.stream<2xf32>, !conv.kernel<2> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

// -----

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  %k = conv.s4d_kernel {a_bar = dense<(0.9, 0.1)> : tensor<2x1xcomplex<f64>>,
                        b_bar = dense<(0.1, 0.0)> : tensor<2x1xcomplex<f64>>,
                        c = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>} : !conv.kernel<2>
  // expected-error @+1 {{'conv.causal_conv' op input and output must be !ssm.stream values}}
  %y = conv.causal_conv %k, %k {d = dense<1.0> : tensor<2xf32>}
      : !conv.kernel<2>, !conv.kernel<2> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

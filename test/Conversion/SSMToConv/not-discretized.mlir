// RUN: ssmc-opt %s -convert-ssm-to-conv -verify-diagnostics

ssm.model @m {
  %u = ssm.input 0 : !ssm.stream<1xf32>
  // expected-error @+1 {{'ssm.s4d' op must be discretized before convert-ssm-to-conv (run ssm-discretize first)}}
  %s = ssm.s4d %u zoh {state_size = 2 : i64,
      log_dt = dense<-3.0> : tensor<1xf32>,
      log_a_real = dense<-0.69> : tensor<1x1xf32>,
      a_imag = dense<3.14> : tensor<1x1xf32>,
      b = dense<(1.0, 0.0)> : tensor<1x1xcomplex<f32>>,
      c = dense<(0.5, -0.2)> : tensor<1x1xcomplex<f32>>,
      d = dense<1.0> : tensor<1xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<1xf32>
  ssm.output %s : !ssm.stream<1xf32>
}

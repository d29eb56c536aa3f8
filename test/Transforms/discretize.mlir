// RUN: ssmc-opt %s -ssm-discretize -split-input-file | FileCheck %s

// A = -exp(log 0.5) = -0.5, dt = exp(0) = 1, B = 1:
//   zoh:      A_bar = exp(-0.5) = 0.60653066, B_bar = (A_bar - 1) / A = 0.78693868
//   bilinear: A_bar = (1 - 0.25) / (1 + 0.25) = 0.6, B_bar = 1 / 1.25 = 0.8
// A second mode with A_im = pi checks the complex arithmetic:
//   zoh: A_bar = exp(-0.5 + i pi) = -0.60653066 (+ ~0i),
//        B_bar = (A_bar - 1) / A = -1.60653 / (-0.5 + i pi) = 0.07938 + 0.49874i
// (The parameters are f32, so log 0.5 and pi are rounded: 7-8 digits match.)
// CHECK-LABEL: ssm.model @zoh
// CHECK: ssm.s4d %{{.*}} zoh {a_bar = dense<[{{\[}}(0.6065306{{[0-9]*}},0.000000e+00), (-0.6065306{{[0-9]*}},{{.*}})]]> : tensor<1x2xcomplex<f64>>, a_imag = {{.*}}, b_bar = dense<[{{\[}}(0.7869386{{[0-9]*}},{{.*}}), (0.0793771{{[0-9]*}},0.4987413{{[0-9]*}})]]> : tensor<1x2xcomplex<f64>>
ssm.model @zoh {
  %u = ssm.input 0 : !ssm.stream<1xf32>
  %y = ssm.s4d %u zoh {state_size = 4 : i64,
      log_dt = dense<0.0> : tensor<1xf32>,
      log_a_real = dense<-0.693147182> : tensor<1x2xf32>,
      a_imag = dense<[[0.0, 3.14159274]]> : tensor<1x2xf32>,
      b = dense<(1.0, 0.0)> : tensor<1x2xcomplex<f32>>,
      c = dense<(1.0, 0.0)> : tensor<1x2xcomplex<f32>>,
      d = dense<0.0> : tensor<1xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<1xf32>
  ssm.output %y : !ssm.stream<1xf32>
}

// -----

// CHECK-LABEL: ssm.model @bilinear
// CHECK: a_bar = dense<(0.6000000{{[0-9]*}},0.000000e+00)> : tensor<1x1xcomplex<f64>>
// CHECK-SAME: b_bar = dense<(0.8000000{{[0-9]*}},0.000000e+00)> : tensor<1x1xcomplex<f64>>
ssm.model @bilinear {
  %u = ssm.input 0 : !ssm.stream<1xf32>
  %y = ssm.s4d %u bilinear {state_size = 2 : i64,
      log_dt = dense<0.0> : tensor<1xf32>,
      log_a_real = dense<-0.693147182> : tensor<1x1xf32>,
      a_imag = dense<0.0> : tensor<1x1xf32>,
      b = dense<(1.0, 0.0)> : tensor<1x1xcomplex<f32>>,
      c = dense<(1.0, 0.0)> : tensor<1x1xcomplex<f32>>,
      d = dense<0.0> : tensor<1xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<1xf32>
  ssm.output %y : !ssm.stream<1xf32>
}

// -----

// Already discretized layers are left alone.
// CHECK-LABEL: ssm.model @given
// CHECK: a_bar = dense<(5.000000e-01,0.000000e+00)> : tensor<1x1xcomplex<f32>>
ssm.model @given {
  %u = ssm.input 0 : !ssm.stream<1xf32>
  %y = ssm.s4d %u zoh {state_size = 2 : i64,
      log_dt = dense<0.0> : tensor<1xf32>,
      log_a_real = dense<-0.693147182> : tensor<1x1xf32>,
      a_imag = dense<0.0> : tensor<1x1xf32>,
      b = dense<(1.0, 0.0)> : tensor<1x1xcomplex<f32>>,
      c = dense<(1.0, 0.0)> : tensor<1x1xcomplex<f32>>,
      d = dense<0.0> : tensor<1xf32>,
      a_bar = dense<(0.5, 0.0)> : tensor<1x1xcomplex<f32>>,
      b_bar = dense<(0.5, 0.0)> : tensor<1x1xcomplex<f32>>}
      : !ssm.stream<1xf32> -> !ssm.stream<1xf32>
  ssm.output %y : !ssm.stream<1xf32>
}

// RUN: ssmc-opt %s | ssmc-opt | FileCheck %s

// CHECK-LABEL: ssm.model @conv_form
ssm.model @conv_form {
  %u = ssm.input 0 : !ssm.stream<2xf32>
  // CHECK: %[[K:.*]] = conv.s4d_kernel {a_bar = {{.*}}, b_bar = {{.*}}, c = {{.*}}} : !conv.kernel<2>
  %k = conv.s4d_kernel {a_bar = dense<(0.9, 0.1)> : tensor<2x3xcomplex<f64>>,
                        b_bar = dense<(0.1, 0.0)> : tensor<2x3xcomplex<f64>>,
                        c = dense<(1.0, 0.0)> : tensor<2x3xcomplex<f32>>}
      : !conv.kernel<2>
  // CHECK: conv.causal_conv %{{.*}}, %[[K]] {d = dense<1.000000e+00> : tensor<2xf32>} : !ssm.stream<2xf32>, !conv.kernel<2> -> !ssm.stream<2xf32>
  %y = conv.causal_conv %u, %k {d = dense<1.0> : tensor<2xf32>}
      : !ssm.stream<2xf32>, !conv.kernel<2> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}

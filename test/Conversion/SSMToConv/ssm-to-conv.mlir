// RUN: ssmc-opt %s -ssm-discretize -convert-ssm-to-conv | FileCheck %s
// RUN: ssmc-opt %s -ssm-to-conv | FileCheck %s
// RUN: ssmc-opt %s -ssm-to-conv | ssmc-opt | FileCheck %s

// Each S4D layer becomes kernel generation + causal convolution carrying D;
// the other layers keep their ssm form.
// CHECK-LABEL: ssm.model @block
// CHECK:      %[[U:.*]] = ssm.input 0
// CHECK-NEXT: %[[E:.*]] = ssm.dense %[[U]]
// CHECK-NEXT: %[[K:.*]] = conv.s4d_kernel {a_bar = {{.*}} : tensor<2x1xcomplex<f64>>, b_bar = {{.*}} : tensor<2x1xcomplex<f64>>, c = dense<(5.000000e-01,-2.000000e-01)> : tensor<2x1xcomplex<f32>>, name = "s"} : !conv.kernel<2>
// CHECK-NEXT: %[[Y:.*]] = conv.causal_conv %[[E]], %[[K]] {d = dense<1.000000e+00> : tensor<2xf32>, name = "s"} : !ssm.stream<2xf32>, !conv.kernel<2> -> !ssm.stream<2xf32>
// CHECK-NEXT: %[[R:.*]] = ssm.relu %[[Y]]
// CHECK-NEXT: ssm.output %[[R]]
// CHECK-NOT: ssm.s4d
ssm.model @block {
  %u = ssm.input 0 : !ssm.stream<1xf32>
  %e = ssm.dense %u {weight = dense<[[1.0], [2.0]]> : tensor<2x1xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<2xf32>
  %s = ssm.s4d %e zoh {name = "s", state_size = 2 : i64,
      log_dt = dense<-3.0> : tensor<2xf32>,
      log_a_real = dense<-0.69> : tensor<2x1xf32>,
      a_imag = dense<3.14> : tensor<2x1xf32>,
      b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>,
      c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>,
      d = dense<1.0> : tensor<2xf32>}
      : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %r = ssm.relu %s : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  ssm.output %r : !ssm.stream<2xf32>
}

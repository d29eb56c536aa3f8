// RUN: ssmc-opt %s | ssmc-opt | FileCheck %s
// RUN: ssmc-opt %s --mlir-print-op-generic | ssmc-opt | FileCheck %s

// CHECK-LABEL: ssm.model @all_layers
ssm.model @all_layers {
  // CHECK: %[[U:.*]] = ssm.input 0 {name = "u"} : !ssm.stream<1xf32>
  %u = ssm.input 0 {name = "u"} : !ssm.stream<1xf32>
  // CHECK: %[[E:.*]] = ssm.dense %[[U]] {bias = dense<5.000000e-01> : tensor<2xf32>, name = "enc", weight = dense<{{\[\[}}1.000000e+00], [2.000000e+00]]> : tensor<2x1xf32>} : !ssm.stream<1xf32> -> !ssm.stream<2xf32>
  %e = ssm.dense %u {name = "enc", weight = dense<[[1.0], [2.0]]> : tensor<2x1xf32>,
                     bias = dense<0.5> : tensor<2xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<2xf32>
  // CHECK: %[[S:.*]] = ssm.s4d %[[E]] bilinear {{{.*}}state_size = 2 : i64} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %s = ssm.s4d %e bilinear {state_size = 2 : i64,
      log_dt = dense<-3.0> : tensor<2xf32>,
      log_a_real = dense<-0.69> : tensor<2x1xf32>,
      a_imag = dense<3.14> : tensor<2x1xf32>,
      b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>,
      c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>,
      d = dense<1.0> : tensor<2xf32>}
      : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  // CHECK: ssm.s4d %[[E]] zoh {a_bar = {{.*}}, b_bar = {{.*}}} : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %z = ssm.s4d %e zoh {state_size = 2 : i64,
      log_dt = dense<-3.0> : tensor<2xf32>,
      log_a_real = dense<-0.69> : tensor<2x1xf32>,
      a_imag = dense<3.14> : tensor<2x1xf32>,
      b = dense<(1.0, 0.0)> : tensor<2x1xcomplex<f32>>,
      c = dense<(0.5, -0.2)> : tensor<2x1xcomplex<f32>>,
      d = dense<1.0> : tensor<2xf32>,
      a_bar = dense<(0.9, 0.1)> : tensor<2x1xcomplex<f32>>,
      b_bar = dense<(0.05, 0.0)> : tensor<2x1xcomplex<f32>>}
      : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  // CHECK: ssm.relu %{{.*}} : !ssm.stream<2xf32> -> !ssm.stream<2x!ssm.fixed<24, 12>, graded<24>, threshold = 1.250000e-01>
  %r = ssm.relu %s : !ssm.stream<2xf32>
      -> !ssm.stream<2x!ssm.fixed<24, 12>, graded<24>, threshold = 0.125>
  // CHECK: ssm.gelu %{{.*}} : !ssm.stream<2xf32> -> !ssm.stream<2xf32, threshold = 0.000000e+00>
  %g = ssm.gelu %z : !ssm.stream<2xf32> -> !ssm.stream<2xf32, threshold = 0.0>
  // CHECK: ssm.glu %{{.*}} : !ssm.stream<2xf32, threshold = 0.000000e+00> -> !ssm.stream<1xf32>
  %l = ssm.glu %g : !ssm.stream<2xf32, threshold = 0.0> -> !ssm.stream<1xf32>
  // CHECK: ssm.egru %{{.*}} {{{.*}}theta = dense<2.000000e-01> : tensor<2xf32>{{.*}}} : !ssm.stream<1xf32> -> !ssm.stream<2xi1, binary>
  %q = ssm.egru %l {w = dense<0.1> : tensor<6x1xf32>, r = dense<0.0> : tensor<6x2xf32>,
                    bias = dense<0.0> : tensor<6xf32>, theta = dense<0.2> : tensor<2xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<2xi1, binary>
  // CHECK: ssm.add %{{.*}}, %{{.*}} : !ssm.stream<2x!ssm.fixed<24, 12>, graded<24>, threshold = 1.250000e-01>, !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %a = ssm.add %r, %e : !ssm.stream<2x!ssm.fixed<24, 12>, graded<24>, threshold = 0.125>,
      !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  // CHECK: ssm.readout %{{.*}} mean : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  %m = ssm.readout %a mean : !ssm.stream<2xf32> -> !ssm.stream<2xf32>
  // CHECK: ssm.readout %{{.*}} last : !ssm.stream<2xi1, binary> -> !ssm.stream<2xi1, binary>
  %k = ssm.readout %q last : !ssm.stream<2xi1, binary> -> !ssm.stream<2xi1, binary>
  // CHECK: ssm.output %{{.*}}, %{{.*}} : !ssm.stream<2xf32>, !ssm.stream<2xi1, binary>
  ssm.output %m, %k : !ssm.stream<2xf32>, !ssm.stream<2xi1, binary>
}

// Graph region: layers may appear in any order.
// CHECK-LABEL: ssm.model @use_before_def
ssm.model @use_before_def {
  // CHECK: %[[Y:.*]] = ssm.relu %[[X:.*]] : !ssm.stream<3xf32> -> !ssm.stream<3xf32>
  // CHECK: %[[X]] = ssm.input 0
  // CHECK: ssm.output %[[Y]]
  %y = ssm.relu %x : !ssm.stream<3xf32> -> !ssm.stream<3xf32>
  %x = ssm.input 0 : !ssm.stream<3xf32>
  ssm.output %y : !ssm.stream<3xf32>
}

// Weights as dense_resource blobs, read back unchanged.
// CHECK-LABEL: ssm.model @resource_weights
ssm.model @resource_weights {
  %u = ssm.input 0 : !ssm.stream<1xf32>
  // CHECK: weight = dense_resource<w0> : tensor<2x1xf32>
  %y = ssm.dense %u {weight = dense_resource<w0> : tensor<2x1xf32>}
      : !ssm.stream<1xf32> -> !ssm.stream<2xf32>
  ssm.output %y : !ssm.stream<2xf32>
}
// CHECK: w0: "0x040000000000803F00000040"
{-#
  dialect_resources: {
    builtin: {
      w0: "0x040000000000803F00000040"
    }
  }
#-}

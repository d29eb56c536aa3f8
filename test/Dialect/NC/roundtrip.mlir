// RUN: ssmc-opt %s | ssmc-opt | FileCheck %s
// RUN: ssmc-opt %s --mlir-print-op-generic | ssmc-opt | FileCheck %s

// CHECK-LABEL: nc.network @n
// CHECK: nc.core @c1 at [0, 3, 1]
// CHECK: nc.synapses %{{.*}} {exponent = -2 : i64, weights = {{.*}}} : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
// CHECK: nc.neurons @relu on @c0 sigma_delta_relu(%{{.*}}) {{.*}}threshold = 3 : i64} : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
// CHECK: nc.synapses %{{.*}} layout sparse {exponent = 0 : i64
// CHECK: nc.synapses %{{.*}} layout sparse {exponent = 0 : i64, indices = dense<{{\[\[0, 1\], \[1, 3\]\]}}> : tensor<2x2xsi32>, weights = dense<[5, -7]> : tensor<2xsi8>}
// CHECK: nc.neurons @modes on @c1 s4d_mode
// CHECK: nc.neurons @gru on @c1 egru_unit
// CHECK: nc.output
nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  nc.core @c1 at [0, 3, 1]
  %u = nc.input 0 {name = "pixels"} : !nc.spikes<1, bits = 24>
  %s = nc.synapses %u {weights = dense<[[64], [-32], [1], [0]]> : tensor<4x1xsi8>, exponent = -2 : i64}
      : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
  %r = nc.neurons @relu on @c0 sigma_delta_relu(%s) {size = 4 : i64, threshold = 3 : i64, bias = dense<[0, 1, 2, 3]> : tensor<4xsi32>}
      : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
  %e = nc.synapses %r layout sparse {weights = dense<1> : tensor<2x4xsi8>, exponent = 0 : i64}
      : (!nc.spikes<4, bits = 24>) -> !nc.current<2>
  // The same kind of table as its entries: weights [NNZ] and their (row,
  // column) positions.
  %e2 = nc.synapses %r layout sparse {weights = dense<[5, -7]> : tensor<2xsi8>, indices = dense<[[0, 1], [1, 3]]> : tensor<2x2xsi32>, exponent = 0 : i64}
      : (!nc.spikes<4, bits = 24>) -> !nc.current<2>
  %m = nc.neurons @modes on @c1 s4d_mode(%e, %e2) {size = 2 : i64, param_frac_bits = array<i64: 14, 14, 14>,
      a_bar_re = dense<16000> : tensor<2xsi32>, a_bar_im = dense<100> : tensor<2xsi32>,
      b_bar_re = dense<300> : tensor<2xsi32>, b_bar_im = dense<0> : tensor<2xsi32>,
      c_re = dense<8192> : tensor<2xsi32>, c_im = dense<-4096> : tensor<2xsi32>}
      : (!nc.current<2>, !nc.current<2>) -> !nc.spikes<2, bits = 24>
  // A recurrent table: the EGRU group feeds itself (one step later).
  %w = nc.synapses %m, %g {weights = dense<1> : tensor<8x4xsi8>, exponent = 1 : i64}
      : (!nc.spikes<2, bits = 24>, !nc.spikes<2, bits = 0>) -> !nc.current<8>
  %g = nc.neurons @gru on @c1 egru_unit(%w) {size = 2 : i64, frac_bits = 12 : i64, theta = dense<400> : tensor<2xsi32>}
      : (!nc.current<8>) -> !nc.spikes<2, bits = 0>
  nc.output %m, %g : !nc.spikes<2, bits = 24>, !nc.spikes<2, bits = 0>
}

// RUN: ssmc-opt %s --pass-pipeline='builtin.module(nc.network(nc-split-groups))' -split-input-file -verify-diagnostics | FileCheck %s

// Cores of 4 neurons: the 6 LIF neurons of @a become two parts of 3, each
// with its rows of the input table (stored sparse: smaller for these rows),
// its slice of every parameter and of the bias; @b's table and the output read both parts, in order, so their
// columns do not change. @b (1 neuron) and groups on a core stay as they
// are.

// CHECK-LABEL: nc.network @split
// CHECK: %[[T0:.*]] = nc.synapses %[[U:.*]] layout sparse {exponent = -1 : i64, indices = dense<{{\[\[0, 0\], \[1, 1\], \[2, 0\]\]}}> : tensor<3x2xsi32>, name = "a.0.from.u", weights = dense<[1, 2, 3]> : tensor<3xsi8>} : (!nc.spikes<2, bits = 24>) -> !nc.current<3>
// CHECK-NEXT: %[[A0:.*]] = nc.neurons @a.0 lif(%[[T0]]) {bias = dense<[1, 2, 3]> : tensor<3xsi32>, du = dense<[10, 11, 12]> : tensor<3xsi32>, dv = dense<[20, 21, 22]> : tensor<3xsi32>, frac_bits = 8 : i64, size = 3 : i64, vth = dense<[30, 31, 32]> : tensor<3xsi32>} : (!nc.current<3>) -> !nc.spikes<3, bits = 24>
// CHECK-NEXT: %[[T1:.*]] = nc.synapses %[[U]] layout sparse {exponent = -1 : i64, indices = dense<{{\[\[0, 1\], \[1, 0\], \[2, 1\]\]}}> : tensor<3x2xsi32>, name = "a.1.from.u", weights = dense<[4, 5, 6]> : tensor<3xsi8>}
// CHECK-NEXT: %[[A1:.*]] = nc.neurons @a.1 lif(%[[T1]]) {bias = dense<[4, 5, 6]> : tensor<3xsi32>, du = dense<[13, 14, 15]> : tensor<3xsi32>, dv = dense<[23, 24, 25]> : tensor<3xsi32>, frac_bits = 8 : i64, size = 3 : i64, vth = dense<[33, 34, 35]> : tensor<3xsi32>}
// CHECK-NEXT: %[[TB:.*]] = nc.synapses %[[A0]], %[[A1]] {delay = 1 : i64, exponent = 0 : i64, name = "b.from.a", weights = dense<1> : tensor<1x6xsi8>} : (!nc.spikes<3, bits = 24>, !nc.spikes<3, bits = 24>) -> !nc.current<1>
// CHECK-NEXT: nc.neurons @b sigma_delta(%[[TB]])
// CHECK-NEXT: nc.synapses
// CHECK-NEXT: nc.neurons @c on @c0 sigma_delta
// CHECK-NEXT: nc.output %[[A0]], %[[A1]] : !nc.spikes<3, bits = 24>, !nc.spikes<3, bits = 24>
nc.network @split attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 {name = "u"} : !nc.spikes<2, bits = 24>
  %ta = nc.synapses %u {name = "a.from.u", weights = dense<[[1, 0], [0, 2], [3, 0], [0, 4], [5, 0], [0, 6]]> : tensor<6x2xsi8>, exponent = -1 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<6>
  %a = nc.neurons @a lif(%ta) {size = 6 : i64, frac_bits = 8 : i64, bias = dense<[1, 2, 3, 4, 5, 6]> : tensor<6xsi32>, du = dense<[10, 11, 12, 13, 14, 15]> : tensor<6xsi32>, dv = dense<[20, 21, 22, 23, 24, 25]> : tensor<6xsi32>, vth = dense<[30, 31, 32, 33, 34, 35]> : tensor<6xsi32>} : (!nc.current<6>) -> !nc.spikes<6, bits = 24>
  %tb = nc.synapses %a {name = "b.from.a", delay = 1 : i64, weights = dense<1> : tensor<1x6xsi8>, exponent = 0 : i64} : (!nc.spikes<6, bits = 24>) -> !nc.current<1>
  %b = nc.neurons @b sigma_delta(%tb) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
  %tc = nc.synapses %b {weights = dense<1> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %c = nc.neurons @c on @c0 sigma_delta(%tc) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
  nc.output %a : !nc.spikes<6, bits = 24>
}

// -----

// Synapse memory splits too: 8 neurons fit two cores by count, but their
// dense 8 x 24 table (192 bytes) needs four parts of 48 bytes.
// CHECK-LABEL: nc.network @memory
// CHECK-COUNT-4: nc.synapses %{{.*}} {exponent = 0 : i64, name = "m.{{[0-3]}}.from.u", weights = dense_resource<m.{{[0-3]}}.from.u> : tensor<2x24xsi8>}
// CHECK-NOT: nc.neurons @m.4
nc.network @memory attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  %u = nc.input 0 {name = "u"} : !nc.spikes<24, bits = 24>
  %t = nc.synapses %u {name = "m.from.u", weights = dense<1> : tensor<8x24xsi8>, exponent = 0 : i64} : (!nc.spikes<24, bits = 24>) -> !nc.current<8>
  %m = nc.neurons @m sigma_delta(%t) {size = 8 : i64} : (!nc.current<8>) -> !nc.spikes<8, bits = 24>
}

// -----

// An EGRU unit stacks four current entries per neuron (row k * 5 + i for
// neuron i): 5 units on cores of 4 become parts of 2 and 3, each with rows
// {k * 5 + i} of every gate block renumbered to k * n + (i - begin), its
// slice of theta and of each block of the bias.
// CHECK-LABEL: nc.network @egru
// CHECK: nc.synapses %{{.*}} {exponent = 0 : i64, name = "g.0.from.u", weights = dense<{{\[\[0\], \[1\], \[5\], \[6\], \[10\], \[11\], \[15\], \[16\]\]}}> : tensor<8x1xsi8>}
// CHECK: nc.neurons @g.0 egru_unit(%{{.*}}) {bias = dense<[100, 101, 105, 106, 110, 111, 115, 116]> : tensor<8xsi32>, frac_bits = 12 : i64, size = 2 : i64, theta = dense<[400, 401]> : tensor<2xsi32>}
// CHECK: nc.synapses %{{.*}} {exponent = 0 : i64, name = "g.1.from.u", weights = dense<{{\[\[2\], \[3\], \[4\], \[7\], \[8\], \[9\], \[12\], \[13\], \[14\], \[17\], \[18\], \[19\]\]}}> : tensor<12x1xsi8>}
// CHECK: nc.neurons @g.1 egru_unit(%{{.*}}) {bias = dense<[102, 103, 104, 107, 108, 109, 112, 113, 114, 117, 118, 119]> : tensor<12xsi32>, frac_bits = 12 : i64, size = 3 : i64, theta = dense<[402, 403, 404]> : tensor<3xsi32>}
nc.network @egru attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  %u = nc.input 0 {name = "u"} : !nc.spikes<1, bits = 24>
  %t = nc.synapses %u {name = "g.from.u", weights = dense<[[0], [1], [2], [3], [4], [5], [6], [7], [8], [9], [10], [11], [12], [13], [14], [15], [16], [17], [18], [19]]> : tensor<20x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<20>
  %g = nc.neurons @g egru_unit(%t) {size = 5 : i64, frac_bits = 12 : i64, theta = dense<[400, 401, 402, 403, 404]> : tensor<5xsi32>, bias = dense<[100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119]> : tensor<20xsi32>} : (!nc.current<20>) -> !nc.spikes<5, bits = 24>
  nc.output %g : !nc.spikes<5, bits = 24>
}

// -----

// One neuron whose 100 weights need 100 bytes, more than a core's 64.
nc.network @wide attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  %u = nc.input 0 : !nc.spikes<100, bits = 24>
  %t = nc.synapses %u {weights = dense<1> : tensor<2x100xsi8>, exponent = 0 : i64} : (!nc.spikes<100, bits = 24>) -> !nc.current<2>
  // expected-error @+1 {{'nc.neurons' op cannot be placed on tiny: one neuron of 'w' needs 100 bytes of synapses, a core has 64}}
  %w = nc.neurons @w sigma_delta(%t) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

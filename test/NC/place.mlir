// RUN: ssmc-opt %s --pass-pipeline='builtin.module(nc.network(nc-place))' -split-input-file -verify-diagnostics | FileCheck %s
// RUN: ssmc-opt %s --pass-pipeline='builtin.module(nc.network(nc-insert-delays,nc-place,nc-core-report))' -split-input-file -verify-diagnostics -o /dev/null | FileCheck %s --check-prefix=REPORT

// A chain u -> a -> b -> c, with a recurrent table on b: one core per group
// while cores last, each next to the one it talks to (a 4 x 2 mesh), in
// topological order of the traffic; the input needs no core.

// CHECK-LABEL: nc.network @chain
// CHECK-NEXT: nc.core @core0 at [0, 0, 0]
// CHECK-NEXT: nc.core @core1 at [0, 1, 0]
// CHECK-NEXT: nc.core @core2 at [0, 2, 0]
// CHECK-NOT: nc.core
// CHECK: nc.neurons @c on @core2
// CHECK: nc.neurons @b on @core1
// CHECK: nc.neurons @a on @core0

// The report: a row per core (neurons, synapse bytes, groups), the totals
// and the pipeline depth from the delays (u -> a -> b -> c: 3 steps).
// REPORT: nc.network @chain on tiny: 3 of 8 cores
// REPORT-NEXT: core    [chip,x,y]    neurons    util  synapse bytes    util  groups
// REPORT-NEXT: core0   [0,0,0]             3   75.0%              3    4.7%  a
// REPORT-NEXT: core1   [0,1,0]             2   50.0%             10   15.6%  b
// REPORT-NEXT: core2   [0,2,0]             1   25.0%              2    3.1%  c
// REPORT-NEXT: total                       6   50.0%             15    7.8%  pipeline depth 3 steps
nc.network @chain attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  %u = nc.input 0 : !nc.spikes<1, bits = 24>
  // Written out of order (a graph region): placement follows the traffic.
  %tc = nc.synapses %b {weights = dense<1> : tensor<1x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<1>
  %c = nc.neurons @c sigma_delta(%tc) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
  %tb = nc.synapses %a {weights = dense<1> : tensor<2x3xsi8>, exponent = 0 : i64} : (!nc.spikes<3, bits = 24>) -> !nc.current<2>
  %tr = nc.synapses %b {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
  %b = nc.neurons @b sigma_delta(%tb, %tr) {size = 2 : i64} : (!nc.current<2>, !nc.current<2>) -> !nc.spikes<2, bits = 24>
  %ta = nc.synapses %u {weights = dense<1> : tensor<3x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<3>
  %a = nc.neurons @a sigma_delta(%ta) {size = 3 : i64} : (!nc.current<3>) -> !nc.spikes<3, bits = 24>
  nc.output %c : !nc.spikes<1, bits = 24>
}

// -----

// More groups than cores: packed first-fit, two groups of 2 neurons a core.
// CHECK-LABEL: nc.network @packed
// CHECK-COUNT-8: nc.core
// CHECK-NOT: nc.core
// CHECK: nc.neurons @g0 on @core0
// CHECK: nc.neurons @g1 on @core0
// CHECK: nc.neurons @g2 on @core1
// CHECK: nc.neurons @g15 on @core7
nc.network @packed attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  %u = nc.input 0 : !nc.spikes<1, bits = 24>
  %t0 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g0 = nc.neurons @g0 sigma_delta(%t0) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t1 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g1 = nc.neurons @g1 sigma_delta(%t1) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t2 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g2 = nc.neurons @g2 sigma_delta(%t2) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t3 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g3 = nc.neurons @g3 sigma_delta(%t3) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t4 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g4 = nc.neurons @g4 sigma_delta(%t4) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t5 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g5 = nc.neurons @g5 sigma_delta(%t5) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t6 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g6 = nc.neurons @g6 sigma_delta(%t6) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t7 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g7 = nc.neurons @g7 sigma_delta(%t7) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t8 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g8 = nc.neurons @g8 sigma_delta(%t8) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t9 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g9 = nc.neurons @g9 sigma_delta(%t9) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t10 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g10 = nc.neurons @g10 sigma_delta(%t10) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t11 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g11 = nc.neurons @g11 sigma_delta(%t11) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t12 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g12 = nc.neurons @g12 sigma_delta(%t12) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t13 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g13 = nc.neurons @g13 sigma_delta(%t13) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t14 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g14 = nc.neurons @g14 sigma_delta(%t14) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t15 = nc.synapses %u {weights = dense<1> : tensor<2x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<2>
  %g15 = nc.neurons @g15 sigma_delta(%t15) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

// Nine full groups on eight cores: the error is at the group that found no
// core and names what it needs and what ran out.
nc.network @full attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  %u = nc.input 0 : !nc.spikes<1, bits = 24>
  %t0 = nc.synapses %u {weights = dense<1> : tensor<4x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
  %g0 = nc.neurons @g0 sigma_delta(%t0) {size = 4 : i64} : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
  %t1 = nc.synapses %u {weights = dense<1> : tensor<4x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
  %g1 = nc.neurons @g1 sigma_delta(%t1) {size = 4 : i64} : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
  %t2 = nc.synapses %u {weights = dense<1> : tensor<4x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
  %g2 = nc.neurons @g2 sigma_delta(%t2) {size = 4 : i64} : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
  %t3 = nc.synapses %u {weights = dense<1> : tensor<4x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
  %g3 = nc.neurons @g3 sigma_delta(%t3) {size = 4 : i64} : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
  %t4 = nc.synapses %u {weights = dense<1> : tensor<4x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
  %g4 = nc.neurons @g4 sigma_delta(%t4) {size = 4 : i64} : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
  %t5 = nc.synapses %u {weights = dense<1> : tensor<4x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
  %g5 = nc.neurons @g5 sigma_delta(%t5) {size = 4 : i64} : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
  %t6 = nc.synapses %u {weights = dense<1> : tensor<4x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
  %g6 = nc.neurons @g6 sigma_delta(%t6) {size = 4 : i64} : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
  %t7 = nc.synapses %u {weights = dense<1> : tensor<4x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
  %g7 = nc.neurons @g7 sigma_delta(%t7) {size = 4 : i64} : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
  %t8 = nc.synapses %u {weights = dense<1> : tensor<4x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<4>
  // expected-error @+1 {{'nc.neurons' op the model does not fit tiny: 'g8' needs a core (4 neurons, 4 bytes of synapses), but all 8 cores are in use (32 of 32 neurons placed) and neurons ran out: the most any core has left is 0 neurons; use more chips (--chips) or a hardware description with more cores (--hw)}}
  %g8 = nc.neurons @g8 sigma_delta(%t8) {size = 4 : i64} : (!nc.current<4>) -> !nc.spikes<4, bits = 24>
}

// -----

nc.network @placed attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  nc.core @c at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<1, bits = 24>
  %t = nc.synapses %u {weights = dense<1> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  // expected-error @+1 {{'nc.neurons' op is already on core @c; nc-place places networks whose groups have no core}}
  %g = nc.neurons @g on @c sigma_delta(%t) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
}

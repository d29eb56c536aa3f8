// RUN: ssmc-opt %s --pass-pipeline='builtin.module(nc.network(nc-insert-delays))' -split-input-file -verify-diagnostics | FileCheck %s

// A chain u -> a -> b -> c with a skip u -> c: c is at depth 3 and the skip
// from u (depth 0) waits 2 extra steps, so c sees every input from the same
// token. a's recurrent table (a reads itself) keeps its delay; a delay
// already in the network is replaced.

// CHECK-LABEL: nc.network @skip
// CHECK: %[[TA:.*]] = nc.synapses %[[U:.*]] {exponent = 0 : i64, name = "a.from.u"
// CHECK: %[[TR:.*]] = nc.synapses %[[A:.*]] {delay = 1 : i64, exponent = 0 : i64, name = "a.from.a"
// CHECK: %[[A]] = nc.neurons @a sigma_delta(%[[TA]], %[[TR]])
// CHECK: nc.synapses %[[A]] {exponent = 0 : i64, name = "b.from.a"
// CHECK: nc.synapses %{{.*}} {exponent = 0 : i64, name = "c.from.b"
// CHECK: nc.synapses %[[U]] {delay = 2 : i64, exponent = 0 : i64, name = "c.from.u"
nc.network @skip attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  %u = nc.input 0 {name = "u"} : !nc.spikes<1, bits = 24>
  %ta = nc.synapses %u {name = "a.from.u", weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %tr = nc.synapses %a {name = "a.from.a", delay = 1 : i64, weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %a = nc.neurons @a sigma_delta(%ta, %tr) {size = 1 : i64} : (!nc.current<1>, !nc.current<1>) -> !nc.spikes<1, bits = 24>
  %tb = nc.synapses %a {name = "b.from.a", delay = 2 : i64, weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %b = nc.neurons @b sigma_delta(%tb) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
  %tc1 = nc.synapses %b {name = "c.from.b", weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %tc2 = nc.synapses %u {name = "c.from.u", weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %c = nc.neurons @c sigma_delta_relu(%tc1, %tc2) {size = 1 : i64} : (!nc.current<1>, !nc.current<1>) -> !nc.spikes<1, bits = 24>
  nc.output %c : !nc.spikes<1, bits = 24>
}

// -----

// One more group in the chain needs a delay of 3, beyond max_delay = 2.
nc.network @long attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  %u = nc.input 0 : !nc.spikes<1, bits = 24>
  %ta = nc.synapses %u {weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %a = nc.neurons @a sigma_delta(%ta) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
  %tb = nc.synapses %a {weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %b = nc.neurons @b sigma_delta(%tb) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
  %tc = nc.synapses %b {weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %c = nc.neurons @c sigma_delta(%tc) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
  %td1 = nc.synapses %c {weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %td2 = nc.synapses %u {weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  // expected-error @+1 {{'nc.neurons' op needs a synaptic delay of 3 steps to line up its inputs, more than tiny's 2}}
  %d = nc.neurons @d sigma_delta(%td1, %td2) {size = 1 : i64} : (!nc.current<1>, !nc.current<1>) -> !nc.spikes<1, bits = 24>
}

// -----

// One table reading groups at depths 0 and 1 cannot be lined up.
nc.network @mixed attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  %u = nc.input 0 : !nc.spikes<1, bits = 24>
  %ta = nc.synapses %u {weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %a = nc.neurons @a sigma_delta(%ta) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
  // expected-error @+1 {{'nc.synapses' op reads groups at pipeline depths 0 and 1; one delay cannot line them up}}
  %tb = nc.synapses %u, %a {weights = dense<[[1, 1]]> : tensor<1x2xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>, !nc.spikes<1, bits = 24>) -> !nc.current<1>
  %b = nc.neurons @b sigma_delta(%tb) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
}

// -----

// a and b read each other (a cycle: recurrent tables), but only a reads the
// input: they would take different tokens.
// expected-error @+1 {{'nc.network' op groups @a and @b read each other (recurrent tables) but lie at pipeline depths 1 and 0; the groups of a cycle must take the same token}}
nc.network @cycle attributes {hardware = {name = "tiny", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 4 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 2 : i64}} {
  %u = nc.input 0 : !nc.spikes<1, bits = 24>
  %tu = nc.synapses %u {weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %ta = nc.synapses %b {weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %a = nc.neurons @a sigma_delta(%tu, %ta) {size = 1 : i64} : (!nc.current<1>, !nc.current<1>) -> !nc.spikes<1, bits = 24>
  %tb = nc.synapses %a {weights = dense<[[1]]> : tensor<1x1xsi8>, exponent = 0 : i64} : (!nc.spikes<1, bits = 24>) -> !nc.current<1>
  %b = nc.neurons @b sigma_delta(%tb) {size = 1 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
}

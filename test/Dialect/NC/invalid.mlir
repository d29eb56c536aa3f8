// RUN: ssmc-opt %s -split-input-file -verify-diagnostics

// Every verifier rule of the nc dialect, one case each (a 4 x 2 mesh with
// 16 neurons and 64 bytes of synapses per core keeps the limits small).

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
// expected-error @+1 {{spike stream needs at least one neuron, got 0}}
  %u = nc.input 0 : !nc.spikes<0, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
// expected-error @+1 {{graded-spike payload must be 0 (binary) to 32 bits, got 40}}
  %u = nc.input 0 : !nc.spikes<2, bits = 40>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
// expected-error @+1 {{'nc.core' op position must be [chip, x, y] with non-negative entries}}
  nc.core @c0 at [0, -1, 0]
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op weights must be a signed integer tensor (si8), got 'tensor<2x2xf32>'}}
  %s = nc.synapses %u {weights = dense<1.0> : tensor<2x2xf32>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op weights must have shape [OUT, IN] = [2, 2], got [2, 3]}}
  %s = nc.synapses %u {weights = dense<1> : tensor<2x3xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op output must have 2 neurons, got 3}}
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<3, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op every input current must have 8 entries, got 2}}
  %y = nc.neurons @g on @c0 egru_unit(%s) {size = 2 : i64, theta = dense<1> : tensor<2xsi32>} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op model 's4d_mode' needs 'param_frac_bits'}}
  %y = nc.neurons @g on @c0 s4d_mode(%s) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op model 's4d_mode' needs parameter 'a_bar_re'}}
  %y = nc.neurons @g on @c0 s4d_mode(%s) {size = 2 : i64, param_frac_bits = array<i64: 12, 12, 12>} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op parameter 'bias' must be a signed integer tensor (si32) of 2 elements}}
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 2 : i64, bias = dense<1> : tensor<3xsi32>} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

// expected-error @+1 {{'nc.network' op hardware description needs an integer 'neurons_per_core' between 1 and 16777216}}
nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
}

// -----

// expected-error @+1 {{'nc.network' op hardware description needs 'mesh' as a pair of integers}}
nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
// expected-error @+1 {{'nc.core' op position [0, 4, 0] is outside the 1 chip(s) of 4 x 2 cores of loihi2}}
  nc.core @c0 at [0, 4, 0]
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @a at [0, 1, 1]
// expected-error @+1 {{'nc.core' op shares its position with @a}}
  nc.core @b at [0, 1, 1]
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
// expected-error @+1 {{'nc.input' op sends 32-bit payloads, but loihi2 messages carry at most 24}}
  %u = nc.input 0 : !nc.spikes<2, bits = 32>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op has 16-bit weights, but loihi2 stores 8}}
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi16>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op exponent 9 is outside loihi2's range [-8, 7]}}
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 9 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op must feed exactly one neuron group (it is stored on that group's core)}}
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op runs on unknown core @c9}}
  %y = nc.neurons @g on @c9 sigma_delta_relu(%s) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
// expected-error @+1 {{'nc.core' op holds 20 neurons, more than the 16 a core of loihi2 has}}
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<20x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<20>
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 20 : i64} : (!nc.current<20>) -> !nc.spikes<20, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
// expected-error @+1 {{'nc.core' op holds 80 bytes of synapses, more than the 64 a core of loihi2 has}}
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<10, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<8x10xsi8>, exponent = 0 : i64} : (!nc.spikes<10, bits = 24>) -> !nc.current<8>
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 8 : i64} : (!nc.current<8>) -> !nc.spikes<8, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op delay 63 exceeds loihi2's maximum synaptic delay of 62}}
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64, delay = 63 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
  %y = nc.neurons @g on @c0 sigma_delta(%s) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op has unknown attribute 'last'; besides its own, it accepts bias}}
  %y = nc.neurons @g on @c0 sigma_delta(%s) {size = 2 : i64, last} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op option 'last' must be a unit attribute}}
  %y = nc.neurons @g on @c0 accumulator(%s) {size = 2 : i64, last = 1 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op unknown neuron model 'izhikevich'; the event runtime has input, s4d_mode}}
  %y = nc.neurons @g on @c0 izhikevich(%s) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

// Signless weights are refused: MLIR's parser would read 128 : i8 as -128.
nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op weights must be a signed integer tensor (si8), got 'tensor<2x2xi8>'; use si8, since i8 would wrap literals outside its signed range}}
  %s = nc.synapses %u {weights = dense<128> : tensor<2x2xi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

// With si8, the parser itself refuses a weight of 128.
nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{integer constant out of range for type}}
  %s = nc.synapses %u {weights = dense<128> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
}

// -----

// A bias of 2^31 does not fit si32 (with i32 it wrapped to -2^31).
nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{integer constant out of range for type}}
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 2 : i64, bias = dense<[0, 2147483648]> : tensor<2xsi32>} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

// Signless parameters are refused too.
nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op parameter 'bias' must be a signed integer tensor (si32) of 2 elements; use si32, since i32 would wrap literals outside its signed range}}
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 2 : i64, bias = dense<[0, 2147483648]> : tensor<2xi32>} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

// A misspelt attribute is an error, not ignored.
nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
// expected-error @+1 {{'nc.neurons' op has unknown attribute 'theshold'; besides its own, it accepts bias}}
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 2 : i64, theshold = 4 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  nc.core @c0 at [0, 0, 0]
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op has unknown attribute 'dealy'}}
  %s = nc.synapses %u {weights = dense<1> : tensor<2x2xsi8>, exponent = 0 : i64, dealy = 3 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
  %y = nc.neurons @g on @c0 sigma_delta_relu(%s) {size = 2 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
}

// -----

// expected-error @+1 {{'nc.network' op has unknown attribute 'chips'}}
nc.network @n attributes {chips = 2 : i64, hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op has indices, which only a 'layout sparse' table may have}}
  %s = nc.synapses %u {weights = dense<1> : tensor<2xsi8>, indices = dense<[[0, 0], [1, 1]]> : tensor<2x2xsi32>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op with indices, weights must be [NNZ] and indices [NNZ, 2] of si32, got weights [2] and indices 'tensor<3x2xsi32>'}}
  %s = nc.synapses %u layout sparse {weights = dense<1> : tensor<2xsi8>, indices = dense<0> : tensor<3x2xsi32>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op entry 1 at (2, 0) is outside the [2, 2] table}}
  %s = nc.synapses %u layout sparse {weights = dense<1> : tensor<2xsi8>, indices = dense<[[0, 0], [2, 0]]> : tensor<2x2xsi32>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
}

// -----

nc.network @n attributes {hardware = {name = "loihi2", chips = 1 : i64, mesh = [4, 2], neurons_per_core = 16 : i64, synapse_bytes_per_core = 64 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64}} {
  %u = nc.input 0 : !nc.spikes<2, bits = 24>
// expected-error @+1 {{'nc.synapses' op entry 1 at (0, 0) is out of row-major order or repeats a position}}
  %s = nc.synapses %u layout sparse {weights = dense<1> : tensor<2xsi8>, indices = dense<[[1, 0], [0, 0]]> : tensor<2x2xsi32>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
}

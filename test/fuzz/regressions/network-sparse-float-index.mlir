module {
  nc.network @eg attributes {hardware = {chips = 1 : i64, max_delay = 62 : i64, mesh = [8, 16], message_bits = 24 : i64, name = "loihi2", neurons_per_core = 8192 : i64, state_bits = 24 : i64, synapse_bytes_per_core = 196608 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7]}} {
    nc.core @core0 at [0, 0, 0]
    %0 = nc.input 0 {frac_bits = 22 : i64, name = "u"} : !nc.spikes<8, bits = 24>
    %1 = nc.synapses %0 layout sparse {exponent = -2 : i64, name = "m.from.u", weights = sparse<[[0, 0], [1, 1], [2, 2], [3, -0.0], [4, 4], [5, 5], [6, 6], [7, 7]], 64> : tensor<8x8xsi8>} : (!nc.spikes<8, bits = 24>) -> !nc.current<8>
    %2 = nc.neurons @m on @core0 accumulator(%1) {frac_bits = 20 : i64, size = 8 : i64} : (!nc.current<8>) -> !nc.spikes<8, bits = 24>
    nc.output %2 : !nc.spikes<8, bits = 24>
  }
}

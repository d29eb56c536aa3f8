// A two-PE network whose costs spinnaker2-cost.test computes by hand: the
// input u (2 channels) feeds @a (2 sigma-delta neurons on PE c0) through an
// identity table in PE memory; @a feeds @b (1 neuron on PE c1, 1 hop east
// and 2 north of c0) through a 1 x 2 table of ones in DRAM (2 bytes dense,
// so 1 byte per synop). Round per-operation costs, so that each step's
// energy and time can be added up by hand.
nc.network @tiny attributes {hardware = {name = "s2-tiny", target = "spinnaker2", chips = 1 : i64, mesh = [4, 37], chip_mesh = [1, 1], neurons_per_core = 16 : i64, synapse_bytes_per_core = 1024 : i64, state_bits = 24 : i64, message_bits = 24 : i64, weight_bits = 8 : i64, weight_exponent = [-8, 7], max_delay = 62 : i64, dram_bytes = 4096 : i64,
    energy_pj = {synop = 1.0, neuron_active = 10.0, neuron_inactive = 2.0, message = 5.0, hop_x = 1.0, hop_y = 3.0, barrier = 0.0, chip_hop = 100.0, dram_byte = 40.0},
    time_ns = {synop = 0.25, neuron_active = 10.0, neuron_inactive = 1.0, message = 5.0, hop_x = 1.0, hop_y = 5.0, barrier = 100.0, chip_hop = 100.0, dram_byte = 20.0},
    static_power_mw = 75.0}} {
  nc.core @c0 at [0, 0, 0]
  nc.core @c1 at [0, 1, 2]
  %u = nc.input 0 {name = "u", frac_bits = 0 : i64} : !nc.spikes<2, bits = 24>
  %t1 = nc.synapses %u {name = "a.from.u", weights = dense<[[1, 0], [0, 1]]> : tensor<2x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<2>
  %a = nc.neurons @a on @c0 sigma_delta(%t1) {size = 2 : i64, frac_bits = 0 : i64} : (!nc.current<2>) -> !nc.spikes<2, bits = 24>
  %t2 = nc.synapses %a {name = "b.from.a", dram, weights = dense<[[1, 1]]> : tensor<1x2xsi8>, exponent = 0 : i64} : (!nc.spikes<2, bits = 24>) -> !nc.current<1>
  %b = nc.neurons @b on @c1 sigma_delta(%t2) {size = 1 : i64, frac_bits = 0 : i64} : (!nc.current<1>) -> !nc.spikes<1, bits = 24>
  nc.output %b : !nc.spikes<1, bits = 24>
}

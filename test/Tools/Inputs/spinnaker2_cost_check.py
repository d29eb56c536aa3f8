"""Checks test/Tools/spinnaker2-cost.test's report against the numbers its comment
adds up by hand.

Usage: spinnaker2_cost_check.py REPORT.json OUTPUTS.npy
"""
import json
import sys

import numpy as np

r = json.load(open(sys.argv[1]))
counts = {"steps": 4, "synops": 6, "neuron_updates": 12,
          "neuron_updates_active": 5, "messages": 6, "spikes": 8,
          "input_spikes": 3, "mesh_hops": 9, "dram_bytes": 3}
wrong = {k: (r[k], v) for k, v in counts.items() if r[k] != v}
print("counts ok" if not wrong else f"counts wrong: {wrong}")
costs = {"energy_per_token_uJ": (241 + 75 * 514.5) / 2 * 1e-6,
         "latency_per_token_us": 514.5 / 4 * 1e-3,
         "chip_tokens_per_second": 2 / 514.5e-9,
         "dram_energy_share": 120 / 241,
         "dram_latency_share": 33.5 / 514.5}
wrong = {k: (r[k], v) for k, v in costs.items()
         if abs(r[k] - v) > 1e-9 * abs(v)}
print("costs ok" if not wrong else f"costs wrong: {wrong}")
y = np.load(sys.argv[2])
print("output ok" if y.shape == (1, 1) and y[0, 0] == 5 else f"output {y}")

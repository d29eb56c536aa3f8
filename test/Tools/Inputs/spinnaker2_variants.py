"""Writes edited copies of hardware/spinnaker2.json for
test/Tools/spinnaker2.test.

Usage: spinnaker2_variants.py SPINNAKER2_JSON OUT_DIR
"""
import json
import os
import sys

base = json.load(open(sys.argv[1]))
out = sys.argv[2]


def write(name, **changes):
    d = dict(base)
    for key, value in changes.items():
        if value is None:
            d.pop(key)
        else:
            d[key] = value
    with open(os.path.join(out, name), "w") as f:
        json.dump(d, f)


# PEs of 8 bytes of synapse memory, with and without DRAM.
write("small-pe.json", synapse_bytes_per_core=8)
write("small-pe-no-dram.json", synapse_bytes_per_core=8, dram_bytes=None)
# Two PEs of 16 neurons: tiny.ssm needs 48 neurons.
write("two-pes.json", mesh=[1, 2], neurons_per_core=16)
# Times given twice, an unknown chip, no clock.
write("both-times.json", time_ns=base["cycles"])
write("unknown-chip.json", target="truenorth")
write("no-clock.json", clock_mhz=0)

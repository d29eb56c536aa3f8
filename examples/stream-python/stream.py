"""Streams sequences token by token through a model compiled for Loihi 2
and prints each one's prediction with the chip's energy estimate.

    python3 stream.py [MODEL.ssm] [DATA_SPEC]   (default: sMNIST digits)
"""
import sys

import ssmc

model = sys.argv[1] if len(sys.argv) > 1 else "models/smnist.ssm"
spec = sys.argv[2] if len(sys.argv) > 2 else "mnist:test"
net = ssmc.compile(model, target="loihi2", calibration_samples=32)
data = ssmc.load_data(spec, limit=5)
session = net.session()
for sequence, label in zip(data.inputs, data.labels):
    session.reset()
    for token in sequence:            # one token at a time, as a sensor sends
        session.feed(token)
    outputs = session.finish()        # after the pipeline drains
    uj = session.counters["energy_per_token_uJ"]
    print(f"label {label}: predicted {outputs.argmax()}, {uj:.3f} uJ/token")

"""Writes malformed inputs for test/Tools/bad-inputs.test: make_bad_inputs.py
SRC_ROOT OUT_DIR.

Each file is one defect that once crashed, hung or was silently accepted
(issue 13's list); the test says what each must now give.
"""
import json
import os
import struct
import sys

import numpy as np

root, out = sys.argv[1], sys.argv[2]


def path(name):
    return os.path.join(out, name)


def npy_header(shape, descr="<f4"):
    """A version 1.0 .npy header declaring `shape`, with no data after it."""
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()


# npy: a shape whose byte count wraps to 0 in 64 bits, with no data.
with open(path("huge-shape.npy"), "wb") as f:
    f.write(npy_header("(4611686018427387904, 4, 1)"))
x = np.random.default_rng(1).random((3, 50, 1)).astype(np.float32)
np.save(path("x.npy"), x)
np.save(path("x40.npy"),
        np.random.default_rng(0).random((2, 50, 40)).astype(np.float32))
np.save(path("x3ch.npy"), np.zeros((2, 50, 3), dtype=np.float32))
np.save(path("labels-negative.npy"), np.array([0, -1, 1], dtype=np.int64))
np.save(path("labels-255.npy"), np.array([0, 255, 1], dtype=np.uint8))
np.save(path("labels-1000.npy"), np.array([0, 1, 1000], dtype=np.int32))
np.save(path("labels-u64max.npy"), np.array([0, 2**64 - 1, 1], dtype=np.uint64))

# IDX: no samples; dimensions whose product wraps to 0, with no data.
for name, dims in (("zero", (0, 28, 28)), ("wrap", (256, 2**28, 2**28))):
    d = os.path.join(out, name, "mnist")
    os.makedirs(d, exist_ok=True)
    for prefix in ("t10k", "train"):
        with open(os.path.join(d, f"{prefix}-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 0x803, *dims))
        with open(os.path.join(d, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 0x801, dims[0]))

# Hardware descriptions: out-of-range values that were truncated, wrapped
# or divided by, and nesting deep enough to overflow a recursive parser.
with open(os.path.join(root, "hardware", "loihi2.json")) as f:
    base = json.load(f)
for name, key, value in (
        ("hw-neurons.json", "neurons_per_core", 2**63 - 1),
        ("hw-chips.json", "chips", 2**31),
        ("hw-exponent.json", "weight_exponent", [-2**40, 2**40]),
        ("hw-mesh.json", "mesh", [1, 2**40]),
        ("hw-bits.json", "state_bits", 0)):
    with open(path(name), "w") as f:
        json.dump(dict(base, **{key: value}), f)
# Every key in range, but 2^40 cores: placement allocated a slot per core.
with open(path("hw-cores.json"), "w") as f:
    json.dump(dict(base, chips=65536, mesh=[4096, 4096]), f)
with open(path("hw-power.json"), "w") as f:
    f.write(json.dumps(base).replace('"static_power_mw": 0.0',
                                     '"static_power_mw": 1e400'))
with open(path("hw-deep.json"), "w") as f:
    f.write('{"name": ' + "[" * 50000 + "]" * 50000 + "}")

# DSL: repeat nested 16,000 deep; two nested repeats of 10,000; a call with
# 10,000 arguments.
with open(path("deep-repeat.ssm"), "w") as f:
    f.write("model deep {\n  input u : 1\n")
    f.write("repeat 1 as r {\n" * 16000 + "x = relu(u)\n" + "}\n" * 16000)
    f.write("  output u\n}\n")
with open(path("wide-repeat.ssm"), "w") as f:
    f.write("model wide {\n  input u : 1\n  x = dense(u, 1)\n"
            "  repeat 10000 as a {\n    repeat 10000 as b {\n"
            "      x = relu(x)\n    }\n  }\n  output x\n}\n")
with open(path("many-args.ssm"), "w") as f:
    f.write("model args {\n  input u : 1\n  x = relu(u, "
            + ", ".join(f"k{i}=1" for i in range(10000)) + ")\n  output x\n}\n")
with open(path("many-bad-args.ssm"), "w") as f:
    f.write("model args {\n  input u : 1\n  x = relu(u, "
            + ", ".join(f"k{i}=1" for i in range(200)) + ")\n  output x\n}\n")

"""Writes the seed corpora of the file-reader fuzz targets from the
project's own files: make_seeds.py SRC_ROOT OUT_DIR [NETWORK.mlir ...].

OUT_DIR/network  compiled nc networks given on the command line (lit
                 compiles them with ssmc first) and test/Dialect/NC's
                 round-trip file
OUT_DIR/weights  the weights of test/Frontend/Inputs/weights-model.ssm, valid
                 and with each defect make_weights.py knows
OUT_DIR/data     npy inputs + labels and MNIST-style IDX images + labels,
                 joined the way FuzzFiles.h splits them
OUT_DIR/hardware hardware/loihi2.json and the test hardware descriptions
"""
import glob
import io
import os
import shutil
import struct
import subprocess
import sys

import numpy as np

root, out, networks = sys.argv[1], sys.argv[2], sys.argv[3:]


def folder(name):
    path = os.path.join(out, name)
    os.makedirs(path, exist_ok=True)
    return path


def joined(first, second):
    """Two files as one fuzz input: a little-endian length, then both."""
    return struct.pack("<I", len(first)) + first + second


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def idx(array):
    """LeCun's IDX format: magic 0x0000 08 RANK, big-endian sizes, bytes."""
    header = struct.pack(">I", 0x0800 | array.ndim)
    header += b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


network = folder("network")
for i, path in enumerate(networks):
    shutil.copy(path, os.path.join(network, f"net{i}.mlir"))
shutil.copy(os.path.join(root, "test/Dialect/NC/roundtrip.mlir"),
            os.path.join(network, "roundtrip.mlir"))

weights = folder("weights")
make = os.path.join(root, "test/Frontend/Inputs/make_weights.py")
for mode in ["ok", "missing", "shape", "dtype", "nan", "extra", "no-group",
             "pytorch"]:
    subprocess.run([sys.executable, make,
                    os.path.join(weights, f"{mode}.h5"), mode], check=True)

data = folder("data")
rng = np.random.default_rng(0)
seeds = {
    "npy-3d": joined(npy(rng.standard_normal((3, 5, 2)).astype(np.float32)),
                     npy(np.array([0, 2, 1], dtype=np.int64))),
    "npy-2d-f8": joined(npy(rng.standard_normal((2, 7))),
                        npy(np.array([1, 0], dtype=np.uint8))),
    "npy-int": joined(npy(np.arange(12, dtype=np.int16).reshape(2, 3, 2)),
                      npy(np.array([5, 3], dtype=np.int32))),
    "idx": joined(idx(rng.integers(0, 256, (3, 4, 4))),
                  idx(np.array([7, 0, 9]))),
    "idx-mnist-shape": joined(idx(rng.integers(0, 256, (2, 28, 28))),
                              idx(np.array([3, 1]))),
}
for name, content in seeds.items():
    with open(os.path.join(data, name), "wb") as f:
        f.write(content)

hardware = folder("hardware")
for path in [os.path.join(root, "hardware/loihi2.json")] + sorted(
        glob.glob(os.path.join(root, "test/Conversion/SSMToNeurocore/Inputs/*.json"))):
    shutil.copy(path, os.path.join(hardware, os.path.basename(path)))

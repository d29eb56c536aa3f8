"""Writes small MNIST-shaped splits as IDX files: make_idx.py DIR N.

Both the test and the train split get N images; image i has pixel
p = (p + 7 i) mod 256 and label i mod 10.
"""
import os
import struct
import sys

out, n = sys.argv[1], int(sys.argv[2])
for prefix in ("t10k", "train"):
    with open(os.path.join(out, f"{prefix}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28))
        f.write(bytes((p + 7 * i) % 256 for i in range(n) for p in range(784)))
    with open(os.path.join(out, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x801, n))
        f.write(bytes(i % 10 for i in range(n)))

"""Writes a small MNIST-shaped test split as IDX files: make_idx.py DIR N.

Image i has pixel p = (p + 7 i) mod 256; labels are i mod 10.
"""
import os
import struct
import sys

out, n = sys.argv[1], int(sys.argv[2])
with open(os.path.join(out, "t10k-images-idx3-ubyte"), "wb") as f:
    f.write(struct.pack(">IIII", 0x803, n, 28, 28))
    f.write(bytes((p + 7 * i) % 256 for i in range(n) for p in range(784)))
with open(os.path.join(out, "t10k-labels-idx1-ubyte"), "wb") as f:
    f.write(struct.pack(">II", 0x801, n))
    f.write(bytes(i % 10 for i in range(n)))

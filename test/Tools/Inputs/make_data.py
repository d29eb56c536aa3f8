"""Writes .npy data sets for test/Tools/ssmc-run.test.

Usage: make_data.py OUT_DIR
"""
import os
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(3)
x = rng.random((6, 50, 1)).astype(np.float32)
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "x2d.npy"), x[:, :, 0].astype(np.float64))
np.save(os.path.join(out, "y.npy"), np.array([0, 1, 2, 0, 1, 2], dtype=np.int64))
np.save(os.path.join(out, "y5.npy"), np.arange(5, dtype=np.uint8))
np.save(os.path.join(out, "x3ch.npy"), rng.random((2, 50, 3)).astype(np.float32))
np.save(os.path.join(out, "empty.npy"), np.zeros((0, 50, 1), dtype=np.float32))
np.save(os.path.join(out, "complex.npy"), np.zeros((2, 5), dtype=np.complex64))
np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(np.zeros((2, 5, 2), dtype=np.float32)))
nan = x.copy()
nan[1, 3, 0] = np.nan
np.save(os.path.join(out, "nan.npy"), nan)
with open(os.path.join(out, "x.npy"), "rb") as f:
    data = f.read()
with open(os.path.join(out, "truncated.npy"), "wb") as f:
    f.write(data[:len(data) - 100])
with open(os.path.join(out, "text.npy"), "w") as f:
    f.write("not numpy\n")

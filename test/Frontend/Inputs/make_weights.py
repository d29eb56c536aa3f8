"""Writes HDF5 weight files for test/Frontend/weights.test.

Usage: make_weights.py OUT.h5 MODE
The model is Inputs/weights-model.ssm: enc = dense(u:2 -> 3),
s = s4d(enc, state=4), e = egru(s, hidden=2). MODE selects a defect:
ok, missing, shape, dtype, nan, inf, complex-compound, extra, no-group,
pytorch (flat state_dict names such as "enc.weight").
Values are small exact binary fractions so the tests can FileCheck them.
"""
import sys

import h5py
import numpy as np


def params():
    f = lambda *shape: (np.arange(np.prod(shape), dtype=np.float64).reshape(shape) / 4)
    return {
        "enc/weight": f(3, 2), "enc/bias": -f(3),
        "s/log_dt": np.full(3, -2.0), "s/log_a_real": np.full((3, 2), -0.5),
        "s/a_imag": f(3, 2), "s/b": np.ones((3, 2, 2)), "s/c": f(3, 2, 2),
        "s/d": np.full(3, 0.75),
        "e/w": f(6, 3), "e/r": f(6, 2), "e/bias": np.zeros(6),
        "e/theta": np.full(2, 0.5),
    }


def main(out, mode):
    p = params()
    if mode == "missing":
        del p["s/c"]
    elif mode == "shape":
        p["enc/weight"] = p["enc/weight"].T
    elif mode == "dtype":
        p["enc/bias"] = np.arange(3, dtype=np.int64)
    elif mode == "nan":
        p["s/d"][1] = np.nan
    elif mode == "inf":
        p["e/theta"][0] = np.inf
    elif mode == "extra":
        p["unused/x"] = np.zeros(2)
    elif mode == "no-group":
        for key in [k for k in p if k.startswith("e/")]:
            del p[key]
    elif mode == "pytorch":
        p = {k.replace("/", "."): v for k, v in p.items()}
    with h5py.File(out, "w") as h5:
        for key, value in p.items():
            if mode == "float32":
                value = value.astype(np.float32)
            h5.create_dataset(key, data=value)
        if mode == "complex-compound":
            del h5["s/b"]
            h5.create_dataset("s/b", data=np.ones((3, 2), dtype=np.complex64))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

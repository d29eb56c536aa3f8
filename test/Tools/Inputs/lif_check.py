"""Data, weights and an independent NumPy evaluation for test/Tools/lif.test.

Usage: lif_check.py make DIR     writes DIR/x.npy and DIR/lif.h5
       lif_check.py check DIR    compares DIR/{reference,conv,loihi2}.npy
                                 with the equations evaluated here

The LIF equations (docs/extending.md; Davies et al. 2018): per token
  i = (1 - current_decay) i + x;  v = (1 - voltage_decay) v + i
  s = v > threshold;  y = s (or s * v when graded);  v = 0 where s.
"""
import os
import sys

import h5py
import numpy as np

SAMPLES, TOKENS = 8, 40


def weights():
    rng = np.random.default_rng(11)
    return {
        "enc/weight": rng.normal(0, 0.8, (8, 3)),
        "enc/bias": rng.normal(0.2, 0.1, 8),
        "s1/current_decay": rng.uniform(0.3, 1.0, 8),
        "s1/voltage_decay": rng.uniform(0.05, 0.3, 8),
        "s1/threshold": rng.uniform(0.5, 1.5, 8),
        "mix/weight": rng.normal(0, 0.6, (6, 8)),
        "mix/bias": rng.normal(0.3, 0.1, 6),
        "s2/current_decay": rng.uniform(0.5, 1.0, 6),
        "s2/voltage_decay": rng.uniform(0.05, 0.2, 6),
        "s2/threshold": rng.uniform(0.3, 0.8, 6),
        "dec/weight": rng.normal(0, 0.5, (3, 6)),
        "dec/bias": rng.normal(0, 0.1, 3),
    }


def lif(x, p, name, graded):
    """x: [samples, tokens, H]; returns the outputs and the spike count."""
    keep_i = 1.0 - p[name + "/current_decay"]
    keep_v = 1.0 - p[name + "/voltage_decay"]
    theta = p[name + "/threshold"]
    i = np.zeros(x.shape[0::2])
    v = np.zeros_like(i)
    y = np.zeros_like(x)
    spikes = 0
    for t in range(x.shape[1]):
        i = keep_i * i + x[:, t]
        v = keep_v * v + i
        s = v > theta
        y[:, t] = np.where(s, v if graded else 1.0, 0.0)
        v = np.where(s, 0.0, v)
        spikes += int(s.sum())
    return y, spikes


def evaluate(x, p):
    dense = lambda h, n: h @ p[n + "/weight"].T + p[n + "/bias"]
    s1, n1 = lif(dense(x, "enc"), p, "s1", graded=False)
    s2, n2 = lif(dense(s1, "mix"), p, "s2", graded=True)
    mean = s2.mean(axis=1)
    return dense(mean, "dec"), n1, n2


def main(mode, d):
    p = weights()
    if mode == "make":
        x = np.random.default_rng(5).random((SAMPLES, TOKENS, 3))
        np.save(os.path.join(d, "x.npy"), x.astype(np.float32))
        with h5py.File(os.path.join(d, "lif.h5"), "w") as f:
            for key, value in p.items():
                f[key] = value
        return
    x = np.load(os.path.join(d, "x.npy")).astype(np.float64)
    # The model's parameters are float32 in the IR.
    p = {k: v.astype(np.float32).astype(np.float64) for k, v in p.items()}
    want, n1, n2 = evaluate(x, p)
    units = SAMPLES * TOKENS
    # The test means something only if both layers spike, but not always.
    assert 0.05 < n1 / (units * 8) < 0.95, n1 / (units * 8)
    assert 0.05 < n2 / (units * 6) < 0.95, n2 / (units * 6)
    ref = np.load(os.path.join(d, "reference.npy"))
    conv = np.load(os.path.join(d, "conv.npy"))
    loihi2 = np.load(os.path.join(d, "loihi2.npy"))
    scale = np.abs(want).max()
    errors = {
        "reference": np.abs(ref - want).max() / scale,
        "conv": np.abs(conv - want).max() / scale,
        "loihi2": np.abs(loihi2 - want).max() / scale,
    }
    print("spike rates %.3f %.3f; max error / max |y|: %s" % (
        n1 / (units * 8), n2 / (units * 6),
        ", ".join("%s %.2e" % kv for kv in errors.items())))
    assert errors["reference"] < 1e-6, errors
    assert errors["conv"] < 1e-5, errors
    # 12-bit decays and 24-bit registers: a spike may move by a token.
    assert errors["loihi2"] < 0.05, errors


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

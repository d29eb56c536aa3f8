"""PyTorch outputs of an exported tiny model on pmnist:test.

Usage: torch_outputs.py WEIGHTS.h5 OUT.npy (the model of train.test).
"""
import os
import sys

import h5py
import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from ssmc_torch import S4DClassifier  # noqa: E402  (imports ssmc)
import ssmc  # noqa: E402

model = S4DClassifier(1, 8, 4, 2, 10)
with h5py.File(sys.argv[1]) as f:
    state = {}
    state["encoder.weight"] = f["encoder/weight"][()]
    state["encoder.bias"] = f["encoder/bias"][()]
    for i in range(2):
        for name in ("log_dt", "log_a_real", "a_imag", "b", "c", "d"):
            state[f"ssm.{i}.{name}"] = f[f"block/{i}/ssm/{name}"][()]
        state[f"mix.{i}.weight"] = f[f"block/{i}/mix/weight"][()]
        state[f"mix.{i}.bias"] = f[f"block/{i}/mix/bias"][()]
    state["decoder.weight"] = f["decoder/weight"][()]
    state["decoder.bias"] = f["decoder/bias"][()]
model.load_state_dict({k: torch.from_numpy(np.asarray(v, dtype=np.float32)) for k, v in state.items()})
x = ssmc.load_data("pmnist:test").inputs
with torch.no_grad():
    np.save(sys.argv[2], model.double()(torch.from_numpy(x).double()).numpy().astype(np.float32))

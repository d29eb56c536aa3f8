"""li.test's NumPy evaluation of Inputs/li.ssm: reads the weights from the
ssm IR ssmc printed (li.mlir), evaluates v = (1 - delta) v + x per token
and compares each target's outputs. Usage: li_check.py DIR."""
import json
import re
import sys

import numpy as np

d = sys.argv[1]
ir = open(f"{d}/li.mlir").read()


def tensor(layer, param):
    op = next(line for line in ir.splitlines() if f'name = "{layer}"' in line)
    m = re.search(param + r" = dense<(.*?)> : tensor<([0-9x]+)xf32>", op)
    shape = [int(s) for s in m.group(2).split("x")]
    values = np.array(json.loads(m.group(1)),
                      dtype=np.float64)
    return np.broadcast_to(values, shape) if values.ndim == 0 else values.reshape(shape)


x = np.load(f"{d}/x.npy").astype(np.float64)  # [6, 50, 1]
w_enc, b_enc = tensor("enc", "weight"), tensor("enc", "bias")
d_v, d_i = tensor("v", "voltage_decay"), tensor("i", "voltage_decay")
w_out, b_out = tensor("out", "weight"), tensor("out", "bias")
v = np.zeros((x.shape[0], 4))
i = np.zeros((x.shape[0], 4))
for t in range(x.shape[1]):
    v = (1 - d_v) * v + x[:, t] @ w_enc.T + b_enc
    i = (1 - d_i) * i + v
y = i @ w_out.T + b_out
scale = np.abs(y).max()
errors = {t: np.abs(np.load(f"{d}/{t}.npy") - y).max() / scale
          for t in ("reference", "conv", "loihi2")}
assert errors["reference"] < 1e-6 and errors["conv"] < 1e-5, errors
assert errors["loihi2"] < 3e-2, errors  # int8 weights, 24-bit activations
print("max error / max |y|: " + ", ".join(f"{t} {e:.2e}" for t, e in errors.items()))

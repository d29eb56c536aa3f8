"""The fp32 output of Inputs/spinnaker2-tiny.mlir computed here in numpy
float32, step by step in the event runtime's order (spinnaker2-fp32.test):
host inputs sent sigma-delta (threshold 0), @a = its identity table's sum,
@b = the sum of @a's changes into a table of ones, each a binary32 add in
the order the messages arrive (sender 0, then 1). Prints "fp32 ok" when the
runtime's output is that float32 bit for bit.
Usage: spinnaker2_fp32_check.py TOKENS.npy OUTPUTS.npy"""
import sys

import numpy as np

f = np.float32
tokens = np.load(sys.argv[1])[0].astype(np.float32)  # [T, 2]
y = np.load(sys.argv[2]).reshape(-1)

sent_u = np.zeros(2, f)   # what the host last sent
acc_a = np.zeros(2, f)    # @a's table: the sum of u's changes
sent_a = np.zeros(2, f)   # what @a last sent
acc_b = f(0)              # @b's table: the sum of @a's changes
sent_b = f(0)
for x in tokens:
    for i in range(2):  # u -> @a (identity)
        change = f(x[i] - sent_u[i])
        if change != 0:
            sent_u[i] = f(sent_u[i] + change)
            acc_a[i] = f(acc_a[i] + f(f(1) * change))
    for i in range(2):  # @a sends, @b sums (ones)
        change = f(acc_a[i] - sent_a[i])
        if change != 0:
            sent_a[i] = f(sent_a[i] + change)
            acc_b = f(acc_b + f(f(1) * change))
    change = f(acc_b - sent_b)
    if change != 0:
        sent_b = f(sent_b + change)
expected = sent_b
if y.shape != (1,) or y[0].astype(np.float32).tobytes() != expected.tobytes():
    sys.exit(f"fp32 output {y} is not the float32 {expected!r}")
print(f"fp32 ok: {float(expected)!r}")

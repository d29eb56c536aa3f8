"""The second seed's own language model on the spinnaker2 cost model.

Nazeer et al. 2024 (arXiv 2312.09084) ran an EGRU language model of three
layers (1350, 1350, 750 units), an embedding of 750 and 95 % of its weights
pruned on one SpiNNaker 2 chip and reported 0.39 W, 170.25 ms and 0.0653 J
per single-sample inference (figures quoted from the paper's Table II by
secondary sources; docs/spinnaker2.md). This builds that configuration with
seeded weights (no trained model of that size ships with ssmc), compiles it
for spinnaker2 (PTQ calibrated on the Brown training text), runs Brown test
words through the event runtime and prints what the cost model predicts
next to the reported figures, per token and per window of WINDOW tokens
(one test stream: 3,223 words).

Usage: seed.py [--window 70] [--out DIR] [--synapse-memory core|dram]
               [--theta LO HI] [--seed N] [--arithmetic fixed|fp32]

--arithmetic fp32 compiles the seed's own arithmetic, binary32 on the Arm
cores (4-byte weights; a synaptic operation a CSR loop's 5 cycles, the
description's fp32 section) instead of the int8 path (the MAC array).
Needs SSMC_DATA (Brown) and a build (SSMC_BUILD_DIR, default build/).
"""
import argparse
import json
import os
import subprocess
import sys

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("SSMC_BUILD_DIR", os.path.join(ROOT, "build"))
VOCAB = 14114  # the Brown vocabulary ssmc's LM uses (the seed used its own)
EMB, HIDDEN = 750, (1350, 1350, 750)
DENSITY = 0.05  # 95 % pruned
# Reported per single-sample inference (Nazeer et al. 2024, Table II as
# quoted): SpiNNaker 2 and an A100.
PAPER = {"spinnaker2": (0.39, 170.25e-3, 0.0653), "A100": (60.0, 19.9e-3, 1.19)}

MODEL = f"""# The seed's EGRU language model (Nazeer et al. 2024) with seeded,
# 95 %-pruned weights: bench/spinnaker2/seed.py writes this and its weights.
model egru_seed {{
  weights "seed.h5"
  calibration "brown:train"
  input words : tokens({VOCAB})
  emb = embedding(words, {EMB})
  l1 = egru(emb, hidden={HIDDEN[0]})
  l2 = egru(l1, hidden={HIDDEN[1]})
  l3 = egru(l2, hidden={HIDDEN[2]})
  decoder = dense(l3, {VOCAB}, tied=emb)
  output decoder
}}
"""


def sparse(group, name, rows, cols, rng, scale):
    """A [rows, cols] matrix with DENSITY of its entries non-zero (chosen
    uniformly per row), values uniform in +-scale, as CSR (docs/dsl.md)."""
    per_row = max(1, round(DENSITY * cols))
    indices = np.sort(np.stack([rng.choice(cols, per_row, replace=False)
                                for _ in range(rows)]), axis=1)
    g = group.create_group(name)
    g.attrs["shape"] = np.array([rows, cols], np.int64)
    g["data"] = rng.uniform(-scale, scale, rows * per_row).astype(np.float32)
    g["indices"] = indices.reshape(-1).astype(np.int32)
    g["indptr"] = (np.arange(rows + 1) * per_row).astype(np.int64)


def write_weights(path, seed, theta):
    # PyTorch's uniform(+-1/sqrt(fan_in)) initialization, scaled by
    # 1/sqrt(DENSITY) so that pruning keeps each unit's input variance.
    rng = np.random.default_rng(seed)
    with h5py.File(path, "w") as f:
        sparse(f.create_group("emb"), "weight", VOCAB, EMB, rng, 1.0)
        inputs = EMB
        for k, h in enumerate(HIDDEN):
            g = f.create_group(f"l{k + 1}")
            scale = 1 / np.sqrt(h * DENSITY)
            sparse(g, "w", 3 * h, inputs, rng, scale)
            sparse(g, "r", 3 * h, h, rng, scale)
            g["bias"] = rng.uniform(-scale, scale, 3 * h).astype(np.float32)
            g["recurrent_bias"] = rng.uniform(-scale, scale, 3 * h).astype(np.float32)
            # Event thresholds uniform in [theta]: with seeded weights they
            # set the event rate, which a trained model would have learned.
            g["theta"] = rng.uniform(*theta, h).astype(np.float32)
            inputs = h
        f.create_group("decoder")["bias"] = np.zeros(VOCAB, np.float32)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--window", type=int, default=70,
                   help="tokens per inference window (default 70)")
    p.add_argument("--out", default=os.path.join(BUILD, "bench-spinnaker2"))
    p.add_argument("--synapse-memory", default="core", choices=("core", "dram"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--arithmetic", default="fixed", choices=("fixed", "fp32"),
                   help="the int8 path (default) or fp32 on the Arm cores")
    p.add_argument("--theta", type=float, nargs=2, default=(0.1, 0.3),
                   metavar=("LO", "HI"),
                   help="EGRU event thresholds, uniform in [LO, HI] "
                        "(default 0.1 0.3)")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    model = os.path.join(a.out, "seed.ssm")
    with open(model, "w") as f:
        f.write(MODEL)
    write_weights(os.path.join(a.out, "seed.h5"), a.seed, a.theta)
    tag = f"{a.arithmetic}-{a.synapse_memory}"
    net = os.path.join(a.out, f"seed-{tag}.h5")
    compiled = subprocess.run(
        [os.path.join(BUILD, "bin", "ssmc"), model, "--target=spinnaker2",
         "--calibration-samples=1", f"--synapse-memory={a.synapse_memory}",
         f"--arithmetic={a.arithmetic}", "--report", "-o", net],
        capture_output=True, text=True)
    if compiled.returncode != 0:  # e.g. fp32 weights in PE memory: no fit
        print(compiled.stderr.strip(), file=sys.stderr)
        return 1
    for line in compiled.stdout.splitlines():
        if line.startswith(("nc.network", "total", "dram")):
            print(line)
    report = os.path.join(a.out, f"seed-{tag}.json")
    subprocess.run(
        [os.path.join(BUILD, "bin", "ssmc-run"), net, "--target=spinnaker2",
         "--data=brown:test", "--limit=1",
         f"--report={report}"],
        check=True, stdout=subprocess.DEVNULL)
    r = json.load(open(report))
    uj, us = r["energy_per_token_uJ"], r["latency_per_token_us"]
    print(f"\nseed configuration (EGRU {'/'.join(map(str, HIDDEN))}, embedding "
          f"{EMB}, {VOCAB} words, {1 - DENSITY:.0%} pruned, seeded weights, "
          f"theta in [{a.theta[0]}, {a.theta[1]}]) on "
          f"{r['hardware']}, {r['tokens']} Brown test words, synapses in "
          f"{a.synapse_memory} memory, {r['arithmetic']} arithmetic:")
    print(f"  PEs {r['cores']}, synops/token {r['synops_per_token']:.0f}, "
          f"DRAM bytes/token {r['dram_bytes_per_token']:.0f}, EGRU sparsity "
          + ", ".join(f"{k} {v:.3f}" for k, v in r["egru_activity_sparsity"].items()))
    print(f"  per token: {uj:.2f} uJ, {us:.2f} us, {uj / us:.3f} W")
    print(f"{'per inference':<34} {'power W':>8} {'latency ms':>11} {'energy mJ':>10}")
    for name, tokens in (("ssmc estimate, 1 token", 1),
                         (f"ssmc estimate, {a.window}-token window", a.window)):
        print(f"{name:<34} {uj / us:>8.3f} {us * tokens * 1e-3:>11.3f} "
              f"{uj * tokens * 1e-3:>10.4f}")
    for name, (w, s, j) in PAPER.items():
        print(f"{'reported, ' + name:<34} {w:>8.3f} {s * 1e3:>11.3f} {j * 1e3:>10.4f}")
    w, s, j = PAPER["spinnaker2"]
    for tokens in (1, a.window):
        print(f"reported / estimate ({tokens} token{'s' if tokens > 1 else ''}): "
              f"power {w / (uj / us):.1f}x, latency {s / (us * tokens * 1e-6):.1f}x, "
              f"energy {j / (uj * tokens * 1e-6):.1f}x")


if __name__ == "__main__":
    sys.exit(main())

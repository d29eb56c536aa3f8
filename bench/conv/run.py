#!/usr/bin/env python3
"""bench/conv: ssmc's conv executor vs the same S4D model in PyTorch.

The sMNIST-sized model (H=64, N=64, 4 layers, 10 classes), batch 64, at
L = 784, 4096 and 16384 tokens. Both sides get the same weights (exported
from PyTorch to HDF5 and bound by ssmc) and the same inputs; the script first
checks that their outputs agree, then times steady-state throughput with the
same thread count:

  - ssmc: `ssmc-run --target=conv` over several batches; its report's
    run_seconds (kernel generation and FFT planning, once per model and
    length, are reported separately as setup_seconds);
  - PyTorch: the FFT convolution of state-spaces/s4 (s4d.py), inference
    mode, after a warm-up call; each call generates the kernel as s4d.py does.

Each length is measured --repeat times, alternating ssmc and PyTorch so that
both see the same machine load; the table gives medians (and the range of the
ratio), since throughput on a shared 2-core machine varies by tens of percent.

Usage: bench/conv/run.py [--threads N] [--lengths 784,4096,16384]
       [--repeat R] [--build DIR]
Prints samples/s of each and the ratio ssmc / PyTorch.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from ssmc_torch import S4DClassifier, ssm_source  # noqa: E402

BATCH = 64
H, N, LAYERS, CLASSES = 64, 64, 4, 10


def batches_for(length):
    """Enough batches for a stable timing, fewer for long sequences."""
    return max(1, 4 * 784 // length) if length > 784 else 4


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--lengths", default="784,4096,16384")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    ssmc_run = os.path.join(args.build, "bin", "ssmc-run")
    if not os.path.exists(ssmc_run):
        sys.exit(f"bench/conv: {ssmc_run} not found; run ./scripts/build first")

    model = S4DClassifier(1, H, N, LAYERS, CLASSES).eval()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        weights = os.path.join(tmp, "bench.h5")
        model.export_hdf5(weights)
        source = os.path.join(tmp, "bench.ssm")
        with open(source, "w") as f:
            f.write(ssm_source("bench", weights, 1, H, N, LAYERS, CLASSES))
        for length in [int(x) for x in args.lengths.split(",")]:
            n_batches = batches_for(length)
            rng = np.random.default_rng(length)
            x = rng.random((BATCH * n_batches, length, 1), dtype=np.float32)
            inputs = os.path.join(tmp, f"x{length}.npy")
            np.save(inputs, x)

            report = os.path.join(tmp, "report.json")
            outputs = os.path.join(tmp, "out.npy")

            def run_ssmc():
                subprocess.run([ssmc_run, source, "--target=conv",
                                f"--batch={BATCH}", f"--threads={args.threads}",
                                f"--data=file:{inputs}", f"--report={report}",
                                f"--outputs={outputs}", "--quiet"],
                               check=True, stdout=subprocess.DEVNULL)
                with open(report) as f:
                    r = json.load(f)
                return r["samples"] / r["run_seconds"], r["setup_seconds"]

            def run_torch():
                start = time.perf_counter()
                for i in range(n_batches):
                    model(torch.from_numpy(x[i * BATCH:(i + 1) * BATCH]))
                return BATCH * n_batches / (time.perf_counter() - start)

            with torch.inference_mode():
                # Warm-up, and the check that both compute the same function.
                run_ssmc()
                reference = model(torch.from_numpy(x[:BATCH])).numpy()
                ours = np.load(outputs)[:BATCH]
                err = np.abs(ours - reference).max() / np.abs(reference).max()
                if err > 1e-3:
                    sys.exit(f"bench/conv: ssmc and PyTorch disagree at L={length}: "
                             f"relative error {err:.2e}")
                ssmc, torch_, setups = [], [], []
                for _ in range(args.repeat):
                    sps, setup = run_ssmc()
                    ssmc.append(sps)
                    setups.append(setup)
                    torch_.append(run_torch())
            ratios = [s / t for s, t in zip(ssmc, torch_)]
            rows.append((length, statistics.median(ssmc), statistics.median(torch_),
                         statistics.median(ratios), min(ratios), max(ratios), err,
                         statistics.median(setups)))

    print(f"bench/conv: S4D H={H} N={N} {LAYERS} layers, batch {BATCH}, "
          f"{args.threads} thread(s), median of {args.repeat}; "
          f"torch {torch.__version__}")
    print(f"{'L':>6} {'ssmc samples/s':>15} {'torch samples/s':>16} "
          f"{'ratio':>7} {'ratio range':>13} {'max rel. diff':>14} {'ssmc setup s':>13}")
    for length, s, t, ratio, lo, hi, err, setup in rows:
        print(f"{length:>6} {s:>15.1f} {t:>16.1f} {ratio:>6.2f}x "
              f"{lo:>5.2f}-{hi:<5.2f}x {err:>14.2e} {setup:>13.3f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""bench/stream/soak.py: a million tokens through the event runtime, with
resident memory measured at the start and the end.

Compiles models/smnist.ssm (trained weights) for loihi2 (calibration on
MNIST when scripts/fetch-data has run, else on random sequences: the soak
measures memory and speed, not accuracy) and runs build/bench/bench-soak on
it: --tokens tokens (default 1,000,000) as one unbroken stream and as
sequences of 784 tokens with a reset after each. bench-soak fails a run
whose resident memory grew by more than 1 MiB after the warm-up.

Usage: bench/stream/soak.py [--tokens N] [--build DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, default=1000000)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = parser.parse_args()
    if args.tokens < 100:
        parser.error("--tokens must be at least 100")
    work = tempfile.mkdtemp(prefix="ssmc-soak-")
    data = os.environ.get("SSMC_DATA") or os.path.join(ROOT, "data")
    if os.path.exists(os.path.join(data, "mnist", "train-images-idx3-ubyte")):
        calibration = "mnist:train"
    else:
        calibration = "file:" + os.path.join(work, "calibration.npy")
        np.save(calibration[5:], np.random.default_rng(0).random((16, 784, 1),
                                                                 np.float32))
    nc = os.path.join(work, "smnist.nc.mlir")
    subprocess.run([os.path.join(args.build, "bin", "ssmc"),
                    os.path.join(ROOT, "models", "smnist.ssm"), "--target=loihi2",
                    f"--calibration={calibration}", "--calibration-samples=16",
                    "-o", nc], check=True, env=dict(os.environ, SSMC_DATA=data))
    out = os.path.join(work, "soak.json")
    run = subprocess.run([os.path.join(args.build, "bench", "bench-soak"),
                          f"--benchmark_out={out}", "--benchmark_out_format=json"],
                         env=dict(os.environ, SSMC_BENCH_NC=nc,
                                  SSMC_SOAK_TOKENS=str(args.tokens)),
                         stdout=subprocess.DEVNULL)
    results = json.load(open(out))["benchmarks"]
    print(f"sMNIST network on the event runtime, {args.tokens} tokens, 1 thread")
    print(f"{'run':18} {'tokens/s':>10} {'RSS start MiB':>14} {'RSS end MiB':>12} "
          f"{'growth KiB':>11}  verdict")
    for r in results:
        name = r["name"].split("/")[0].replace("BM_Soak", "")
        verdict = r.get("error_message", "flat") if r.get("error_occurred") else "flat"
        print(f"{name:18} {r.get('items_per_second', 0):10.0f} "
              f"{r.get('rss_start_MiB', 0):14.1f} {r.get('rss_end_MiB', 0):12.1f} "
              f"{r.get('rss_growth_KiB', 0):11.0f}  {verdict}")
    return run.returncode or any(r.get("error_occurred") for r in results)


if __name__ == "__main__":
    sys.exit(main())

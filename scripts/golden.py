#!/usr/bin/env python3
"""Golden outputs for refactors that must not change a result.

  scripts/golden.py record DIR [--build build]
  scripts/golden.py compare DIR [--build build]

`record` runs ssmc-run on a fixed set of models and data and keeps what it
writes in DIR; `compare` runs the same commands again and checks them
against DIR: the loihi2 target's outputs, report and trace byte for byte
(the report without its timing fields), the conv target's outputs within
1e-6 and the reference target's bit for bit. Needs MNIST
(scripts/fetch-data).

The runs (issue 12's list):
  smnist-loihi2     models/smnist.ssm on loihi2, 40 test images, trace of 2
  pmnist-loihi2     models/pmnist.ssm on loihi2, 20 test images
  egru-loihi2       a small EGRU classifier (seeded weights) on loihi2
  smnist-conv, smnist-reference, egru-conv, egru-reference
Calibration uses 16 training sequences (mnist:train / pmnist:train).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

EGRU_MODEL = """# A small EGRU classifier for golden outputs (seeded weights).
model egru_golden {
  seed 11
  input u : 1
  enc = dense(u, 16)
  g = egru(enc, hidden=32, theta=0.05)
  m = readout(g, mean)
  out = dense(m, 10)
  output out
}
"""

# Report fields that measure the machine or name the build rather than
# describe the result.
TIMING_KEYS = {"compile_seconds", "setup_seconds", "run_seconds", "wall_seconds",
               "tokens_per_second", "samples_per_second", "threads",
               "ssmc_version", "ssmc_commit"}


def runs(work):
    egru = os.path.join(work, "egru.ssm")
    with open(egru, "w") as f:
        f.write(EGRU_MODEL)
    smnist = os.path.join(ROOT, "models", "smnist.ssm")
    pmnist = os.path.join(ROOT, "models", "pmnist.ssm")
    loihi2 = ["--target=loihi2", "--calibration-samples=16"]
    return {
        "smnist-loihi2": [smnist, *loihi2, "--calibration=mnist:train",
                          "--data=mnist:test", "--limit=40", "--trace-samples=2",
                          "TRACE"],
        "pmnist-loihi2": [pmnist, *loihi2, "--calibration=pmnist:train",
                          "--data=pmnist:test", "--limit=20"],
        "egru-loihi2": [egru, *loihi2, "--calibration=mnist:train",
                        "--data=mnist:test", "--limit=20", "--trace-samples=1",
                        "TRACE"],
        "smnist-conv": [smnist, "--target=conv", "--data=mnist:test", "--limit=40"],
        "smnist-reference": [smnist, "--target=reference", "--data=mnist:test",
                             "--limit=10"],
        "egru-conv": [egru, "--target=conv", "--data=mnist:test", "--limit=20"],
        "egru-reference": [egru, "--target=reference", "--data=mnist:test",
                           "--limit=10"],
    }


def run_all(build, out):
    os.makedirs(out, exist_ok=True)
    for name, args in runs(out).items():
        argv = [os.path.join(build, "bin", "ssmc-run"), "--quiet",
                f"--outputs={out}/{name}.npy", f"--report={out}/{name}.json"]
        argv += [a if a != "TRACE" else f"--trace={out}/{name}.csv" for a in args]
        subprocess.run(argv, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def strip_timing(value):
    if isinstance(value, dict):
        return {k: strip_timing(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [strip_timing(v) for v in value]
    return value


def compare(golden, fresh):
    failures = []
    for name in runs(fresh):
        a = np.load(os.path.join(golden, name + ".npy"))
        b = np.load(os.path.join(fresh, name + ".npy"))
        if name.endswith("-conv"):
            same = a.shape == b.shape and np.max(np.abs(a - b), initial=0) <= 1e-6
        else:
            same = a.shape == b.shape and a.tobytes() == b.tobytes()
        ra = strip_timing(json.load(open(os.path.join(golden, name + ".json"))))
        rb = strip_timing(json.load(open(os.path.join(fresh, name + ".json"))))
        if not name.endswith("-conv") and ra != rb:
            same = False
        trace = os.path.join(golden, name + ".csv")
        if os.path.exists(trace) and open(trace, "rb").read() != open(
                os.path.join(fresh, name + ".csv"), "rb").read():
            same = False
        print(f"{name:18} {'same' if same else 'DIFFERS'}")
        if not same:
            failures.append(name)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=["record", "compare"])
    parser.add_argument("dir")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = parser.parse_args()
    if args.mode == "record":
        run_all(args.build, args.dir)
        print(f"recorded {len(runs(args.dir))} runs in {args.dir}")
        return 0
    fresh = args.dir.rstrip("/") + ".now"
    run_all(args.build, fresh)
    return 1 if compare(args.dir, fresh) else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""bench/compile: how long `ssmc --target=loihi2` takes, pass by pass.

Two models: models/smnist.ssm (67k parameters, trained weights) and a
1M-parameter S4D classifier of the same shape (H=256, N=64, 10 blocks,
seeded weights). Each is compiled to a placed nc network with
--calibration-samples=256 (the default) and =32, on MNIST training images;
MLIR's pass timing (--mlir-timing) splits the time into calibration + PTQ
(ssm-quantize) and lowering, splitting and placement
(convert-ssm-to-neurocore). Prints the median of --repeat runs.

Usage: bench/compile/run.py [--repeat R] [--build DIR]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MILLION = """model s4d1m {
  seed 1
  input pixels : 1
  encoder = dense(pixels, 256)
  x = encoder
  repeat 10 as block {
    ssm = s4d(x, state=64)
    act = relu(ssm)
    mix = dense(act, 256)
    x = add(mix, x)
  }
  pool = readout(x, mean)
  decoder = dense(pool, 10)
  output decoder
}
"""


def compile_once(ssmc, model, samples):
    start = time.perf_counter()
    out = subprocess.run([ssmc, model, "--target=loihi2", "--mlir-timing",
                          f"--calibration-samples={samples}", "-o", os.devnull],
                         check=True, capture_output=True, text=True)
    wall = time.perf_counter() - start
    passes = {}
    for line in out.stderr.splitlines():
        m = re.match(r"\s*([0-9.]+) \(\s*[0-9.]+%\)\s+(\w+)$", line)
        if m:
            passes[m.group(2)] = float(m.group(1))
    return wall, passes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = parser.parse_args()
    ssmc = os.path.join(args.build, "bin", "ssmc")
    if not os.path.exists(ssmc):
        sys.exit(f"bench/compile: {ssmc} not found; run ./scripts/build first")
    os.environ.setdefault("SSMC_DATA", os.path.join(ROOT, "data"))
    work = tempfile.mkdtemp(prefix="ssmc-bench-compile-")
    million = os.path.join(work, "s4d1m.ssm")
    with open(million, "w") as f:
        f.write(MILLION)
    models = [("smnist (67,082 parameters)", os.path.join(ROOT, "models", "smnist.ssm")),
              ("s4d1m (1,157,642 parameters)", million)]
    print(f"{'model':<30} {'calibration':>11} {'total s':>8} {'ssm-quantize s':>15} "
          f"{'convert s':>10}")
    for name, path in models:
        for samples in (256, 32):
            runs = [compile_once(ssmc, path, samples) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            quant = statistics.median(r[1].get("SSMQuantize", 0) for r in runs)
            conv = statistics.median(r[1].get("ConvertSSMToNeurocore", 0) for r in runs)
            print(f"{name:<30} {samples:>11} {wall:>8.2f} {quant:>15.2f} {conv:>10.2f}")


if __name__ == "__main__":
    main()

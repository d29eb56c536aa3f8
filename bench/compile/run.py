#!/usr/bin/env python3
"""bench/compile: how long `ssmc --target=loihi2` takes, pass by pass.

Two models: models/smnist.ssm (67k parameters, trained weights) and a
1M-parameter S4D classifier of the same shape (H=256, N=64, 10 blocks,
seeded weights). Each is compiled to a placed nc network with
--calibration-samples=256 (the default) and =32, on MNIST training images;
MLIR's timing (--mlir-timing) splits the time into calibration (the
driver's step before the lowering passes), PTQ (ssm-quantize), lowering
(convert-ssm-to-neurocore) and the nc passes (nc-insert-delays,
nc-split-groups, nc-place). Prints the median of --repeat runs. With
--baseline BUILD_DIR, it then compiles sMNIST with that build's ssmc and
this one's, alternating, and prints both medians and their ratio.

Then the large model of issue 12 (H=512, N=256, 6 blocks, 3.9M
parameters, seeded weights; 16 calibration sequences, one run): wall time
and the compiler's peak resident memory compiling it to a network file
(`-o net.h5`), and the size of that file (and of the nc MLIR form)
against the synapse bytes the network holds (the per-core table's total),
next to the targets issue 12 sets (at most 3x, under 1 GB, under 15 s).

Usage: bench/compile/run.py [--repeat R] [--build DIR] [--skip-large]
                            [--baseline BUILD_DIR]
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

def s4d_classifier(name, channels, state, blocks):
    """A seeded sMNIST-shaped S4D classifier: encoder to `channels`, then
    `blocks` residual blocks of s4d(state) -> relu -> dense, mean readout,
    10 classes."""
    return f"""model {name} {{
  seed 1
  input pixels : 1
  encoder = dense(pixels, {channels})
  x = encoder
  repeat {blocks} as block {{
    ssm = s4d(x, state={state})
    act = relu(ssm)
    mix = dense(act, {channels})
    x = add(mix, x)
  }}
  pool = readout(x, mean)
  decoder = dense(pool, 10)
  output decoder
}}
"""


MILLION = s4d_classifier("s4d1m", channels=256, state=64, blocks=10)
LARGE = s4d_classifier("s4d_large", channels=512, state=256, blocks=6)


def compile_large(ssmc, model, work):
    """Wall time and peak RSS (bytes) of one compile to a network file
    (net.h5) with 16 calibration sequences, the bytes of that file and of
    the same network as nc MLIR, and the network's synapse bytes (the core
    report's total, from a compile on the same calibration ranges)."""
    h5 = os.path.join(work, "large.h5")
    start = time.perf_counter()
    proc = subprocess.Popen([ssmc, model, "--target=loihi2",
                             "--calibration=mnist:train",
                             "--calibration-samples=16", "-o", h5],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, stderr = proc.communicate()
    wall = time.perf_counter() - start
    # ru_maxrss of the children waited for so far is the largest of them:
    # this compile uses more memory than the small models' before it.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if proc.returncode != 0:
        sys.exit(f"bench/compile: compiling the large model failed:\n{stderr}")
    # Untimed: the ranges (on the same 16 sequences), then the report and
    # the .mlir form from them.
    ranges = os.path.join(work, "ranges.json")
    mlir = os.path.join(work, "large.nc.mlir")
    subprocess.run([ssmc, model, "--emit=calibration", "--calibration=mnist:train",
                    "--calibration-samples=16", "-o", ranges], check=True)
    report = subprocess.run([ssmc, model, "--target=loihi2", "--report",
                             f"--calibration-ranges={ranges}", "-o", mlir],
                            check=True, capture_output=True, text=True).stdout
    synapses = 0
    for line in report.splitlines():
        m = re.match(r"total\s+\d+\s+[0-9.]+%\s+(\d+)", line)
        if m:
            synapses = int(m.group(1))
    return wall, peak, os.path.getsize(h5), os.path.getsize(mlir), synapses


# The passes on nc after the lowering, as --mlir-timing names them.
NC_PASSES = ("NCInsertDelays", "NCSplitGroups", "NCPlace")


def compare_baseline(baseline, ssmc, model, repeat, work):
    """sMNIST's compile time (256 calibration sequences) with the baseline
    build's ssmc and this one's, alternating. Both compile a copy without
    the `calibration` statement (older DSLs lack it; --calibration says
    the same), beside a link to its weights."""
    old = os.path.join(baseline, "bin", "ssmc")
    if not os.path.exists(old):
        sys.exit(f"bench/compile: --baseline: {old} not found")
    copy = os.path.join(work, os.path.basename(model))
    with open(model) as f, open(copy, "w") as out:
        out.writelines(line for line in f
                       if not re.match(r"\s*calibration\s+\"", line))
    for name in os.listdir(os.path.dirname(model)):
        if name.endswith(".h5") and not os.path.exists(os.path.join(work, name)):
            os.symlink(os.path.join(os.path.dirname(model), name),
                       os.path.join(work, name))
    model = copy
    times = {old: [], ssmc: []}
    for r in range(max(repeat, 5)):
        for tool in (old, ssmc) if r % 2 == 0 else (ssmc, old):
            times[tool].append(compile_once(tool, model, 256)[0])
    o, n = statistics.median(times[old]), statistics.median(times[ssmc])
    print(f"\nsmnist, 256 sequences, alternating: baseline {o:.2f} s, "
          f"this build {n:.2f} s, ratio {n / o:.3f} "
          f"(baseline {', '.join(f'{t:.2f}' for t in times[old])}; "
          f"this {', '.join(f'{t:.2f}' for t in times[ssmc])})")


def compile_once(ssmc, model, samples):
    start = time.perf_counter()
    out = subprocess.run([ssmc, model, "--target=loihi2", "--mlir-timing",
                          "--calibration=mnist:train",
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
    parser.add_argument("--skip-large", action="store_true",
                        help="do not compile the 3.9M-parameter model")
    parser.add_argument("--baseline",
                        help="another build directory to compare sMNIST's "
                             "compile time with")
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
    print(f"{'model':<30} {'sequences':>9} {'total s':>8} {'calibration s':>14} "
          f"{'ssm-quantize s':>15} {'convert s':>10} {'nc passes s':>12}")
    for name, path in models:
        for samples in (256, 32):
            runs = [compile_once(ssmc, path, samples) for _ in range(args.repeat)]
            wall = statistics.median(r[0] for r in runs)
            calib = statistics.median(r[1].get("calibration", 0) for r in runs)
            quant = statistics.median(r[1].get("SSMQuantize", 0) for r in runs)
            conv = statistics.median(r[1].get("ConvertSSMToNeurocore", 0) for r in runs)
            nc = statistics.median(sum(r[1].get(p, 0) for p in NC_PASSES)
                                   for r in runs)
            print(f"{name:<30} {samples:>9} {wall:>8.2f} {calib:>14.2f} "
                  f"{quant:>15.2f} {conv:>10.2f} {nc:>12.2f}")
    if args.baseline:
        compare_baseline(args.baseline, ssmc, models[0][1], args.repeat, work)
    if args.skip_large:
        return
    large = os.path.join(work, "large.ssm")
    with open(large, "w") as f:
        f.write(LARGE)
    wall, peak, h5_bytes, mlir_bytes, synapses = compile_large(ssmc, large, work)
    print()
    print("s4d_large (H=512, N=256, 6 blocks; 16 calibration sequences; -o net.h5)")
    print(f"{'':24} {'measured':>14} {'issue 12 target':>16}")
    print(f"{'compile time':24} {wall:>12.1f} s {'< 15 s':>16}")
    print(f"{'peak RSS':24} {peak / 2**30:>10.2f} GiB {'< 1 GB':>16}")
    print(f"{'network file (.h5)':24} {h5_bytes / 2**20:>10.1f} MiB")
    print(f"{'nc file (.mlir)':24} {mlir_bytes / 2**20:>10.1f} MiB")
    print(f"{'synapse bytes':24} {synapses / 2**20:>10.1f} MiB")
    print(f"{'.h5 / synapses':24} {h5_bytes / max(synapses, 1):>12.1f} x {'<= 3x':>16}")


if __name__ == "__main__":
    main()

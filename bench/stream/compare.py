#!/usr/bin/env python3
"""bench/stream/compare.py: bench-stream of two builds of ssmc, A/B.

Compares the event runtime's streaming throughput of two builds (say, main
and a change, or the commit before a refactor): the sMNIST-sized model of
bench/stream/run.py is compiled by each build's own ssmc (so each binary
reads the nc form it understands), then each build's bench-stream runs
every benchmark, the two alternating (old first in even rounds, new first
in odd ones, so drift in the machine's speed hits both), --repeat rounds.
Prints, per benchmark, the median tokens/s of each, the ratio of the
medians and each round's ratio (the spread says how much to trust it).

Usage: bench/stream/compare.py --old BUILD_DIR [--new BUILD_DIR]
                               [--repeat R] [--filter REGEX]

An older build: `git worktree add /tmp/old REV`, then configure it as
scripts/setup does and build the targets `ssmc bench-stream`.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import run as stream  # noqa: E402  (the model and inputs of bench/stream)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="build directory A")
    parser.add_argument("--new", default=os.path.join(ROOT, "build"),
                        help="build directory B (default: this checkout's)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--length", type=int, default=784)
    parser.add_argument("--filter", default=".",
                        help="Google Benchmark filter (regex)")
    args = parser.parse_args()
    builds = {"old": args.old, "new": args.new}
    for name, build in builds.items():
        for tool in ("bin/ssmc", "bench/bench-stream"):
            if not os.path.exists(os.path.join(build, tool)):
                sys.exit(f"compare.py: --{name}: {build}/{tool} not found")

    torch.manual_seed(0)
    work = tempfile.mkdtemp(prefix="ssmc-bench-compare-")
    stream.write_model(work, args.length)
    nc = {}
    for name, build in builds.items():
        nc[name] = os.path.join(work, f"{name}.nc.mlir")
        stream.compile_model(os.path.join(build, "bin", "ssmc"), work, nc[name])

    rates = {"old": {}, "new": {}}
    for r in range(args.repeat):
        for name in ("old", "new") if r % 2 == 0 else ("new", "old"):
            env = dict(os.environ, SSMC_BENCH_NC=nc[name],
                       SSMC_BENCH_LENGTH=str(args.length))
            out = subprocess.run(
                [os.path.join(builds[name], "bench", "bench-stream"),
                 "--benchmark_format=json", "--benchmark_min_time=1",
                 f"--benchmark_filter={args.filter}"],
                env=env, check=True, capture_output=True, text=True).stdout
            for b in json.loads(out)["benchmarks"]:
                rates[name].setdefault(b["name"], []).append(
                    b["items_per_second"])
    print(f"median of {args.repeat} alternating rounds; old = {args.old}, "
          f"new = {args.new}")
    print(f"{'benchmark':<48} {'old tok/s':>10} {'new tok/s':>10} "
          f"{'new/old':>8}  each round new/old")
    for name, old in rates["old"].items():
        new = rates["new"].get(name)
        if not new:
            continue
        o, n = statistics.median(old), statistics.median(new)
        rounds = " ".join(f"{b / a:.2f}" for a, b in zip(old, new))
        print(f"{name:<48} {o:>10.0f} {n:>10.0f} {n / o:>8.3f}  {rounds}")


if __name__ == "__main__":
    main()

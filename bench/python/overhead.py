#!/usr/bin/env python3
"""bench/python: what streaming through the Python module adds per token.

The same compiled loihi2 network file and the same tokens go through

  - C++: rt::neuro::Session, fed one token at a time (build/bench/
    bench-session, Google Benchmark), feeding only and feeding plus reading
    the outputs after every token (what the Python session returns);
  - Python: ssmc.load(net.h5).session().feed(token) for every token, timed
    with time.perf_counter over whole sequences.

Two networks: a minimal one (1 -> 4 -> 2 dense, ReLU: almost no chip work,
so the difference is the binding's cost) and the sMNIST model
(models/smnist.ssm, 784 tokens of one MNIST digit). Runs alternate,
--repeat times; the table gives medians in microseconds per token and the
overhead, Python minus C++ feed+outputs (goal: at most 2 us).

Usage: bench/python/overhead.py [--repeat R] [--build DIR]
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MINIMAL = """model minimal {
  seed 0
  calibration "file:CALIB"
  input u : 1
  h = dense(u, 4)
  r = relu(h)
  y = dense(r, 2)
  output y
}
"""


def cpp_us_per_token(build, h5, tokens_npy):
    env = dict(os.environ, SSMC_BENCH_H5=h5, SSMC_BENCH_TOKENS=tokens_npy)
    out = subprocess.run(
        [os.path.join(build, "bench", "bench-session"),
         "--benchmark_format=json", "--benchmark_min_time=0.3"],
        env=env, check=True, capture_output=True, text=True).stdout
    result = {}
    for b in json.loads(out)["benchmarks"]:
        result[b["name"].split("/")[0]] = 1e6 / b["items_per_second"]
    return result


def python_us_per_token(session, tokens, min_seconds=0.3):
    fed, start = 0, time.perf_counter()
    while True:
        session.reset()
        for token in tokens:
            session.feed(token)
        fed += len(tokens)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed * 1e6 / fed


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = p.parse_args()
    sys.path.insert(0, os.path.join(args.build, "python"))
    import ssmc

    work = tempfile.mkdtemp(prefix="ssmc-bench-python-")
    rng = np.random.default_rng(0)
    calib = os.path.join(work, "calib.npy")
    np.save(calib, rng.random((8, 64, 1)).astype(np.float32))
    cases = []
    minimal = ssmc.compile(MINIMAL.replace("CALIB", calib), target="loihi2",
                           init_missing=True)
    cases.append(("minimal (1-4-2 dense)", minimal,
                  rng.random((784, 1)).astype(np.float32)))
    try:
        digits = ssmc.load_data("mnist:test", limit=1)
        smnist = ssmc.compile(os.path.join(ROOT, "models", "smnist.ssm"),
                              target="loihi2", calibration_samples=32)
        cases.append(("sMNIST S4D", smnist, digits.inputs[0]))
    except ssmc.DataError as e:
        print(f"(sMNIST skipped: {e})")

    print(f"ssmc {ssmc.__version__} ({ssmc.commit}); medians of "
          f"{args.repeat} alternating runs, us per token")
    print(f"{'network':<24}{'C++ feed':>10}{'C++ +outputs':>14}"
          f"{'Python feed':>13}{'overhead':>10}")
    for name, net, tokens in cases:
        h5 = os.path.join(work, "net.h5")
        npy = os.path.join(work, "tokens.npy")
        net.save(h5)
        np.save(npy, tokens[None])
        session = ssmc.load(h5).session()
        feed, outputs, python = [], [], []
        for _ in range(args.repeat):
            cpp = cpp_us_per_token(args.build, h5, npy)
            feed.append(cpp["feed"])
            outputs.append(cpp["feed+outputs"])
            python.append(python_us_per_token(session, tokens))
        f, o, py = (statistics.median(v) for v in (feed, outputs, python))
        print(f"{name:<24}{f:>10.2f}{o:>14.2f}{py:>13.2f}{py - o:>10.2f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""bench/stream: token-by-token S4D on ssmc's event runtime vs PyTorch.

The sMNIST-sized model (H=64, N=64, 4 blocks, 10 classes; 67k parameters),
batch 1, one token at a time, as a streaming deployment runs it:

  - PyTorch: the same float model stepped recurrently, as state-spaces/s4's
    S4D `step` does (x = A_bar x + B_bar u, y = 2 Re(C x) + D u per layer,
    then ReLU, the dense mixing, the residual, the running mean), in
    inference mode with the Debian python3-torch build, `--torch-threads`
    threads;
  - ssmc: the model compiled for loihi2 (`ssmc --target=loihi2`, PTQ on
    random calibration sequences) and fed one token at a time to a
    streaming Session (build/bench/bench-stream, Google Benchmark), with 1
    and 2 threads inside each step, at input activity 100 %, 30 % and 10 %
    (the input changes on that fraction of the tokens and is held
    otherwise); and the model's S4D layers alone (their expand tables and
    mode neurons, nothing else): work the full network also does every
    token, so its tokens/s bound the full network's in this runtime.

Both get the same weights (exported from PyTorch to HDF5). The script first
checks that both compute the same logits on a few sequences (to the
quantization error), then times
them, alternating, --repeat times, and prints medians and the ratio.

Usage: bench/stream/run.py [--repeat R] [--length L] [--build DIR]
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

H, N, LAYERS, CLASSES = 64, 64, 4, 10


class Stepper:
    """The classifier's recurrent form (state-spaces/s4 S4D.step), batch 1."""

    def __init__(self, model):
        self.enc_w, self.enc_b = model.encoder.weight, model.encoder.bias
        self.blocks = []
        for ssm, mix in zip(model.ssm, model.mix):
            a_bar, b_bar = ssm.discrete()
            c = torch.view_as_complex(ssm.c)
            self.blocks.append((a_bar, b_bar, 2 * c, ssm.d, mix.weight, mix.bias))
        self.dec_w, self.dec_b = model.decoder.weight, model.decoder.bias
        self.reset()

    def reset(self):
        self.states = [torch.zeros(H, N // 2, dtype=torch.cfloat) for _ in self.blocks]
        self.sum = torch.zeros(H)
        self.tokens = 0

    def step(self, u):
        x = self.enc_w[:, 0] * u + self.enc_b
        for i, (a_bar, b_bar, c2, d, w, b) in enumerate(self.blocks):
            s = a_bar * self.states[i] + b_bar * x[:, None]
            self.states[i] = s
            y = (c2 * s).real.sum(dim=1) + d * x
            x = torch.addmv(b, w, torch.relu(y)) + x
        self.sum += x
        self.tokens += 1
        return x

    def logits(self):
        return torch.addmv(self.dec_b, self.dec_w, self.sum / self.tokens)


def sequence(length, percent, seed):
    """The input bench-stream feeds: changes on `percent` % of the tokens."""
    rng = np.random.default_rng(seed)
    x, held = np.empty(length, np.float32), rng.uniform(0.05, 1.0)
    for t in range(length):
        if rng.integers(100) < percent:
            held = rng.uniform(0.05, 1.0)
        x[t] = held
    return x


def write_model(work, length):
    """The benchmark's model in `work`: random PyTorch weights exported to
    model.h5, the .ssm that binds them, and 32 calibration sequences of
    `length` tokens. Returns the PyTorch model."""
    model = S4DClassifier(1, H, N, LAYERS, CLASSES).eval()
    model.export_hdf5(os.path.join(work, "model.h5"))
    with open(os.path.join(work, "model.ssm"), "w") as f:
        f.write(ssm_source("stream", "model.h5", 1, H, N, LAYERS, CLASSES))
    calibration = np.stack([sequence(length, 100, 1000 + s)
                            for s in range(32)])[:, :, None]
    np.save(os.path.join(work, "calibration.npy"), calibration)
    return model


def compile_model(ssmc, work, nc):
    """write_model()'s model compiled for loihi2 by `ssmc` into `nc`."""
    subprocess.run([ssmc, os.path.join(work, "model.ssm"), "--target=loihi2",
                    f"--calibration=file:{work}/calibration.npy",
                    "--calibration-samples=32", "-o", nc], check=True)


def torch_tokens_per_second(stepper, length, sequences=2):
    start = time.perf_counter()
    with torch.inference_mode():
        for s in range(sequences):
            stepper.reset()
            for u in sequence(length, 100, s):
                stepper.step(float(u))
            stepper.logits()
    return sequences * length / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--length", type=int, default=784)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = parser.parse_args()
    torch.set_num_threads(args.torch_threads)
    torch.manual_seed(0)
    ssmc = os.path.join(args.build, "bin", "ssmc")
    bench = os.path.join(args.build, "bench", "bench-stream")
    for tool in (ssmc, bench):
        if not os.path.exists(tool):
            sys.exit(f"bench/stream: {tool} not found; run ./scripts/build first")

    work = tempfile.mkdtemp(prefix="ssmc-bench-stream-")
    model = write_model(work, args.length)
    nc = os.path.join(work, "model.nc.mlir")
    compile_model(ssmc, work, nc)

    # Same outputs from both on a few sequences: the event runtime runs the
    # quantized model (int8 tables, 24-bit activations), so the logits agree
    # to the quantization error, not bit for bit; a wrong comparison (other
    # weights, another model) is off by the logits' own size.
    stepper = Stepper(model)
    xs = np.stack([sequence(args.length, 100, 2000 + s) for s in range(4)])
    np.save(os.path.join(work, "check.npy"), xs[:, :, None])
    outputs = os.path.join(work, "check-outputs.npy")
    subprocess.run([os.path.join(args.build, "bin", "ssmc-run"), nc,
                    "--target=loihi2", f"--data=file:{work}/check.npy",
                    f"--outputs={outputs}", "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    ssmc_logits = np.load(outputs).astype(np.float64)
    torch_logits = []
    with torch.inference_mode():
        for x in xs:
            stepper.reset()
            for u in x:
                stepper.step(float(u))
            torch_logits.append(stepper.logits().double().numpy())
    torch_logits = np.stack(torch_logits)
    error = np.abs(ssmc_logits - torch_logits).max() / np.abs(torch_logits).max()
    print(f"outputs: max |ssmc loihi2 - PyTorch| / max |PyTorch| = {error:.2e} "
          f"on {len(xs)} sequences; predictions {ssmc_logits.argmax(1).tolist()} "
          f"and {torch_logits.argmax(1).tolist()}")
    if error > 0.05:
        sys.exit("bench/stream: the event runtime and PyTorch disagree; "
                 "not timing different computations")

    env = dict(os.environ, SSMC_BENCH_NC=nc, SSMC_BENCH_LENGTH=str(args.length))
    torch_rates, ssmc_rates = [], {}
    for r in range(args.repeat):
        torch_rates.append(torch_tokens_per_second(stepper, args.length))
        out = subprocess.run([bench, "--benchmark_format=json",
                              "--benchmark_min_time=1"], env=env, check=True,
                             capture_output=True, text=True).stdout
        for b in json.loads(out)["benchmarks"]:
            ssmc_rates.setdefault(b["name"], []).append(b)
    t = statistics.median(torch_rates)
    print(f"\nbatch 1, {args.length}-token sequences, median of {args.repeat}")
    print(f"{'runner':<44} {'tokens/s':>10} {'vs PyTorch':>10} {'synops/tok':>11} "
          f"{'uJ/token':>9}")
    print(f"{'PyTorch recurrent step, %d thread(s)' % args.torch_threads:<44} "
          f"{t:>10.0f} {1.0:>10.2f} {'-':>11} {'-':>9}")
    for name, runs in ssmc_rates.items():
        rate = statistics.median(x["items_per_second"] for x in runs)
        if name.startswith("BM_S4DModesOnly"):
            label = f"ssmc S4D layers alone ({int(runs[0]['modes'])} modes), 1 thread"
        else:
            label = name.replace("BM_EventStream/", "ssmc event runtime ").replace(
                "/real_time", "").replace("threads:", "threads=").replace(
                "/activity:", ", activity=") + "%"
        synops = [x["synops_per_token"] for x in runs if "synops_per_token" in x]
        energy = [x["energy_uJ_per_token"] for x in runs if "energy_uJ_per_token" in x]
        synops = f"{statistics.median(synops):.0f}" if synops else "-"
        energy = f"{statistics.median(energy):.3f}" if energy else "-"
        print(f"{label:<44} {rate:>10.0f} {rate / t:>10.2f} {synops:>11} {energy:>9}")
    print(f"PyTorch tokens/s over the repeats: "
          f"{', '.join(f'{x:.0f}' for x in torch_rates)}")


if __name__ == "__main__":
    main()

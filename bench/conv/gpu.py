#!/usr/bin/env python3
"""bench/conv/gpu.py: ssmc's CUDA conv executor vs PyTorch on the same GPU.

The sMNIST-sized S4D classifier (H=64, N=64, 4 layers, 10 classes), batch
64, at L = 784, 4096 and 16384 tokens, float32 on both sides:

  - ssmc: build/bench/bench-conv-gpu (Google Benchmark): CudaConvExecutor,
    one batch per iteration through the whole model with the outputs copied
    back to the host; kernel generation and FFT planning are done once per
    model and length and reported apart (setup s), as ssmc-run reports them;
  - PyTorch: tools/train/ssmc_torch.py's S4DClassifier (the FFT convolution
    of state-spaces/s4's s4d.py) on the GPU, inference mode, TF32 off, the
    outputs copied back to the host; each call generates the kernel as
    s4d.py does.

Parameters are random on both sides (throughput does not depend on their
values); that the CUDA executor computes the model is checked by
SSMCudaTests against the float64 reference (max relative error <= 1e-4).
Prints samples/s of each (median of --repeat) and their ratio.

Usage: bench/conv/gpu.py [--bench PATH] [--repeat R] [--lengths 784,4096,16384]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from ssmc_torch import S4DClassifier  # noqa: E402

BATCH = 64


def torch_samples_per_second(model, length, calls):
    x = torch.rand(BATCH, length, 1, device="cuda")
    with torch.inference_mode():
        for _ in range(3):
            model(x).cpu()
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(calls):
            model(x).cpu()
        torch.cuda.synchronize()
    return BATCH * calls / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default=os.path.join(ROOT, "build", "bench",
                                                        "bench-conv-gpu"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lengths", default="784,4096,16384")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit("bench/conv/gpu.py: PyTorch sees no GPU")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    lengths = [int(x) for x in args.lengths.split(",")]
    out = subprocess.run([args.bench, "--benchmark_format=json",
                          f"--benchmark_repetitions={args.repeat}",
                          "--benchmark_min_time=0.5"],
                         check=True, capture_output=True, text=True).stdout
    ssmc = {}
    device = ""
    for b in json.loads(out)["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        if "error_message" in b:
            sys.exit(f"bench/conv/gpu.py: {b['name']}: {b['error_message']}")
        length = int(b["name"].split("/")[1])
        ssmc.setdefault(length, []).append((b["items_per_second"], b["setup_s"]))
        device = b.get("label", device)
    model = S4DClassifier(1, 64, 64, 4, 10).cuda().eval()
    print(f"bench/conv/gpu: S4D H=64 N=64 4 layers, batch {BATCH}, float32, "
          f"{device or torch.cuda.get_device_name()}; median of {args.repeat}; "
          f"torch {torch.__version__}")
    print(f"{'L':>6} {'ssmc samples/s':>15} {'torch samples/s':>16} {'ratio':>7} "
          f"{'ssmc setup s':>13}")
    for length in lengths:
        calls = max(5, 40 * 784 // length)
        t = statistics.median(torch_samples_per_second(model, length, calls)
                              for _ in range(args.repeat))
        s = statistics.median(r[0] for r in ssmc[length])
        setup = statistics.median(r[1] for r in ssmc[length])
        print(f"{length:>6} {s:>15.0f} {t:>16.0f} {s / t:>6.2f}x {setup:>13.3f}")


if __name__ == "__main__":
    main()

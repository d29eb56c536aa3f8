#!/usr/bin/env python3
"""bench/mpi: ssmc-run over MPI ranks against one process, in one script.

Three measurements, each as the ratio of one process's wall time to the
launch's (ssmc-run's own "wall_seconds": the run, not the process start,
MPI_Init or compilation; median of --repeat alternating runs):

  1. One-stream strong scaling (--distribute=cores): the largest shipped
     model, the EGRU language model (models/egru-lm.ssm, 5.7 M parameters,
     10 neurocores), on --lm-streams Brown test streams of 3,223 words,
     each stream split across 1, 2 and (oversubscribed on a 2-core
     machine) 4 ranks of one thread, against one process of one thread
     (the same order: one stream at a time). Also the sMNIST S4D, a
     network of little work per step. With each: the bytes all ranks
     exchange per step. The one-process run of two threads is shown too;
     it runs two streams at a time (samples in parallel), not one faster.
  2. Sample parallelism (--distribute=samples): the sMNIST S4D on loihi2
     over --images test images, 2 ranks of one thread against one process
     of one thread, and against one process of two threads (OpenMP over
     samples: the in-process peer).

Every launch's outputs are compared with the one-process run's (cmp), so a
speedup of a wrong answer cannot be reported.

Usage: bench/mpi/run.py [--build DIR] [--repeat R] [--lm-streams S]
       [--images N] [--out DIR]
Needs MPI (scripts/setup installs Open MPI) and the data (scripts/fetch-data).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_btl_vader_single_copy_mechanism="none",
           SSMC_DATA=os.environ.get("SSMC_DATA", os.path.join(ROOT, "data")))


def run(command, outputs):
    done = subprocess.run(command + [f"--outputs={outputs}.npy",
                                     f"--report={outputs}.json", "--quiet"],
                          env=ENV, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"failed: {' '.join(command)}\n{done.stdout}{done.stderr}")
    return json.load(open(f"{outputs}.json"))


def same(a, b):
    return open(a, "rb").read() == open(b, "rb").read()


def compare(name, ssmc_run, args, launches, repeat, out):
    """Times one process (1 and 2 threads) and each MPI launch, alternating."""
    one_cmd = [ssmc_run, *args, "--threads=1"]
    two_cmd = [ssmc_run, *args, "--threads=2"]
    times = {"one": [], "threads2": []}
    bytes_per_step = {}
    for label, _ in launches:
        times[label] = []
    for _ in range(repeat):
        times["one"].append(run(one_cmd, f"{out}/{name}-one")["wall_seconds"])
        times["threads2"].append(
            run(two_cmd, f"{out}/{name}-two")["wall_seconds"])
        for label, command in launches:
            report = run(command, f"{out}/{name}-{label}")
            if not same(f"{out}/{name}-one.npy", f"{out}/{name}-{label}.npy"):
                sys.exit(f"{name} {label}: outputs differ from one process's")
            times[label].append(report["wall_seconds"])
            bytes_per_step[label] = report.get("exchange_bytes_per_step")
    one = statistics.median(times["one"])
    print(f"\n{name}: one process, 1 thread: {one:.3f} s (median of {repeat})")
    t2 = statistics.median(times["threads2"])
    print(f"  {'one process, 2 threads (2 samples at a time)':<36} {t2:8.3f} s  "
          f"speedup {one / t2:5.2f}x")
    for label, _ in launches:
        t = statistics.median(times[label])
        extra = (f"  {bytes_per_step[label] / 1024:.1f} KiB exchanged per step"
                 if bytes_per_step.get(label) else "")
        print(f"  {label:<36} {t:8.3f} s  speedup {one / t:5.2f}x "
              f"(vs 2 threads {t2 / t:4.2f}x){extra}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--lm-streams", type=int, default=4)
    p.add_argument("--images", type=int, default=400)
    p.add_argument("--out", default="/tmp/ssmc-bench-mpi")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    ssmc = os.path.join(a.build, "bin", "ssmc")
    ssmc_run = os.path.join(a.build, "bin", "ssmc-run")
    print(f"machine: {os.cpu_count()} cores; "
          + subprocess.run(["mpirun", "--version"], capture_output=True,
                           text=True).stdout.splitlines()[0])
    # Compiled once (as scripts/main calibrates the LM: 2 training streams).
    smnist = f"{a.out}/smnist.h5"
    lm = f"{a.out}/egru-lm.h5"
    if not os.path.exists(smnist):
        subprocess.run([ssmc, f"{ROOT}/models/smnist.ssm", "--target=loihi2",
                        "-o", smnist], env=ENV, check=True)
    if not os.path.exists(lm):
        subprocess.run([ssmc, f"{ROOT}/models/egru-lm.ssm", "--target=loihi2",
                        "--calibration-samples=2", "-o", lm], env=ENV,
                       check=True)

    def mpi(ranks, args, mode):
        return ["mpirun", "--oversubscribe", "-np", str(ranks), ssmc_run,
                *args, "--threads=1", f"--distribute={mode}"]

    lm_args = [lm, "--target=loihi2", "--data=brown:test",
               f"--limit={a.lm_streams}"]
    compare("EGRU LM, one stream split (--distribute=cores)", ssmc_run,
            lm_args,
            [(f"{r} rank{'s' if r > 1 else ''} x 1 thread{' (oversubscribed)' if r > 2 else ''}",
              mpi(r, lm_args, "cores")) for r in (1, 2, 4)],
            a.repeat, a.out)
    sm_args = [smnist, "--target=loihi2", "--data=mnist:test", "--limit=50"]
    compare("sMNIST S4D, one stream split (--distribute=cores)", ssmc_run,
            sm_args,
            [(f"{r} ranks x 1 thread", mpi(r, sm_args, "cores")) for r in (2,)],
            a.repeat, a.out)
    sp_args = [smnist, "--target=loihi2", "--data=mnist:test",
               f"--limit={a.images}"]
    compare(f"sMNIST S4D, {a.images} images (--distribute=samples)", ssmc_run,
            sp_args,
            [("2 ranks x 1 thread", mpi(2, sp_args, "samples"))],
            a.repeat, a.out)


if __name__ == "__main__":
    main()

"""Runs ssmc-run once in one process and then under mpirun with 1, 2 and 4
ranks sharing the samples and each stream's cores, and compares rank 0's
outputs, token outputs, trace and report with the one-process run byte for
byte (the report without what may differ: wall times, thread and rank
counts, the exchange's size). Prints one line per launch; exits 1 at the
first difference.

usage: mpi_check.py DIR MPIRUN SSMC_RUN -- ARGS...   (ARGS: model, target,
data; the script adds --report, --outputs, --token-outputs and --trace)
"""
import json
import shlex
import subprocess
import sys
from pathlib import Path

# Keys whose values depend on the run's timing or on how it was shared.
VARYING = {"wall_seconds", "compile_seconds", "run_seconds", "setup_seconds",
           "tokens_per_second", "host_softmax_seconds", "threads", "ranks",
           "distribute", "exchange_bytes_per_step", "cores_per_rank",
           "split_by", "split_rule"}


def run(command, out):
    files = [f"--report={out}.json", f"--outputs={out}.npy",
             f"--token-outputs={out}-tokens.npy", f"--trace={out}.csv",
             "--trace-samples=2", "--quiet"]
    done = subprocess.run(command + files, capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        sys.exit(f"{shlex.join(command)} failed ({done.returncode}):\n"
                 f"{done.stdout}{done.stderr}")
    report = json.load(open(f"{out}.json"))
    return report


def main():
    split = sys.argv.index("--")
    out, mpirun, ssmc_run = sys.argv[1:split]
    args = sys.argv[split + 1:]
    Path(out).mkdir(parents=True, exist_ok=True)
    base = f"{out}/one"
    one = run([ssmc_run, *args, "--threads=2"], base)
    for ranks in (1, 2, 4):
        for mode in ("samples", "cores"):
            name = f"{out}/{ranks}-{mode}"
            got = run([*shlex.split(mpirun), "-np", str(ranks), ssmc_run, *args,
                       "--threads=1", f"--distribute={mode}"], name)
            for suffix in (".npy", "-tokens.npy", ".csv"):
                a = Path(base + suffix).read_bytes()
                b = Path(name + suffix).read_bytes()
                if a != b:
                    sys.exit(f"{ranks} ranks, {mode}: {name}{suffix} differs "
                             f"from the one-process run's")
            keep = lambda r: {k: v for k, v in r.items() if k not in VARYING}
            if keep(one) != keep(got):
                diff = {k: (one.get(k), got.get(k)) for k in
                        set(one) | set(got) if k not in VARYING and
                        one.get(k) != got.get(k)}
                sys.exit(f"{ranks} ranks, {mode}: the report differs: {diff}")
            if ranks > 1 and got.get("ranks") != ranks:
                sys.exit(f"{ranks} ranks, {mode}: the report says "
                         f"{got.get('ranks')} ranks")
            exchange = (f", {got['exchange_bytes_per_step']:.0f} bytes "
                        f"exchanged per step, cores per rank "
                        f"{got['cores_per_rank']} split by {got['split_by']}"
                        if "exchange_bytes_per_step" in got else "")
            print(f"{ranks} rank{'s' if ranks > 1 else ''} sharing {mode}: "
                  f"outputs, token outputs, trace and report identical"
                  f"{exchange}")
    print(f"one process: {one['samples']} samples, synops {one['synops']}, "
          f"energy/token {one['energy_per_token_uJ']:.6f} uJ")


if __name__ == "__main__":
    main()

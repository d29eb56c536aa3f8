#!/usr/bin/env python3
"""How closely two targets agree on a language model's per-token logits.

Runs MODEL on every stream of a corpus split (brown:test: the 50 streams
ssmc-run scores) with `ssmc-run --token-outputs` on two targets, one stream
at a time (a whole split's logits are gigabytes), and prints, over every
token, the distribution of max_v |a - b| / max_v |a| and the fraction of
tokens within --tolerance. EGRU events are thresholds: a state within a
float32 rounding of theta may fire in one executor and not the other, and
the tokens after such a flip differ by more; the report counts them.

Example: /usr/bin/python3 bench/lm/agree.py models/egru-lm.ssm \\
             --targets reference conv --split test
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
import ssmc_torch  # noqa: E402,F401  (puts the ssmc package on the path)
import ssmc  # noqa: E402

STREAMS = 50  # kCorpusStreams (runtime/include/ssm/Runtime/Dataset.h)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--targets", nargs=2, default=["reference", "conv"])
    p.add_argument("--split", default="test")
    p.add_argument("--streams", type=int, default=STREAMS)
    p.add_argument("--tolerance", type=float, default=1e-4)
    p.add_argument("--ssmc-run", default=os.path.join(ROOT, "build", "bin", "ssmc-run"))
    args = p.parse_args()

    # The split's 50 contiguous streams, as ssmc-run scores them.
    streams = ssmc.load_data(f"brown:{args.split}").inputs[..., 0]
    ids = streams.reshape(-1)
    length = streams.shape[1]
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        for s in range(args.streams):
            stream = os.path.join(tmp, "stream.npy")
            np.save(stream, ids[s * length:(s + 1) * length][None, :])
            outs = []
            for target in args.targets:
                out = os.path.join(tmp, f"{target}.npy")
                subprocess.run([args.ssmc_run, args.model, f"--target={target}",
                                f"--data=file:{stream}", "--quiet",
                                f"--token-outputs={out}"],
                               check=True, stdout=subprocess.DEVNULL)
                outs.append(np.load(out)[0].astype(np.float64))
            a, b = outs
            err = np.abs(a - b).max(1) / np.abs(a).max(1)
            errors.append(err)
            print(f"stream {s}: max {err.max():.3g}, within {args.tolerance:g}: "
                  f"{(err <= args.tolerance).mean():.4f}", flush=True)
    err = np.concatenate(errors)
    q = np.quantile(err, [0.5, 0.99, 0.999])
    print(f"{args.targets[0]} vs {args.targets[1]} on {len(err)} tokens of "
          f"brown:{args.split}: max |diff| / max |{args.targets[0]}| per token: "
          f"median {q[0]:.3g}, 99% {q[1]:.3g}, 99.9% {q[2]:.3g}, max {err.max():.3g}; "
          f"within {args.tolerance:g}: {(err <= args.tolerance).mean():.4%} of tokens")


if __name__ == "__main__":
    main()

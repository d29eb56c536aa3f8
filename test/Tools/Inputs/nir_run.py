"""nir.test's driver for one graph: runs DIR/NAME.nir on reference, conv
and loihi2 (token outputs), checks them with nir_check.py, then exports the
imported model (ssmc --emit=nir), runs the export on reference and
compares. Usage: nir_run.py DIR NAME X.npy DT"""
import subprocess
import sys

import numpy as np

d, name, x, dt = sys.argv[1:5]
graph, data = f"{d}/{name}.nir", f"{d}/{x}"


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


for target in ("reference", "conv", "loihi2"):
    extra = ([f"--calibration=file:{data}", "--sigma-delta=0"]
             if target == "loihi2" else [])
    run("ssmc-run", graph, f"--nir-dt={dt}", f"--target={target}",
        f"--data=file:{data}", f"--token-outputs={d}/{name}-{target}.npy",
        *extra)
check = subprocess.run(
    [sys.executable, f"{sys.path[0]}/nir_check.py", graph, data, dt]
    + [f"{d}/{name}-{t}.npy" for t in ("reference", "conv", "loihi2")]
    + ["0.15"], stdout=subprocess.PIPE, text=True)
print(check.stdout, end="")
if check.returncode:
    sys.exit(check.returncode)
# Round trip: the export carries dt in its metadata.
run("ssmc", graph, f"--nir-dt={dt}", "--emit=nir", "-o", f"{d}/{name}-rt.nir")
run("ssmc-run", f"{d}/{name}-rt.nir", "--target=reference",
    f"--data=file:{data}", f"--token-outputs={d}/{name}-rt.npy")
y = np.load(f"{d}/{name}-reference.npy")
y2 = np.load(f"{d}/{name}-rt.npy")
error = np.abs(y - y2).max() / np.abs(y).max()
print(f"round trip: max |y - y'| / max |y| = {error:g} (bound 1e-06)")
if error > 1e-6:
    sys.exit(1)

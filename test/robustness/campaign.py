"""The robustness campaign: mutated inputs of every kind ssmc reads, run
through the tools, judged on what a user must never see.

Usage:
  campaign.py --bin BUILD/bin --src SRC_ROOT --out DIR [--cases N]
              [--seed S] [--jobs J] [--timeout SECONDS] [--kinds k1,k2]

Cases are made at run time from the project's own files (models/*.ssm, the
test models, a compiled nc network, weights written by
test/Frontend/Inputs/make_weights.py, hardware/loihi2.json, npy and IDX data
made from MNIST when scripts/fetch-data has run), split evenly over the
kinds:

  dsl       model source          ssmc MODEL --emit=ssm
  weights   HDF5 weight files     ssmc MODEL (weights "w.h5")
  nc        compiled networks     ssmc-run NET.mlir --target=loihi2
  idx       MNIST IDX files       ssmc-run --data=mnist:test ($SSMC_DATA)
  npy       npy inputs and labels ssmc-run --data=file:X.npy,Y.npy
  hardware  hardware files        ssmc --target=loihi2 --hw=FILE
  flags     command-line options  ssmc-run / ssmc with mutated flags
  resources model sizes           ssmc / ssmc-run on models sized to the
                                  limits and past them

Every case is either *invalid by construction* (a mutation that no valid
input survives: a label of -1, a weight of 128 in si8, a shape that does not
match the data, an out-of-range flag) or *random* (byte flips, deleted and
duplicated tokens, extreme numbers: may or may not stay valid). Findings:

  crash    killed by a signal, a sanitizer report, LLVM's stack dump
  hang     still running after --timeout seconds (default 20)
  accepted exit 0 on an input invalid by construction
  unclear  a non-zero exit without an error message (one that says
           "error", or LLVM's option parser naming the option)

The case list depends only on --seed and --cases. Each finding's input and
command are kept under DIR/findings/; the exit status is 1 when there is
any. A summary per kind is printed.
"""
import argparse
import collections
import concurrent.futures
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import time
import sys

import h5py
import numpy as np

EXTREMES = ["0", "-1", "1", "255", "256", "-129", "2147483648", "-2147483649",
            "4294967296", "9223372036854775807", "-9223372036854775808",
            "18446744073709551616", "1e308", "1e400", "-1e400", "nan", "inf",
            "0.5", "-0.0", "65536", "16777216", "3"]

CRASH_PATTERNS = [b"AddressSanitizer", b"LeakSanitizer",
                  b"UndefinedBehaviorSanitizer", b"runtime error:",
                  b"Stack dump", b"PLEASE submit a bug report",
                  b"Assertion", b"terminate called", b"Segmentation fault"]


class Case:
    """One command on one prepared input."""

    def __init__(self, kind, name, invalid, argv, files, env=None):
        self.kind, self.name, self.invalid = kind, name, invalid
        self.argv, self.files, self.env = argv, files, env or {}


# ---------------------------------------------------------------------------
# Mutations of text and bytes
# ---------------------------------------------------------------------------

def mutate_bytes(rng, data):
    """A random byte-level mutation: flips, deletions, duplications, cuts."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        if not data:
            break
        op = rng.randrange(5)
        i = rng.randrange(len(data))
        if op == 0:
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[i] = rng.randrange(256)
        elif op == 2:
            del data[i:i + rng.randint(1, 16)]
        elif op == 3:
            j = rng.randrange(len(data))
            data[j:j] = data[i:i + rng.randint(1, 32)]
        else:
            del data[i:]
    return bytes(data)


TOKEN = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_.]*|\S")


def mutate_tokens(rng, text):
    """A random token-level mutation: numbers set to extremes, tokens
    deleted, duplicated or swapped."""
    tokens = list(TOKEN.finditer(text))
    if not tokens:
        return text
    for _ in range(rng.randint(1, 3)):
        t = rng.choice(tokens)
        op = rng.randrange(4)
        if op == 0 or t.group()[0].isdigit() or t.group()[0] == "-":
            repl = rng.choice(EXTREMES)
        elif op == 1:
            repl = ""
        elif op == 2:
            repl = t.group() + " " + t.group()
        else:
            repl = rng.choice(tokens).group()
        text = text[:t.start()] + repl + text[t.end():]
        tokens = list(TOKEN.finditer(text))
        if not tokens:
            break
    return text


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def npy_header(descr, shape, fortran=False):
    header = (f"{{'descr': '{descr}', 'fortran_order': {fortran}, "
              f"'shape': {shape}, }}")
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()


def idx_bytes(array, magic=None):
    header = struct.pack(">I", magic if magic is not None else 0x0800 | array.ndim)
    header += b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


# ---------------------------------------------------------------------------
# The project's files the cases start from
# ---------------------------------------------------------------------------

class Sources:
    """The base inputs, prepared once under OUT/base."""

    def __init__(self, args):
        self.bin, self.src = args.bin, args.src
        self.base = os.path.join(args.out, "base")
        os.makedirs(self.base, exist_ok=True)
        self.tiny = os.path.join(self.src, "test/Tools/Inputs/tiny.ssm")
        self.tiny10 = os.path.join(self.src, "test/Tools/Inputs/tiny10.ssm")
        self.models = sorted(
            os.path.join(d, f) for d in [os.path.join(self.src, "models"),
                                         os.path.join(self.src, "test/Tools/Inputs"),
                                         os.path.join(self.src, "test/fuzz/corpus")]
            for f in os.listdir(d) if f.endswith(".ssm"))
        rng = np.random.default_rng(0)
        # Calibration and run data for the 1-channel tiny models.
        self.x = self.path("x.npy")
        np.save(self.x, rng.standard_normal((4, 12, 1)).astype(np.float32))
        self.y = self.path("y.npy")
        np.save(self.y, np.array([0, 2, 1, 0], dtype=np.int64))
        # Compiled networks: tiny (S4D) and a small EGRU.
        self.egru_model = self.path("eg.ssm")
        with open(self.egru_model, "w") as f:
            f.write("model eg {\n  seed 3\n  input u : 1\n  enc = dense(u, 8)\n"
                    "  g = egru(enc, hidden=8, theta=0.05)\n"
                    "  m = readout(g, mean)\n  out = dense(m, 3)\n  output out\n}\n")
        self.networks = []
        for model in [self.tiny, self.egru_model]:
            out = self.path(os.path.basename(model) + ".nc.mlir")
            subprocess.run([self.tool("ssmc"), model, "--target=loihi2",
                            f"--calibration=file:{self.x}", "-o", out],
                           check=True)
            self.networks.append(open(out).read())
        # Weights of test/Frontend/Inputs/weights-model.ssm.
        self.weights_model = open(os.path.join(
            self.src, "test/Frontend/Inputs/weights-model.ssm")).read()
        self.weights = self.path("w.h5")
        subprocess.run([sys.executable, os.path.join(
            self.src, "test/Frontend/Inputs/make_weights.py"),
            self.weights, "ok"], check=True)
        with h5py.File(self.weights, "r") as f:
            self.datasets = {}
            f.visititems(lambda name, obj: self.datasets.__setitem__(
                name, np.array(obj)) if isinstance(obj, h5py.Dataset) else None)
        self.weights_bytes = open(self.weights, "rb").read()
        # IDX: the first MNIST test images when fetched, else synthetic.
        mnist = os.path.join(os.environ.get("SSMC_DATA") or
                             os.path.join(self.src, "data"), "mnist")
        images = os.path.join(mnist, "t10k-images-idx3-ubyte")
        if os.path.exists(images):
            raw = open(images, "rb").read(16 + 3 * 784)
            self.images = np.frombuffer(raw[16:], np.uint8).reshape(3, 28, 28)
            self.labels = np.frombuffer(open(os.path.join(
                mnist, "t10k-labels-idx1-ubyte"), "rb").read(8 + 3)[8:], np.uint8)
        else:
            self.images = rng.integers(0, 256, (3, 28, 28)).astype(np.uint8)
            self.labels = np.array([7, 2, 1], np.uint8)
        self.hardware = json.load(open(os.path.join(self.src, "hardware/loihi2.json")))

    def path(self, name):
        return os.path.join(self.base, name)

    def tool(self, name):
        return os.path.join(self.bin, name)


# ---------------------------------------------------------------------------
# Case generators, one per kind: gen(rng, sources, index) -> Case
# ---------------------------------------------------------------------------

def gen_dsl(rng, s, i):
    base = rng.choice(s.models)
    text = open(base).read()
    invalid_ops = [
        lambda t: re.sub(r"\bdense\(", "densse(", t, count=1),
        lambda t: re.sub(r"\boutput (\w+)", r"output \1_undefined", t, count=1),
        lambda t: t[:t.rfind("\n}")] if "\n}" in t else t,
        lambda t: re.sub(r"(dense\(\w+, )\d+", r"\g<1>0", t, count=1),
        lambda t: re.sub(r"(dense\(\w+, )\d+", r"\g<1>-3", t, count=1),
        lambda t: re.sub(r"(state=)\d+", r"\g<1>0", t, count=1),
        lambda t: re.sub(r"(input \w+ : )\d+", r"\g<1>0", t, count=1),
        lambda t: t.replace("model ", "modle ", 1),
    ]
    if rng.random() < 0.5:
        # Without whole-line comments, so that the patterns below change code
        # (lit's CHECK lines in the test models quote layers too).
        text = re.sub(r"(?m)^\s*(#|//).*\n", "", text)
        op = rng.choice(invalid_ops)
        mutated = op(text)
        # Each of these mutations leaves no valid model when it applies.
        invalid = mutated != text
    else:
        mutated, invalid = mutate_tokens(rng, text), False
    name = f"dsl-{i}.ssm"
    return Case("dsl", name, invalid,
                [s.tool("ssmc"), "{dir}/" + name, "--emit=ssm", "-o", "/dev/null"],
                {name: mutated.encode()})


def gen_weights(rng, s, i):
    name = f"weights-{i}"
    files = {name + ".ssm": s.weights_model.replace('"w.h5"', f'"{name}.h5"').encode()}
    argv = [s.tool("ssmc"), "{dir}/" + name + ".ssm", "--emit=ssm", "-o", "/dev/null"]
    if rng.random() < 0.5:
        # Rewrite one dataset so that the file is certainly wrong.
        datasets = dict(s.datasets)
        key = rng.choice(sorted(datasets))
        value = datasets[key]
        op = rng.randrange(5)
        if op == 0:
            datasets[key] = np.zeros(value.shape + (2,))          # shape
        elif op == 1:
            bad = value.astype(np.float64).copy()
            bad.flat[rng.randrange(bad.size)] = rng.choice([np.nan, np.inf, -np.inf])
            datasets[key] = bad                                    # NaN, Inf
        elif op == 2:
            del datasets[key]                                      # missing
        elif op == 3:
            datasets[key] = value.astype(np.int32)                 # dtype
        else:
            datasets[key] = np.zeros(value.size + 1)               # length
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as f:
            for k, v in datasets.items():
                f[k] = v
        files[name + ".h5"] = buffer.getvalue()
        return Case("weights", name, True, argv, files)
    files[name + ".h5"] = mutate_bytes(rng, s.weights_bytes)
    return Case("weights", name, False, argv, files)


def gen_nc(rng, s, i):
    text = rng.choice(s.networks)
    name = f"nc-{i}.mlir"
    argv = [s.tool("ssmc-run"), "{dir}/" + name, "--target=loihi2",
            f"--data=file:{s.x}", "--limit=2"]
    invalid_ops = [
        lambda t: re.sub(r"weights = dense<\[\[-?\d+", "weights = dense<[[128", t, count=1),
        lambda t: re.sub(r"bias = dense<\[-?\d+", "bias = dense<[2147483648", t, count=1),
        lambda t: re.sub(r"nc.input 0", "nc.input 7", t, count=1),
        lambda t: re.sub(r"size = (\d+) : i64", r"size = \1 : i64, sise = 1 : i64", t, count=1),
        lambda t: re.sub(r"exponent = -?\d+", "exponent = 99", t, count=1),
        lambda t: re.sub(r"neurons_per_core = \d+", "neurons_per_core = 0", t, count=1),
        lambda t: re.sub(r"synop = [0-9.e+]+", "synop = -1.0", t, count=1),
        lambda t: re.sub(r'"0x0[1248]000000', '"0x00000000', t, count=1),
        lambda t: re.sub(r"at \[0, (\d+), 0\]", r"at [0, 999, 0]", t, count=1),
        lambda t: re.sub(r"xsi8>", "xi8>", t, count=1),
        lambda t: t[:rng.randrange(len(t.rstrip()) - 1)],
    ]
    if rng.random() < 0.5:
        mutated = rng.choice(invalid_ops)(text)
        invalid = mutated != text
    else:
        mutated, invalid = mutate_tokens(rng, text), False
    return Case("nc", name, invalid, argv, {name: mutated.encode()})


def gen_idx(rng, s, i):
    name = f"idx-{i}"
    images, labels = s.images.copy(), s.labels.copy()
    img, lab = idx_bytes(images), idx_bytes(labels)
    invalid = True
    op = rng.randrange(9)
    if op == 0:
        img = idx_bytes(images, magic=0x0801)                      # magic
    elif op == 1:
        img = img[:rng.randrange(len(img))]                        # truncated
    elif op == 2:
        img = idx_bytes(images[:0])                                # no samples
        lab = idx_bytes(labels[:0])
    elif op == 3:
        labels[rng.randrange(len(labels))] = rng.choice([10, 255])
        lab = idx_bytes(labels)                                    # not a digit
    elif op == 4:
        lab = idx_bytes(labels[:2])                                # count
    elif op == 5:
        img = img[:4] + struct.pack(">I", 1 << rng.randrange(20, 32)) + img[8:]
    elif op == 6:
        img = img + b"\0" * rng.randint(1, 100)                    # extra data
    else:
        img, lab, invalid = mutate_bytes(rng, img), mutate_bytes(rng, lab), False
    files = {f"{name}/mnist/t10k-images-idx3-ubyte": img,
             f"{name}/mnist/t10k-labels-idx1-ubyte": lab}
    argv = [s.tool("ssmc-run"), s.tiny10, "--target=reference", "--data=mnist:test"]
    return Case("idx", name, invalid, argv, files, env={"SSMC_DATA": "{dir}/" + name})


def gen_npy(rng, s, i):
    name = f"npy-{i}"
    x = np.random.default_rng(i).standard_normal((3, 10, 1)).astype(np.float32)
    y = np.array([0, 1, 2], np.int64)
    xb, yb = npy_bytes(x), npy_bytes(y)
    invalid = True
    op = rng.randrange(12)
    if op == 0:
        xb = xb[:rng.randrange(len(xb))]                            # truncated
    elif op == 1:
        xb = npy_header("<f4", "(4611686018427387904, 4, 1)")       # huge shape
    elif op == 2:
        xb = npy_header(rng.choice(["<c8", "|b1", "|O", ">f4", "<f2"]), "(3, 10, 1)") + x.tobytes()
    elif op == 3:
        xb = npy_header("<f4", "(3, 10, 1)", fortran=True) + x.tobytes()
    elif op == 4:
        y[rng.randrange(3)] = rng.choice([-1, 3, 1000, 2**40])     # not a class
        yb = npy_bytes(y)
    elif op == 5:
        bad = x.copy()
        bad.flat[rng.randrange(bad.size)] = rng.choice([np.nan, np.inf])
        xb = npy_bytes(bad)                                         # non-finite
    elif op == 6:
        xb = npy_bytes(np.zeros((3, 10, 3), np.float32))            # channels
    elif op == 7:
        yb = npy_bytes(y[:2])                                       # label count
    elif op == 8:
        yb = npy_bytes(y.astype(np.float32))                        # float labels
    elif op == 9:
        xb = npy_bytes(np.zeros((0, 10, 1), np.float32))            # empty
    else:
        xb, yb, invalid = mutate_bytes(rng, xb), mutate_bytes(rng, yb), False
    files = {name + ".x.npy": xb, name + ".y.npy": yb}
    argv = [s.tool("ssmc-run"), s.tiny, "--target=reference",
            f"--data=file:{{dir}}/{name}.x.npy,{{dir}}/{name}.y.npy"]
    return Case("npy", name, invalid, argv, files)


HW_INT_KEYS = ["chips", "neurons_per_core", "synapse_bytes_per_core",
               "state_bits", "message_bits", "weight_bits", "max_delay"]


def gen_hardware(rng, s, i):
    name = f"hw-{i}.json"
    hw = json.loads(json.dumps(s.hardware))
    invalid = True
    op = rng.randrange(9)
    if op == 8:
        # Every key in range, but more cores than supported.
        hw["chips"], hw["mesh"] = rng.choice([65536, 4096]), [4096, 4096]
        text = json.dumps(hw)
    elif op == 0:
        # Outside every key's range (Hardware.cpp's kIntegerKeys) or not an
        # integer.
        hw[rng.choice(HW_INT_KEYS)] = rng.choice(
            [-1, 2**63 - 1, 2**40, "8", 1.5, None])
        text = json.dumps(hw)
    elif op == 1:
        del hw[rng.choice(HW_INT_KEYS + ["mesh", "energy_pj", "time_ns"])]
        text = json.dumps(hw)
    elif op == 2:
        hw["nuerons_per_core"] = 8                                  # unknown key
        text = json.dumps(hw)
    elif op == 3:
        table = rng.choice(["energy_pj", "time_ns"])
        key = rng.choice(sorted(hw[table]))
        text = json.dumps(hw).replace(
            f'"{key}": {json.dumps(hw[table][key])}',
            f'"{key}": {rng.choice(["-1", "1e400", "NaN", "Infinity", "1e13"])}', 1)
    elif op == 4:
        hw["mesh"] = rng.choice([[0, 4], [-1, 2], [2**40, 2], [4], "8x8"])
        text = json.dumps(hw)
    elif op == 5:
        hw["weight_exponent"] = rng.choice([[-2**40, 2**40], [3, -3], [0], []])
        text = json.dumps(hw)
    elif op == 6:
        depth = rng.choice([40, 1000, 50000])
        text = json.dumps(hw)[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    else:
        text, invalid = mutate_tokens(rng, json.dumps(hw, indent=2)), False
    argv = [s.tool("ssmc"), s.tiny, "--target=loihi2", "--hw={dir}/" + name,
            f"--calibration=file:{s.x}", "--calibration-samples=2", "-o", "/dev/null"]
    return Case("hardware", name, invalid, argv, {name: text.encode()})


def gen_flags(rng, s, i):
    name = f"flags-{i}"
    run = [s.tool("ssmc-run"), s.tiny]
    data = f"--data=file:{s.x},{s.y}"
    invalid_cases = [
        run + ["--target=conv", data, "--threads=" + rng.choice(["0", "-1", "100000", "x"])],
        run + ["--target=conv", data, "--limit=" + rng.choice(["0", "-5", "1e3"])],
        run + ["--target=conv", data, "--batch=" + rng.choice(["0", "-1", "2000000"])],
        run + ["--target=conv", data, "--distribute=" + rng.choice(["rows", "", "2", "Cores"])],
        run + ["--target=loihi2", data, f"--calibration=file:{s.x}", "--trace={dir}/" + name + ".csv",
               "--trace-samples=" + rng.choice(["0", "-1"])],
        run + ["--target=loihi2", data, f"--calibration=file:{s.x}",
               "--sigma-delta=" + rng.choice(["-0.1", "2", "nan", "inf", "1e308"])],
        run + ["--target=loihi2", data, f"--calibration=file:{s.x}",
               "--calibration-samples=" + rng.choice(["0", "-1", "10000000"])],
        run + ["--target=" + rng.choice(["gpu", "loihi3", ""]), data],
        run + ["--target=reference", data, rng.choice(["--batch=2", "--device=cuda", "--sigma-delta=0.1",
                                                       "--trace={dir}/t.csv", "--hw=" + s.x])],
        run + ["--target=conv", data, "--outputs=/dev/full"],
        run + ["--target=conv", data, "--report={dir}/no/such/dir/r.json"],
        run + ["--target=conv", "--data=" + rng.choice(["mnist:valid", "file:", "random:3", "file:/dev/zero"])],
        [s.tool("ssmc"), s.tiny, "--emit=" + rng.choice(["llvm", "", "NC"])],
        [s.tool("ssmc"), s.tiny, "--target=conv", "--calibration=file:" + s.x],
        [s.tool("ssmc"), "/dev/zero"],
        [s.tool("ssmc"), s.tiny, "--bogus-flag"],
    ]
    if rng.random() < 0.6:
        return Case("flags", name, True, rng.choice(invalid_cases), {})
    # Random values for the numeric flags: each may be valid or not.
    flag = rng.choice(["--threads", "--limit", "--batch", "--calibration-samples",
                       "--sigma-delta", "--trace-samples"])
    value = rng.choice(EXTREMES)
    target = "conv" if flag in ("--threads", "--limit", "--batch") else "loihi2"
    argv = run + [f"--target={target}", data, f"{flag}={value}"]
    if target == "loihi2":
        argv += [f"--calibration=file:{s.x}"]
        if flag == "--trace-samples":
            argv += ["--trace={dir}/" + name + ".csv"]
    return Case("flags", name, False, argv, {})


def gen_resources(rng, s, i):
    name = f"res-{i}.ssm"
    k = rng.randint(10, 40)
    layer = rng.choice([
        (f"dense(u, {2**k})", k > 26),
        (f"s4d(u, state={2**k})", k > 26),
        (f"egru(u, hidden={2**(k // 2)})", 2 * (k // 2) + 2 > 26),
    ])
    reps = rng.choice([1, 1, 2, 1000, 100000])
    text = ("model r {\n  input u : 1\n  x = u\n"
            f"  repeat {reps} as b {{\n    x = {layer[0].replace('(u', '(x')}\n  }}\n"
            "  m = readout(x, mean)\n  out = dense(m, 3)\n  output out\n}\n")
    if rng.random() < 0.5:
        argv = [s.tool("ssmc"), "{dir}/" + name, "--emit=ssm", "-o", "/dev/null"]
    else:
        argv = [s.tool("ssmc"), "{dir}/" + name, "--target=loihi2",
                f"--calibration=file:{s.x}", "--calibration-samples=1", "-o", "/dev/null"]
    # Past 2^26 parameters in one tensor the model is refused, whatever else.
    return Case("resources", name, layer[1], argv, {name: text.encode()})


GENERATORS = collections.OrderedDict([
    ("dsl", gen_dsl), ("weights", gen_weights), ("nc", gen_nc), ("idx", gen_idx),
    ("npy", gen_npy), ("hardware", gen_hardware), ("flags", gen_flags),
    ("resources", gen_resources)])


# ---------------------------------------------------------------------------
# Running and judging
# ---------------------------------------------------------------------------

def run_case(case, work, timeout):
    cdir = os.path.join(work, case.kind)
    os.makedirs(cdir, exist_ok=True)
    for rel, content in case.files.items():
        path = os.path.join(cdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
    argv = [a.replace("{dir}", cdir) for a in case.argv]
    env = dict(os.environ)
    env.update({k: v.replace("{dir}", cdir) for k, v in case.env.items()})
    start = time.monotonic()
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, env=env, cwd=cdir)
    except subprocess.TimeoutExpired:
        return "hang", argv, b""
    finally:
        case.seconds = time.monotonic() - start
    output = proc.stdout + proc.stderr
    if proc.returncode < 0 or proc.returncode >= 128 or any(
            p in output for p in CRASH_PATTERNS):
        return "crash", argv, output
    if proc.returncode == 0:
        return ("accepted" if case.invalid else "ok"), argv, output
    # LLVM's option parser words its own errors without "error:", but names
    # the option ("for the --threads option: ...", "Unknown command line
    # argument '--x'").
    if b"error" not in output.lower() and b"option" not in output and \
            b"command line argument" not in output:
        return "unclear", argv, output
    return "error", argv, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--src", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=20)
    parser.add_argument("--kinds", default=",".join(GENERATORS))
    args = parser.parse_args()
    # Cases run in their own folders: every path absolute.
    args.bin, args.src, args.out = (os.path.abspath(p) for p in
                                    (args.bin, args.src, args.out))
    kinds = args.kinds.split(",")
    unknown = [k for k in kinds if k not in GENERATORS]
    if unknown or args.cases < 1:
        parser.error(f"unknown kinds {unknown}" if unknown else "--cases must be >= 1")

    shutil.rmtree(args.out, ignore_errors=True)
    sources = Sources(args)
    rng = random.Random(args.seed)
    cases = [GENERATORS[kinds[i % len(kinds)]](rng, sources, i)
             for i in range(args.cases)]
    work = os.path.join(args.out, "cases")

    results = collections.defaultdict(collections.Counter)
    findings = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(run_case, c, work, args.timeout): c for c in cases}
        for future in concurrent.futures.as_completed(futures):
            case = futures[future]
            verdict, argv, output = future.result()
            results[case.kind][verdict] += 1
            results[case.kind]["invalid" if case.invalid else "random"] += 1
            if verdict in ("crash", "hang", "accepted", "unclear"):
                findings.append((case, verdict, argv, output))

    print(f"{'kind':10} {'cases':>6} {'invalid':>8} {'random':>7} {'errors':>7} "
          f"{'exit 0':>7} {'crash':>6} {'hang':>5} {'accepted':>9} {'unclear':>8}")
    for kind in kinds:
        r = results[kind]
        print(f"{kind:10} {r['invalid'] + r['random']:6} {r['invalid']:8} {r['random']:7} "
              f"{r['error']:7} {r['ok'] + r['accepted']:7} {r['crash']:6} {r['hang']:5} "
              f"{r['accepted']:9} {r['unclear']:8}")
    print(f"{len(cases)} cases, {len(findings)} findings")
    # How close the slowest cases come to --timeout (a hang is judged by
    # wall time, so a loaded machine moves them closer).
    slowest = sorted(cases, key=lambda c: -getattr(c, "seconds", 0))[:3]
    print("slowest: " + ", ".join(f"{c.kind} {c.name} {c.seconds:.1f} s"
                                  for c in slowest))
    if findings:
        keep = os.path.join(args.out, "findings")
        os.makedirs(keep, exist_ok=True)
        for case, verdict, argv, output in sorted(findings, key=lambda f: f[0].name):
            folder = os.path.join(keep, case.name.replace("/", "_"))
            shutil.copytree(os.path.join(work, case.kind), folder, dirs_exist_ok=True,
                            ignore=lambda d, names: [n for n in names
                                                     if not n.startswith(case.name.split(".")[0])])
            with open(os.path.join(folder, "command"), "w") as f:
                f.write(" ".join(argv) + "\n")
            print(f"FINDING {verdict}: {case.kind} {case.name}: {' '.join(argv)}")
            print("  " + output.decode(errors="replace")[-600:].replace("\n", "\n  "))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

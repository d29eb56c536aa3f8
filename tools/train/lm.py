#!/usr/bin/env python3
"""Train the ssmc language models on the Brown corpus and export them for ssmc.

Three models that differ only in their recurrent layers, so that their
perplexities compare like with like (issue: the second seed, Nazeer et al.
2024, arXiv 2312.09084):

  --cell egru            the event-based GRU of Subramoney et al. (ICLR 2023)
                         exactly as EvNN computes it (EGRU below);
  --cell egru --prune F  the same, iteratively magnitude-pruned to a fraction
                         F of zero weights (Zhu & Gupta 2017's cubic schedule
                         over --prune-epochs, then fine-tuning), starting from
                         the dense EGRU's checkpoint (--init);
  --cell lstm            an LSTM of the same layers and widths (cuDNN).

The recipe is EvNN's (benchmarks/lm): truncated BPTT over --bptt tokens with
the state carried across windows, AdamW with a cosine schedule, embedding
dropout (whole words), variational dropout on the embedding, between layers
and on the output, DropConnect on the recurrent weights (one mask per
window), the tied decoder of Press & Wolf 2017 and, for the EGRU, an
activity penalty on the events and the pseudo-derivative
gamma * max(0, 1 - s * |c - theta|) of the Heaviside step.

Each epoch ends with a validation perplexity and a checkpoint (--resume
continues it). At the end it writes the HDF5 weights ssmc binds (--out; the
EGRU's weight matrices as CSR groups when pruned, docs/dsl.md) and a model
card next to them (every command, seed, epochs, wall time, machine, the
validation and test perplexities and the EGRU's activity).

Example: /usr/bin/python3 tools/train/lm.py --cell egru --epochs 20 \\
             --out /tmp/lm/egru.h5
"""
import argparse
import json
import math
import os
import platform
import sys
import time
import warnings

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ssmc_torch import fake_quant, setup_run  # noqa: E402  (imports ssmc)
import ssmc  # noqa: E402
from ssmc.torch import egru_step  # noqa: E402


PRUNE_EVERY = 20  # steps between rises of the pruned fraction


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cell", choices=["egru", "lstm"], required=True)
    p.add_argument("--emb", type=int, default=256, help="embedding size D")
    p.add_argument("--hidden", default="384,384,256",
                   help="units per layer; the last must equal --emb (tied decoder)")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--bptt", type=int, default=70)
    p.add_argument("--eval-streams", type=int, default=50,
                   help="parallel streams each split is cut into for evaluation")
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--clip", type=float, default=0.25)
    p.add_argument("--dropoute", type=float, default=0.1,
                   help="embedding dropout (whole words)")
    p.add_argument("--dropouti", type=float, default=0.3)
    p.add_argument("--dropouth", type=float, default=0.2)
    p.add_argument("--dropouto", type=float, default=0.3)
    p.add_argument("--wdrop", type=float, default=0.2,
                   help="DropConnect on the recurrent weights")
    p.add_argument("--theta", type=float, default=0.01,
                   help="EGRU: initial event threshold")
    p.add_argument("--activity", type=float, default=0.001,
                   help="EGRU: weight of the mean-event penalty")
    p.add_argument("--gamma", type=float, default=0.3,
                   help="EGRU: pseudo-derivative height")
    p.add_argument("--support", type=float, default=1.0,
                   help="EGRU: pseudo-derivative slope s (support 1/s)")
    p.add_argument("--prune", type=float, default=0.0,
                   help="fraction of zero weights to reach (0: dense)")
    p.add_argument("--prune-epochs", type=int, default=0,
                   help="epochs over which the pruned fraction rises")
    p.add_argument("--init", default="",
                   help="checkpoint (.pt) or exported weights (.h5) to start "
                        "from (the dense model to prune, a model to fine-tune)")
    p.add_argument("--keep-zeros", action="store_true",
                   help="the weights that are zero in --init stay zero (to "
                        "fine-tune a pruned model)")
    p.add_argument("--qaft", action="store_true",
                   help="quantization-aware fine-tuning: the embedding and "
                        "every EGRU matrix pass through the loihi2 target's "
                        "int8 tables (one power-of-two scale per table, "
                        "straight-through) in the forward pass")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--limit-tokens", type=int, default=0,
                   help="use only the first N tokens of each split (smoke tests)")
    p.add_argument("--data", default="",
                   help="data folder holding brown/ (default $SSMC_DATA)")
    p.add_argument("--out", required=True, help="HDF5 weights for ssmc")
    p.add_argument("--checkpoint", default="")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--time-budget", type=float, default=0,
                   help="stop after the epoch that passes this many seconds")
    return p.parse_args(argv)


class EGRU(nn.Module):
    """One EGRU layer, as EvNN computes it (lib/egru_forward_cpu.cc) and ssmc's
    executors do (runtime/include/ssm/Runtime/EGRU.h). Gates stacked
    [u; r; z] (update, reset, candidate):

      u = sigmoid(W_u x + b_u + R_u y' + b'_u)
      r = sigmoid(W_r x + b_r + R_r y' + b'_r)
      z = tanh(W_z x + b_z + r * (R_z y' + b'_z))
      c = u * c' + (1 - u) * z          (c' after its reset)
      o = H(c - theta);  y = o * c;  then c <- c - o * theta

    x [T, B, I] -> y [T, B, H]; the state is (c, y)."""

    def __init__(self, inputs, hidden, theta, gamma, support):
        super().__init__()
        self.hidden = hidden
        k = 1.0 / math.sqrt(hidden)
        self.w = nn.Parameter(torch.empty(3 * hidden, inputs).uniform_(-k, k))
        self.r = nn.Parameter(torch.empty(3 * hidden, hidden).uniform_(-k, k))
        self.bias = nn.Parameter(torch.zeros(3 * hidden))
        self.recurrent_bias = nn.Parameter(torch.zeros(3 * hidden))
        self.theta = nn.Parameter(torch.full((hidden,), theta))
        self.gamma, self.support = gamma, support
        self.qaft = False

    def forward(self, x, state, r_weight):
        T = x.shape[0]
        c, y = state
        w = fake_quant(self.w, 8) if self.qaft else self.w
        wx = F.linear(x, w, self.bias)  # every token at once
        outputs, events = [], []
        theta = self.theta.abs()  # a threshold is not negative
        for t in range(T):
            ry = F.linear(y, r_weight, self.recurrent_bias)
            y, c, o = egru_step(wx[t], ry, c, theta, self.gamma, self.support)
            outputs.append(y)
            events.append(o)
        return torch.stack(outputs), (c, y), torch.stack(events)

    def initial_state(self, batch, device):
        z = torch.zeros(batch, self.hidden, device=device)
        return (z, z)


class LockedDropout(nn.Module):
    """Variational dropout: one mask per window, shared over its tokens."""

    def forward(self, x, p):
        if not self.training or p == 0:
            return x
        mask = x.new_empty(1, x.size(1), x.size(2)).bernoulli_(1 - p) / (1 - p)
        return x * mask


class LanguageModel(nn.Module):
    def __init__(self, cell, vocab, emb, hidden, args):
        super().__init__()
        assert hidden[-1] == emb, "the tied decoder needs the last layer's width = --emb"
        self.cell = cell
        self.embedding = nn.Embedding(vocab, emb)
        nn.init.uniform_(self.embedding.weight, -0.1, 0.1)
        sizes = [emb] + hidden
        if cell == "egru":
            self.layers = nn.ModuleList(
                EGRU(sizes[i], sizes[i + 1], args.theta, args.gamma, args.support)
                for i in range(len(hidden)))
        else:
            self.layers = nn.ModuleList(nn.LSTM(sizes[i], sizes[i + 1])
                                        for i in range(len(hidden)))
        self.decoder_bias = nn.Parameter(torch.zeros(vocab))
        self.drop = LockedDropout()
        self.args = args

    def recurrent_weights(self):
        """(layer index, name, parameter) of each recurrent matrix."""
        for i, layer in enumerate(self.layers):
            if self.cell == "egru":
                yield i, "r", layer.r
            else:
                yield i, "weight_hh_l0", layer.weight_hh_l0

    def initial_state(self, batch, device):
        if self.cell == "egru":
            return [l.initial_state(batch, device) for l in self.layers]
        return [(torch.zeros(1, batch, l.hidden_size, device=device),) * 2
                for l in self.layers]

    def forward(self, tokens, state):
        """tokens int64 [T, B] -> logits [T, B, V], new state, events per layer."""
        a = self.args
        table = self.embedding.weight
        if a.qaft:  # the embedding's and the tied decoder's int8 tables
            table = fake_quant(table, 8)
        weight = table
        if self.training and a.dropoute:
            keep = weight.new_empty(weight.size(0), 1).bernoulli_(1 - a.dropoute)
            weight = weight * keep / (1 - a.dropoute)
        x = self.drop(F.embedding(tokens, weight), a.dropouti)
        new_state, events = [], []
        for i, layer in enumerate(self.layers):
            if self.cell == "egru":
                r = fake_quant(layer.r, 8) if a.qaft else layer.r
                if self.training and a.wdrop:
                    r = F.dropout(r, a.wdrop, training=True)
                x, s, o = layer(x, state[i], r)
                events.append(o)
            else:
                params = dict(layer.named_parameters())
                if self.training and a.wdrop:
                    params["weight_hh_l0"] = F.dropout(params["weight_hh_l0"], a.wdrop,
                                                       training=True)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # non-contiguous weights
                    x, s = torch.nn.utils.stateless.functional_call(
                        layer, params, (x, state[i]))
            new_state.append(s)
            x = self.drop(x, a.dropouth if i + 1 < len(self.layers) else a.dropouto)
        return F.linear(x, table, self.decoder_bias), new_state, events


def load_corpus(data_dir, limit_tokens=0):
    """(vocabulary, {split: int64 ids}) of the Brown corpus as ssmc reads it
    (ssmc.load_data("brown:SPLIT"): Bengio et al. 2003's split and
    vocabulary, docs/ssmc-run.md): each split's 50 contiguous streams
    joined back in order, so that evaluating over 50 streams (batchify with
    --eval-streams 50) scores exactly the predictions ssmc-run scores.
    `data_dir` replaces $SSMC_DATA; `limit_tokens` keeps each split's
    first tokens."""
    if data_dir:
        os.environ["SSMC_DATA"] = data_dir
    vocab, splits = None, {}
    for split in ("train", "valid", "test"):
        data = ssmc.load_data(f"brown:{split}")
        vocab = data.vocabulary
        ids = data.inputs[..., 0].reshape(-1).astype(np.int64)
        splits[split] = ids[:limit_tokens] if limit_tokens else ids
    return vocab, splits


def detach(state):
    return [tuple(t.detach() for t in s) for s in state]


def batchify(ids, batch, device):
    """[T, B]: B contiguous streams of the split."""
    n = len(ids) // batch
    return torch.from_numpy(ids[:n * batch].reshape(batch, n).T.copy()).to(device)


def evaluate(model, data, bptt):
    """(perplexity, mean NLL in nats, activity per layer: the fraction of
    units with an event per token; empty for the LSTM)."""
    model.eval()
    state = model.initial_state(data.size(1), data.device)
    nll, count = 0.0, 0
    fired = None
    with torch.no_grad():
        for i in range(0, data.size(0) - 1, bptt):
            seq = min(bptt, data.size(0) - 1 - i)
            x, y = data[i:i + seq], data[i + 1:i + 1 + seq]
            logits, state, events = model(x, state)
            nll += F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1),
                                   reduction="sum").item()
            count += y.numel()
            if events:
                sums = [float(o.sum()) for o in events]
                fired = sums if fired is None else [a + b for a, b in zip(fired, sums)]
    activity = []
    if fired is not None:
        activity = [f / (count * layer.hidden) for f, layer in zip(fired, model.layers)]
    mean = nll / count
    return math.exp(mean), mean, activity


def prunable(model):
    """(name, parameter) of the weight matrices pruning applies to: the tied
    embedding/decoder and every layer's input and recurrent weights."""
    out = [("embedding.weight", model.embedding.weight)]
    for i, layer in enumerate(model.layers):
        if model.cell == "egru":
            out += [(f"layers.{i}.w", layer.w), (f"layers.{i}.r", layer.r)]
        else:
            out += [(f"layers.{i}.weight_ih_l0", layer.weight_ih_l0),
                    (f"layers.{i}.weight_hh_l0", layer.weight_hh_l0)]
    return out


def update_masks(model, fraction):
    """Magnitude pruning per matrix: the `fraction` smallest |w| of each
    become zero and stay zero (already pruned weights are the smallest)."""
    masks = {}
    for name, p in prunable(model):
        k = int(round(fraction * p.numel()))
        if k == 0:
            masks[name] = torch.ones_like(p, dtype=torch.bool)
            continue
        threshold = p.detach().abs().flatten().kthvalue(k).values
        masks[name] = p.detach().abs() > threshold
    return masks


def apply_masks(model, masks):
    with torch.no_grad():
        for name, p in prunable(model):
            if name in masks:
                p.mul_(masks[name])


def sparsity(model):
    zeros = total = 0
    for _, p in prunable(model):
        zeros += int((p == 0).sum())
        total += p.numel()
    return zeros / total


def write_matrix(group, name, array, sparse):
    """A weight matrix: dense, or as a CSR group (data, indices, indptr and a
    `shape` attribute, scipy.sparse's layout) when that is smaller."""
    nnz = int(np.count_nonzero(array))
    if sparse and nnz * 8 + (array.shape[0] + 1) * 8 < array.size * 4:
        g = group.create_group(name)
        rows, cols = array.shape
        indptr = np.zeros(rows + 1, dtype=np.int64)
        indices, data = [], []
        for i in range(rows):
            nz = np.nonzero(array[i])[0]
            indices.append(nz.astype(np.int32))
            data.append(array[i, nz].astype(np.float32))
            indptr[i + 1] = indptr[i] + len(nz)
        g.create_dataset("data", data=np.concatenate(data), compression="gzip")
        g.create_dataset("indices", data=np.concatenate(indices), compression="gzip")
        g.create_dataset("indptr", data=indptr, compression="gzip")
        g.attrs["shape"] = np.array([rows, cols], dtype=np.int64)
    else:
        group.create_dataset(name, data=array.astype(np.float32), compression="gzip")


def export_hdf5(model, path, vocab, layer_names, sparse):
    """The weights under the names models/egru-lm.ssm gives its layers:
    /emb/weight [V, D] (the decoder reads it transposed), /decoder/bias [V],
    /LAYER/{w [3H, I], r [3H, H], bias, recurrent_bias [3H], theta [H]}, and
    /vocab, the word of each token id."""
    import h5py
    assert model.cell == "egru", "ssmc runs the EGRU models"
    with h5py.File(path, "w") as f:
        emb = f.create_group("emb")
        write_matrix(emb, "weight", model.embedding.weight.detach().cpu().numpy(), sparse)
        f.create_group("decoder").create_dataset(
            "bias", data=model.decoder_bias.detach().cpu().numpy().astype(np.float32))
        for name, layer in zip(layer_names, model.layers):
            g = f.create_group(name)
            write_matrix(g, "w", layer.w.detach().cpu().numpy(), sparse)
            write_matrix(g, "r", layer.r.detach().cpu().numpy(), sparse)
            for p in ("bias", "recurrent_bias"):
                g.create_dataset(p, data=getattr(layer, p).detach().cpu().numpy()
                                 .astype(np.float32))
            g.create_dataset("theta", data=layer.theta.detach().abs().cpu().numpy()
                             .astype(np.float32))
        f.create_dataset("vocab", data=np.array([w.encode("latin-1") for w in vocab],
                                                dtype=object),
                         dtype=h5py.string_dtype(encoding="ascii"))


def read_matrix(item):
    """A matrix write_matrix wrote: a dataset, or a CSR group."""
    import h5py
    if isinstance(item, h5py.Dataset):
        return item[:]
    rows, cols = item.attrs["shape"]
    dense = np.zeros((rows, cols), dtype=np.float32)
    indptr, indices, data = item["indptr"][:], item["indices"][:], item["data"][:]
    for i in range(rows):
        dense[i, indices[indptr[i]:indptr[i + 1]]] = data[indptr[i]:indptr[i + 1]]
    return dense


def load_hdf5(model, path, layer_names):
    """The weights export_hdf5 wrote, back into `model`."""
    import h5py
    with h5py.File(path, "r") as f, torch.no_grad():
        model.embedding.weight.copy_(torch.from_numpy(read_matrix(f["emb/weight"])))
        model.decoder_bias.copy_(torch.from_numpy(f["decoder/bias"][:]))
        for name, layer in zip(layer_names, model.layers):
            layer.w.copy_(torch.from_numpy(read_matrix(f[name]["w"])))
            layer.r.copy_(torch.from_numpy(read_matrix(f[name]["r"])))
            for p in ("bias", "recurrent_bias", "theta"):
                getattr(layer, p).copy_(torch.from_numpy(f[name][p][:]))


def main(argv=None):
    args = parse_args(argv)
    device, checkpoint = setup_run(args)
    hidden = [int(h) for h in args.hidden.split(",")]

    vocab, splits = load_corpus(args.data, args.limit_tokens)
    train = batchify(splits["train"], args.batch_size, device)
    valid = batchify(splits["valid"], args.eval_streams, device)
    test = batchify(splits["test"], args.eval_streams, device)
    model = LanguageModel(args.cell, len(vocab), args.emb, hidden, args).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr,
                                  weight_decay=args.weight_decay)
    steps = (train.size(0) - 1 + args.bptt - 1) // args.bptt
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=max(1, args.epochs * steps))
    command = " ".join([os.path.relpath(sys.argv[0])] + sys.argv[1:])
    history, start_epoch, elapsed, commands = [], 0, 0.0, [command]
    layer_names = [f"l{i + 1}" for i in range(len(hidden))]
    if args.init.endswith(".h5"):
        load_hdf5(model, args.init, layer_names)
        card = os.path.splitext(args.init)[0] + ".card.json"
        earlier = json.load(open(card))["commands"] if os.path.exists(card) else []
        commands = earlier + [command]
        print(f"started from {args.init}")
    elif args.init:
        state = torch.load(args.init, map_location=device)
        model.load_state_dict(state["model"])
        commands = state.get("commands", []) + [command]
        print(f"started from {args.init}")
    for layer in model.layers:
        layer.qaft = args.qaft and args.cell == "egru"
    if args.resume and os.path.exists(checkpoint):
        state = torch.load(checkpoint, map_location=device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        history, start_epoch, elapsed = state["history"], state["epoch"], state["seconds"]
        commands = state["commands"] + [command]
        print(f"resumed from {checkpoint} after epoch {start_epoch}")

    masks = {}
    if args.keep_zeros:
        masks = {name: p.detach() != 0 for name, p in prunable(model)}
    for epoch in range(start_epoch, args.epochs):
        start = time.time()
        model.train()
        state = model.initial_state(args.batch_size, device)
        total, count, i = 0.0, 0, 0
        while i < train.size(0) - 1:
            seq = min(args.bptt, train.size(0) - 1 - i)
            x, y = train[i:i + seq], train[i + 1:i + 1 + seq]
            step = epoch * steps + i // args.bptt
            if args.prune and step % PRUNE_EVERY == 0:
                # Zhu & Gupta 2017: s_t = s_f (1 - (1 - t/n)^3) over the n
                # steps of --prune-epochs, raised every PRUNE_EVERY steps (a
                # rise per epoch, 67 % -> 92 % -> 95 %, wrecked the model).
                t = min(1.0, step / max(1, args.prune_epochs * steps))
                masks = update_masks(model, args.prune * (1 - (1 - t) ** 3))
                apply_masks(model, masks)
            state = detach(state)
            logits, state, events = model(x, state)
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
            objective = loss
            if events and args.activity:
                objective = loss + args.activity * sum(o.mean() for o in events)
            optimizer.zero_grad()
            objective.backward()
            nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            scheduler.step()
            if masks:
                apply_masks(model, masks)
            total += loss.item() * y.numel()
            count += y.numel()
            i += seq
        val_ppl, _, activity = evaluate(model, valid, args.bptt)
        elapsed += time.time() - start
        history.append({"epoch": epoch + 1, "train_ppl": math.exp(total / count),
                        "valid_ppl": val_ppl, "activity": activity,
                        "zero_weights": sparsity(model), "seconds": elapsed})
        print(f"epoch {epoch + 1}/{args.epochs}: train ppl {math.exp(total / count):.1f}, "
              f"valid ppl {val_ppl:.1f}, activity {[round(a, 3) for a in activity]}, "
              f"zero weights {sparsity(model):.3f}, {elapsed:.0f} s", flush=True)
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "history": history,
                    "epoch": epoch + 1, "seconds": elapsed, "commands": commands},
                   checkpoint)
        if args.time_budget and elapsed > args.time_budget:
            print(f"stopping: {elapsed:.0f} s > --time-budget {args.time_budget:.0f} s")
            break

    test_ppl, test_nll, activity = evaluate(model, test, args.bptt)
    val_ppl, _, _ = evaluate(model, valid, args.bptt)
    print(f"test ppl {test_ppl:.2f} ({test_nll / math.log(2):.3f} bits/word), "
          f"valid ppl {val_ppl:.2f}, activity {activity}, zero weights {sparsity(model):.4f}")
    if args.cell == "egru":
        export_hdf5(model, args.out, vocab, layer_names,
                    sparse=args.prune > 0 or args.keep_zeros)
    card = {
        "task": "brown language model",
        "cell": args.cell,
        "commands": commands,
        "seed": args.seed,
        "epochs": len(history),
        "planned_epochs": args.epochs,
        "emb": args.emb, "hidden": hidden, "vocab": len(vocab),
        "parameters": sum(p.numel() for p in model.parameters()),
        "zero_weights": sparsity(model),
        "wall_seconds": round(elapsed, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {device}"
                   + (f" ({torch.cuda.get_device_name()})" if device == "cuda" else ""),
        "torch": torch.__version__,
        "eval": f"PyTorch, {args.eval_streams} parallel streams of each split, "
                "windows of --bptt",
        "test_ppl": test_ppl, "test_bits_per_word": test_nll / math.log(2),
        "valid_ppl": val_ppl, "test_activity": activity,
        "history": history,
    }
    with open(os.path.splitext(args.out)[0] + ".card.json", "w") as f:
        json.dump(card, f, indent=2)
    print(f"wrote {os.path.splitext(args.out)[0]}.card.json"
          + (f" and {args.out}" if args.cell == "egru" else ""))


if __name__ == "__main__":
    main()

"""Plots of what a model does on a chip (matplotlib): activity per layer
over tokens, energy per layer and per core, the spike raster of a layer,
and the sigma-delta sweep (accuracy or perplexity against energy per token,
the trade-off every user of Loihi 2 tunes).

    import ssmc, ssmc.plot
    net = ssmc.compile("models/smnist.ssm", target="loihi2")
    x = ssmc.load_data("mnist:test", limit=1).inputs[0]
    rec = ssmc.plot.record(net, x, raster="block.0.act")
    ssmc.plot.activity(rec, "activity.png")
    ssmc.plot.energy(rec, "energy.png")
    ssmc.plot.raster(rec, "raster.png")

Each plotting function draws into ``ax`` (or ``axes``) when given, else a
new figure; with ``path`` it saves the figure there (format by extension)
and closes it. Each returns the figure. ``python3 -m ssmc.plot TRACE.csv
-o FILE.png`` draws activity and energy from ``ssmc-run --trace``'s CSV
(what ``ssmc-run --plot=FILE.png`` runs).
"""
import csv as _csv
import sys as _sys
from typing import NamedTuple as _NamedTuple, Optional as _Optional

import matplotlib as _mpl

# A file backend, unless the user's pyplot has chosen one already.
if "matplotlib.pyplot" not in _sys.modules:
    _mpl.use("Agg")
import matplotlib.pyplot as _plt  # noqa: E402
import numpy as _np  # noqa: E402

__all__ = ["Recording", "record", "read_trace", "activity", "energy",
           "raster", "sigma_delta_sweep"]


class Recording(_NamedTuple):
    """One sequence through a loihi2 session, step by step."""
    #: The network's groups: dicts {name, model, neurons, core, depth}.
    groups: list
    #: [steps, groups] neurons that sent a message in each step.
    spikes: _np.ndarray
    #: [steps, groups] synaptic operations into each group.
    synops: _np.ndarray
    #: [steps, groups] dynamic energy of each group (pJ, cost model).
    energy_pJ: _np.ndarray
    #: Tokens of the sequence (steps beyond them drain the pipeline).
    tokens: int
    #: The raster's group name and [steps, neurons] bool, or None.
    raster_group: _Optional[str] = None
    raster: _Optional[_np.ndarray] = None


def record(network, x, raster=None):
    """Streams one sequence ``x`` ([tokens, channels], or [tokens] token ids)
    through a loihi2 ``network``'s session and records every step, with the
    neurons of group ``raster`` (a name) that sent. Raises ValueError for a
    network without groups (the float targets) or an unknown group."""
    session = network.session()
    groups = session.groups
    if not groups:
        raise ValueError(f"target {network.target} has no neuron groups to "
                         "plot; compile for loihi2")
    names = [g["name"] for g in groups]
    index = None
    if raster is not None:
        if raster not in names:
            raise ValueError(f"no group {raster!r}; the groups: "
                             + ", ".join(names))
        index = names.index(raster)
    x = _np.asarray(x, dtype=_np.float32)
    rows, sent = [], []

    def keep():
        step = session.last_step()
        rows.append((step["spikes"], step["synops"], step["energy_pJ"]))
        if index is not None:
            sent.append(session.sent(index))

    for token in x:
        session.feed(token)
        keep()
    session.finish(after_step=keep)  # the steps that drain the pipeline
    spikes, synops, energy_pj = (_np.array([r[k] for r in rows])
                                 for k in range(3))
    return Recording(groups, spikes, synops, energy_pj, len(x), raster,
                     _np.array(sent) if index is not None else None)


def read_trace(path, sample=0):
    """A Recording of one sample of ``ssmc-run --trace``'s CSV (columns
    sample, step, group, model, neurons, spikes, synops, active, overflows,
    messages, energy_pj, core, token)."""
    with open(path, newline="") as f:
        rows = [r for r in _csv.DictReader(f) if int(r["sample"]) == sample]
    if not rows:
        raise ValueError(f"{path}: no rows of sample {sample}")
    index, groups = {}, []  # group name -> column, in the trace's order
    for r in rows:
        if r["group"] not in index:
            index[r["group"]] = len(groups)
            groups.append({"name": r["group"], "model": r["model"],
                           "neurons": int(r["neurons"]),
                           "core": int(r["core"]), "depth": 0})
    steps = max(int(r["step"]) for r in rows) + 1
    shape = (steps, len(groups))
    spikes, synops, energy_pj = (_np.zeros(shape) for _ in range(3))
    for r in rows:
        s, g = int(r["step"]), index[r["group"]]
        spikes[s, g] = float(r["spikes"])
        synops[s, g] = float(r["synops"])
        energy_pj[s, g] = float(r["energy_pj"])
    tokens = 1 + max((int(r["token"]) for r in rows if r["core"] == "-1"),
                     default=steps - 1)
    return Recording(groups, spikes, synops, energy_pj, tokens)


def _figure(ax, size=(8, 4.5)):
    if ax is None:
        fig, ax = _plt.subplots(figsize=size, constrained_layout=True)
    else:
        fig = ax.figure
    return fig, ax


def _done(fig, path):
    if path is not None:
        fig.savefig(path, dpi=120)
        _plt.close(fig)
    return fig


def activity(rec, path=None, ax=None):
    """Fraction of each group's neurons that send per step, as an image:
    groups down, steps across (host inputs included)."""
    fig, ax = _figure(ax, (9, 0.28 * len(rec.groups) + 1.6))
    neurons = _np.array([g["neurons"] for g in rec.groups], dtype=float)
    frac = rec.spikes / _np.maximum(neurons, 1)[None, :]
    image = ax.imshow(frac.T, aspect="auto", interpolation="nearest",
                      cmap="viridis", vmin=0, vmax=1)
    ax.set_yticks(range(len(rec.groups)),
                  [f"{g['name']} ({g['neurons']})" for g in rec.groups],
                  fontsize=7)
    ax.set_xlabel("step (token; the last steps drain the pipeline)")
    ax.set_title("activity per layer: fraction of neurons sending per step")
    fig.colorbar(image, ax=ax, label="fraction sending")
    return _done(fig, path)


def energy(rec, path=None, axes=None):
    """Dynamic energy per token (µJ, cost model) of each group and of each
    core (host inputs as 'host'), over the recorded steps."""
    if axes is None:
        fig, axes = _plt.subplots(1, 2, figsize=(11, 0.25 * len(rec.groups) + 2),
                                  constrained_layout=True)
    else:
        fig = axes[0].figure
    per_group = rec.energy_pJ.sum(axis=0) * 1e-6 / max(rec.tokens, 1)
    names = [g["name"] for g in rec.groups]
    axes[0].barh(range(len(names)), per_group, color="tab:blue")
    axes[0].set_yticks(range(len(names)), names, fontsize=7)
    axes[0].invert_yaxis()
    axes[0].set_xlabel("dynamic µJ per token")
    axes[0].set_title("energy per layer (group)")
    cores = {}
    for g, e in zip(rec.groups, per_group):
        key = "host" if g["core"] < 0 else f"core {g['core']}"
        cores[key] = cores.get(key, 0.0) + e
    keys = sorted(cores, key=lambda k: (k != "host", int(k.split()[-1])
                                        if k != "host" else -1))
    axes[1].barh(range(len(keys)), [cores[k] for k in keys], color="tab:orange")
    axes[1].set_yticks(range(len(keys)), keys, fontsize=7)
    axes[1].invert_yaxis()
    axes[1].set_xlabel("dynamic µJ per token")
    axes[1].set_title("energy per neurocore")
    return _done(fig, path)


def raster(rec, path=None, ax=None):
    """The spike raster of the recorded group: a dot for every neuron that
    sent a message in a step."""
    if rec.raster is None:
        raise ValueError("the recording has no raster: record(..., "
                         "raster=GROUP)")
    fig, ax = _figure(ax)
    steps, neurons = _np.nonzero(rec.raster)
    ax.scatter(steps, neurons, s=1.5, marker="|", color="black")
    ax.set_xlim(0, rec.raster.shape[0])
    ax.set_ylim(-0.5, rec.raster.shape[1] - 0.5)
    ax.set_xlabel("step")
    ax.set_ylabel("neuron")
    ax.set_title(f"{rec.raster_group}: messages sent "
                 f"({rec.raster.mean():.1%} of neurons per step)")
    return _done(fig, path)


def sigma_delta_sweep(model, x, labels=None, thresholds=(0, 0.005, 0.01,
                      0.02, 0.05, 0.1), path=None, ax=None, **options):
    """Compiles ``model`` for loihi2 at each sigma-delta threshold, runs
    ``x`` (with ``labels`` for accuracy; a language model reports
    perplexity) and plots the score against µJ per token. ``options`` go to
    ``ssmc.compile``. Returns (figure, [(threshold, score, uJ_per_token)])."""
    import ssmc
    points = []
    for t in thresholds:
        net = ssmc.compile(model, target="loihi2", sigma_delta=float(t),
                           **options)
        report = net.run(x, labels).report
        lm = report.get("perplexity") is not None
        score = report["perplexity"] if lm else report["accuracy"]
        if score is None:
            raise ValueError("sigma_delta_sweep needs labels (or a language "
                             "model) to score")
        points.append((float(t), float(score),
                       float(report["energy_per_token_uJ"])))
    fig, ax = _figure(ax)
    e = [p[2] for p in points]
    s = [p[1] for p in points]
    ax.plot(e, s, "o-")
    for t, score, uj in points:
        ax.annotate(f"{t:g}", (uj, score), textcoords="offset points",
                    xytext=(4, 4), fontsize=8)
    ax.set_xlabel("µJ per token (Loihi 2 estimate)")
    ax.set_ylabel("perplexity" if lm else "accuracy")
    ax.set_title("sigma-delta threshold (labels: fraction of each range)")
    ax.grid(alpha=0.3)
    return _done(fig, path), points


def _main(argv=None):
    import argparse
    p = argparse.ArgumentParser(
        prog="python3 -m ssmc.plot",
        description="Activity and energy of one sample from ssmc-run's "
                    "--trace CSV, as one PNG (ssmc-run --plot).")
    p.add_argument("trace")
    p.add_argument("-o", "--out", required=True)
    p.add_argument("--sample", type=int, default=0)
    args = p.parse_args(argv)
    rec = read_trace(args.trace, args.sample)
    fig = _plt.figure(figsize=(12, 0.3 * len(rec.groups) + 5),
                      constrained_layout=True)
    grid = fig.add_gridspec(2, 2, height_ratios=[1.2, 1])
    activity(rec, ax=fig.add_subplot(grid[0, :]))
    energy(rec, axes=[fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])])
    fig.savefig(args.out, dpi=120)
    return 0


if __name__ == "__main__":
    _sys.exit(_main())

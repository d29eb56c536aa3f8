"""Writes the NIR graphs of test/Tools/nir*.test as the field's tools write
them, with h5py in NIR's file layout (neuromorphs/NIR, nir/serialization.py:
`/version`, `/node` = the graph, `nodes/<name>/type` and parameters as
datasets, `edges` [E, 2] strings), plus input data. Usage: nir_make.py DIR.

Graphs:
  snntorch_mlp.nir  Linear+Leaky twice, as snntorch.export_nir writes it:
                    dt = 1e-4, tau = dt / (1 - beta), r = tau / dt, v_leak 0,
                    nodes named by Sequential index, "input" and "output"
  norse_cuba.nir    Linear (no bias) into CubaLIF, as Norse exports its
                    LIFBoxCell/CubaLIF: tau_syn, tau_mem, r = 1, w_in
  primitives.nir    Affine -> LI (v_leak != 0) -> Scale -> I -> Threshold
                    and Affine -> IF, both into one Affine (NIR sums the
                    edges into a node); dt in the graph's metadata
  conv1d.nir        Input [2, 16] -> Conv1d (stride 2, padding 1, groups 1)
                    -> Flatten -> LIF -> Affine -> Output
  subgraph.nir      a NIRGraph inside the graph (its own Input and Output),
                    edges to it by name and to 'block.output'
  recurrent.nir     snnTorch's RLeaky as a subgraph (LIF with a recurrent
                    Linear) and an LI with a recurrent Affine
  delay.nir         per-channel Delays of 0 to 3 steps after a LIF layer
and the malformed files of nir-errors.test.
"""
import os
import sys

import h5py
import numpy as np

d = sys.argv[1]
rng = np.random.default_rng(11)


def write(path, nodes, edges, version="1.0.4", metadata=None):
    """nodes: {name: {"type": ..., key: value or nested nodes dict}}"""
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data=version, dtype=h5py.string_dtype())
        g = f.create_group("node")
        write_graph(g, nodes, edges)
        if metadata:
            m = g.create_group("metadata")
            for k, v in metadata.items():
                m.create_dataset(k, data=v)


def write_graph(g, nodes, edges):
    g.create_dataset("type", data="NIRGraph", dtype=h5py.string_dtype())
    ng = g.create_group("nodes")
    for name, node in nodes.items():
        sub = ng.create_group(name)
        if node.get("type") == "NIRGraph":
            write_graph(sub, node["nodes"], node["edges"])
            continue
        for k, v in node.items():
            if isinstance(v, str):
                sub.create_dataset(k, data=v, dtype=h5py.string_dtype())
            else:
                sub.create_dataset(k, data=v)
    g.create_dataset("edges", data=np.array(edges, dtype=object),
                     dtype=h5py.string_dtype())


def f32(a):
    return np.asarray(a, dtype=np.float32)


def affine(o, i, scale=1.0):
    return {"type": "Affine",
            "weight": f32(rng.normal(0, scale / np.sqrt(i), (o, i))),
            "bias": f32(rng.normal(0, 0.1, o))}


def chain(names):
    return [(a, b) for a, b in zip(names, names[1:])]


# snnTorch: Leaky(beta) exported with dt = 1e-4.
DT_SNN = 1e-4


def leaky(beta, threshold, n):
    tau = DT_SNN / (1 - np.full(n, beta))
    return {"type": "LIF", "tau": f32(tau), "r": f32(tau / DT_SNN),
            "v_leak": f32(np.zeros(n)), "v_threshold": f32(np.full(n, threshold)),
            "v_reset": f32(np.zeros(n))}


write(f"{d}/snntorch_mlp.nir", {
    "input": {"type": "Input", "shape": np.array([4])},
    "0": affine(12, 4, 3.0),
    "1": leaky(0.9, 1.0, 12),
    "2": affine(3, 12, 2.0),
    "3": leaky(0.8, 0.5, 3),
    "output": {"type": "Output", "shape": np.array([3])},
}, chain(["input", "0", "1", "2", "3", "output"]))

# Norse: CubaLIF with its dt = 1e-3; Linear without bias.
DT_NORSE = 1e-3
write(f"{d}/norse_cuba.nir", {
    "input": {"type": "Input", "shape": np.array([4])},
    "linear": {"type": "Linear",
               "weight": f32(rng.normal(0, 40.0 / 2, (6, 4)))},
    "lif": {"type": "CubaLIF", "tau_syn": f32(np.full(6, 5e-3)),
            "tau_mem": f32(np.linspace(1e-2, 2e-2, 6)), "r": f32(np.ones(6)),
            "v_leak": f32(np.zeros(6)), "v_threshold": f32(np.full(6, 1.0)),
            "v_reset": f32(np.zeros(6)), "w_in": f32(np.ones(6))},
    "output": {"type": "Output", "shape": np.array([6])},
}, chain(["input", "linear", "lif", "output"]))

DT = 1e-3
write(f"{d}/primitives.nir", {
    "input": {"type": "Input", "shape": np.array([4])},
    "enc": affine(5, 4),
    "li": {"type": "LI", "tau": f32(np.linspace(2e-3, 6e-3, 5)),
           "r": f32(np.full(5, 2.0)), "v_leak": f32(np.linspace(-0.2, 0.3, 5))},
    "scale": {"type": "Scale", "scale": f32(np.linspace(0.5, 1.5, 5))},
    "int": {"type": "I", "r": f32(np.full(5, 40.0))},
    "thr": {"type": "Threshold",
            "threshold": f32(np.array([0.0, 0.2, -0.1, 0.5, 0.05]))},
    "enc2": affine(5, 4, 2.0),
    "if": {"type": "IF", "r": f32(np.full(5, 300.0)),
           "v_threshold": f32(np.full(5, 0.8))},
    "fc": affine(3, 5),
    "output": {"type": "Output", "shape": np.array([3])},
}, chain(["input", "enc", "li", "scale", "int", "thr", "fc", "output"])
   + chain(["input", "enc2", "if", "fc"]), metadata={"dt": DT})

write(f"{d}/conv1d.nir", {
    "input": {"type": "Input", "shape": np.array([2, 16])},
    "conv": {"type": "Conv1d", "input_shape": 16,
             "weight": f32(rng.normal(0, 0.8, (3, 2, 3))), "stride": 2,
             "padding": 1, "dilation": 1, "groups": 1,
             "bias": f32(rng.normal(0, 0.1, 3))},
    "flat": {"type": "Flatten", "start_dim": 0, "end_dim": -1,
             "input_type": np.array([3, 8])},
    "lif": {"type": "LIF", "tau": f32(np.full(24, 4e-3)), "r": f32(np.full(24, 4.0)),
            "v_leak": f32(np.zeros(24)), "v_threshold": f32(np.full(24, 0.6))},
    "fc": affine(2, 24),
    "output": {"type": "Output", "shape": np.array([2])},
}, chain(["input", "conv", "flat", "lif", "fc", "output"]))

write(f"{d}/subgraph.nir", {
    "input": {"type": "Input", "shape": np.array([4])},
    "block": {"type": "NIRGraph", "nodes": {
        "input": {"type": "Input", "shape": np.array([4])},
        "fc": affine(6, 4, 3.0),
        "lif": {"type": "LIF", "tau": f32(np.full(6, 5e-3)), "r": f32(np.full(6, 5.0)),
                "v_leak": f32(np.zeros(6)), "v_threshold": f32(np.full(6, 1.0))},
        "output": {"type": "Output", "shape": np.array([6])},
    }, "edges": chain(["input", "fc", "lif", "output"])},
    "readout": affine(2, 6),
    "li": {"type": "LI", "tau": f32(np.full(2, 1e-2)), "r": f32(np.full(2, 10.0)),
           "v_leak": f32(np.zeros(2))},
    "output": {"type": "Output", "shape": np.array([2])},
}, [("input", "block"), ("block.output", "readout"), ("readout", "li"),
    ("li", "output")], metadata={"dt": DT})

# snnTorch's RLeaky (a subgraph: Input, LIF, its recurrent Linear, Output)
# after an Affine, and an LI with a recurrent Affine (its bias too).
write(f"{d}/recurrent.nir", {
    "input": {"type": "Input", "shape": np.array([4])},
    "fc": affine(8, 4, 3.0),
    "rlif": {"type": "NIRGraph", "nodes": {
        "input": {"type": "Input", "shape": np.array([8])},
        "lif": leaky(0.85, 1.0, 8),
        "w_rec": {"type": "Linear",
                  "weight": f32(rng.normal(0, 0.6, (8, 8)))},
        "output": {"type": "Output", "shape": np.array([8])},
    }, "edges": [("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"),
                 ("lif", "output")]},
    "fc2": affine(3, 8),
    "li": {"type": "LI", "tau": f32(np.full(3, 5e-4)), "r": f32(np.full(3, 5.0)),
           "v_leak": f32(np.zeros(3))},
    "li_rec": {"type": "Affine", "weight": f32(rng.normal(0, 0.08, (3, 3))),
               "bias": f32(rng.normal(0, 0.1, 3))},
    "output": {"type": "Output", "shape": np.array([3])},
}, [("input", "fc"), ("fc", "rlif"), ("rlif", "fc2"), ("fc2", "li"),
    ("li", "li_rec"), ("li_rec", "li"), ("li", "output")])

# Delay: per-channel synaptic delays of 0 to 3 steps between a LIF layer and
# the Affine it feeds.
write(f"{d}/delay.nir", {
    "input": {"type": "Input", "shape": np.array([4])},
    "fc": affine(5, 4, 3.0),
    "lif": {"type": "LIF", "tau": f32(np.full(5, 4e-3)), "r": f32(np.full(5, 4.0)),
            "v_leak": f32(np.zeros(5)), "v_threshold": f32(np.full(5, 1.0))},
    "delay": {"type": "Delay", "delay": f32([0.0, 1e-3, 2e-3, 3e-3, 1e-3])},
    "fc2": affine(2, 5),
    "li": {"type": "LI", "tau": f32(np.full(2, 5e-3)), "r": f32(np.full(2, 5.0)),
           "v_leak": f32(np.zeros(2))},
    "output": {"type": "Output", "shape": np.array([2])},
}, chain(["input", "fc", "lif", "delay", "fc2", "li", "output"]),
    metadata={"dt": DT})

# Inputs: 6 sequences of 40 tokens.
np.save(f"{d}/x4.npy", rng.normal(0.3, 1.0, (6, 40, 4)).astype(np.float32))
np.save(f"{d}/x32.npy", rng.normal(0.2, 1.0, (6, 40, 32)).astype(np.float32))
np.save(f"{d}/x1.npy", rng.normal(0.0, 1.0, (6, 40, 1)).astype(np.float32))

# Malformed graphs (nir-errors.test): each the MLP with one thing wrong.
good = {
    "input": {"type": "Input", "shape": np.array([4])},
    "fc": affine(3, 4),
    "lif": leaky(0.9, 1.0, 3),
    "output": {"type": "Output", "shape": np.array([3])},
}
edges = chain(["input", "fc", "lif", "output"])


def bad(name, change, edge_list=None):
    nodes = {k: dict(v) for k, v in good.items()}
    change(nodes)
    write(f"{d}/{name}.nir", nodes, edge_list or edges)


bad("no-type", lambda n: n["fc"].pop("type"))
bad("unknown-type", lambda n: n["fc"].update(type="Dense"))
bad("conv2d", lambda n: n["fc"].update(type="Conv2d"))
bad("bad-shape", lambda n: n["lif"].update(tau=f32(np.ones(5))))
bad("bad-weight", lambda n: n["fc"].update(weight=f32(np.ones((3, 5)))))
bad("nan", lambda n: n["lif"].update(v_threshold=f32([1.0, np.nan, 1.0])))
bad("dangling", lambda n: None, edges + [("fc", "missing")])
bad("cycle", lambda n: n.update(fc2=affine(4, 3)),
    edges + [("lif", "fc2"), ("fc2", "fc")])
bad("stateless-cycle", lambda n: n.update(fc2=affine(4, 3)),
    edges + [("fc", "fc2"), ("fc2", "fc")])
bad("tau-below-dt", lambda n: n["lif"].update(tau=f32(np.full(3, 1e-5))))
bad("v-reset", lambda n: n["lif"].update(v_reset=f32(np.full(3, 0.5))))
bad("no-input-edge", lambda n: None, [("fc", "lif"), ("lif", "output")])
bad("delay-fraction", lambda n: n.update(
    delay={"type": "Delay", "delay": f32([0.0, 1.5e-4, 0.0])}),
    chain(["input", "fc", "lif", "delay", "output"]))
bad("two-outputs", lambda n: n.update(output2={"type": "Output"}),
    edges + [("fc", "output2")])
with open(f"{d}/snntorch_mlp.nir", "rb") as f:
    whole = f.read()
with open(f"{d}/truncated.nir", "wb") as f:
    f.write(whole[: len(whole) // 2])

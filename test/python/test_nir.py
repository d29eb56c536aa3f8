"""NIR graphs through the Python module: ssmc.compile reads .nir with
nir_dt, the three targets run it, ssmc.torch builds its PyTorch module, and
the step is checked. The graphs are test/Tools/Inputs/nir_make.py's."""
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import ssmc
import ssmc.torch

MAKE = (pathlib.Path(__file__).parents[1] / "Tools" / "Inputs" /
        "nir_make.py")


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    d = tmp_path_factory.mktemp("nir")
    subprocess.run([sys.executable, str(MAKE), str(d)], check=True)
    return d


def test_nir_runs_on_every_target_as_the_reference(graphs):
    x = np.load(graphs / "x4.npy")
    net = ssmc.compile(graphs / "snntorch_mlp.nir", "reference", nir_dt=1e-4)
    _, y, _ = net.run(x, token_outputs=True)
    assert 0.05 < y.mean() < 0.95  # it spikes, and not always
    _, y_conv, _ = ssmc.compile(graphs / "snntorch_mlp.nir", "conv",
                                nir_dt=1e-4).run(x, token_outputs=True)
    np.testing.assert_array_equal(y_conv, y)
    loihi2 = ssmc.compile(graphs / "snntorch_mlp.nir", "loihi2", nir_dt=1e-4,
                          calibration=f"file:{graphs / 'x4.npy'}")
    _, y_chip, _ = loihi2.run(x, token_outputs=True)
    # Spike rates within 15 % RMS (nir.test's bound).
    rate, rate_chip = y.mean(axis=1), y_chip.mean(axis=1)
    assert np.sqrt(np.mean((rate_chip - rate) ** 2) / np.mean(rate ** 2)) < 0.15


def test_generated_pytorch_module_matches(graphs):
    import torch
    x = np.load(graphs / "x4.npy").astype(np.float64)
    module = ssmc.torch.generate(graphs / "norse_cuba.nir", nir_dt=1e-3)
    with torch.no_grad():
        y = module.double()(torch.from_numpy(x)).numpy()
    _, ref, _ = ssmc.compile(graphs / "norse_cuba.nir", "reference",
                             nir_dt=1e-3).run(x, token_outputs=True)
    assert ref.sum() > 0
    np.testing.assert_allclose(y, ref, atol=1e-6)


def test_metadata_dt_and_errors(graphs):
    # primitives.nir carries its dt in the metadata.
    ssmc.compile(graphs / "primitives.nir", "reference")
    with pytest.raises(ssmc.CompileError, match=r"--nir-dt=SECONDS"):
        ssmc.compile(graphs / "snntorch_mlp.nir", "reference")
    with pytest.raises(ssmc.CompileError, match=r"must be a positive number"):
        ssmc.compile(graphs / "snntorch_mlp.nir", "reference", nir_dt=-1.0)
    with pytest.raises(TypeError, match="nir_dt"):
        ssmc.compile(graphs / "snntorch_mlp.nir", "reference", nir_dt="1e-4")
    with pytest.raises(ssmc.CompileError, match=r"node 'fc' \(Affine\)"):
        ssmc.compile(graphs / "bad-weight.nir", "reference")


def test_recurrent_graph_in_pytorch_and_every_target(graphs):
    import torch
    x = np.load(graphs / "x4.npy").astype(np.float64)
    _, ref, _ = ssmc.compile(graphs / "recurrent.nir", "reference",
                             nir_dt=1e-4).run(x, token_outputs=True)
    module = ssmc.torch.generate(graphs / "recurrent.nir", nir_dt=1e-4)
    with torch.no_grad():
        y = module.double()(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(y, ref, atol=1e-6 * np.abs(ref).max())
    # Streaming carries the recurrent state token by token.
    session = ssmc.compile(graphs / "recurrent.nir", "conv",
                           nir_dt=1e-4).session()
    streamed = np.stack([session.feed(x[0, t]) for t in range(x.shape[1])])
    np.testing.assert_allclose(streamed, ref[0], rtol=1e-6,
                               atol=1e-6 * np.abs(ref).max())

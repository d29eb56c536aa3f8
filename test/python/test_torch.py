"""ssmc.torch: a PyTorch module generated from a model computes what the
reference computes (at most 1e-5 of the outputs' scale, every token), and
its exported weights bind back by name."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import ssmc  # noqa: E402
import ssmc.torch  # noqa: E402

S4D_MODEL = """model s4d_net {
  seed 2
  WEIGHTS
  input u : 2
  enc = dense(u, 6)
  x = enc
  repeat 2 as block {
    ssm = s4d(x, state=8, discretization=DISC)
    act = gelu(ssm)
    mix = dense(act, 12)
    gate = glu(mix)
    x = add(gate, x)
  }
  pool = readout(x, mean)
  dec = dense(pool, 4)
  output dec
}
"""

EGRU_MODEL = """model egru_lm {
  seed 3
  WEIGHTS
  input words : tokens(30)
  emb = embedding(words, 8)
  l1 = egru(emb, hidden=12)
  l2 = egru(l1, hidden=8)
  decoder = dense(l2, 30, tied=emb)
  output decoder
}
"""

LIF_MODEL = """model lif_net {
  seed 4
  WEIGHTS
  input u : 3
  enc = dense(u, 10)
  s1 = lif(enc, threshold=0.3)
  mix = dense(s1, 6)
  s2 = lif(mix, graded=true, threshold=0.2, voltage_decay=0.2)
  last = readout(s2, last)
  dec = dense(last, 3)
  output dec
}
"""


LI_MODEL = """model li_net {
  seed 5
  WEIGHTS
  input u : 3
  enc = dense(u, 6)
  v = li(enc, voltage_decay=0.2)
  w = li(v, voltage_decay=0)
  dec = dense(w, 2)
  output dec
}
"""


def inputs(source, rng):
    if "tokens(" in source:
        return rng.integers(0, 30, (3, 40)).astype(np.float32)
    channels = 2 if "input u : 2" in source else 3
    return (2.0 * rng.random((3, 40, channels))).astype(np.float32)


def reference(source, x):
    net = ssmc.compile(source, target="reference")
    return net.run(x, token_outputs=True).token_outputs


def agree(module, source, x):
    with torch.no_grad():
        y = module.double()(torch.tensor(x, dtype=torch.float64)).numpy()
    expected = reference(source, x)
    assert y.shape == expected.shape
    scale = np.abs(expected).max()
    assert scale > 0
    assert np.abs(y - expected).max() <= 1e-5 * scale
    return y


CASES = [("s4d zoh", S4D_MODEL.replace("DISC", "zoh")),
         ("s4d bilinear", S4D_MODEL.replace("DISC", "bilinear")),
         ("egru", EGRU_MODEL), ("lif", LIF_MODEL), ("li", LI_MODEL)]


@pytest.mark.parametrize("name,model", CASES, ids=[c[0] for c in CASES])
def test_generated_module_matches_the_reference(name, model, tmp_path):
    source = model.replace("WEIGHTS", "")
    module = ssmc.torch.generate(source)
    x = inputs(source, np.random.default_rng(1))
    y = agree(module, source, x)
    if name == "lif":
        assert (y != 0).any()  # spikes got through
    # Train-like change: perturb every parameter, export, bind back by name.
    module = module.float()
    # (Decays stay fractions, thresholds positive: the frontend checks.)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith(("_decay", "threshold", "theta")):
                p.mul_(0.9)
            else:
                p.add_(0.05 * torch.randn_like(p))
    path = tmp_path / "w.h5"
    module.export_hdf5(path)
    bound = model.replace("WEIGHTS", f'weights "{path}"')
    agree(module, bound, x)


def test_gradients_flow_through_events():
    module = ssmc.torch.generate(EGRU_MODEL.replace("WEIGHTS", ""))
    x = torch.tensor(inputs(EGRU_MODEL, np.random.default_rng(2)))
    loss = module(x).logsumexp(-1).mean()
    loss.backward()
    grads = {n: p.grad for n, p in module.named_parameters()}
    assert all(g is not None for g in grads.values())
    assert grads["layers.2.w"].abs().sum() > 0  # through the pseudo-derivative


def test_generate_errors():
    with pytest.raises(ssmc.CompileError, match="<string>:1:"):
        ssmc.torch.generate("model { }")
    module = ssmc.torch.generate(EGRU_MODEL.replace("WEIGHTS", ""))
    with pytest.raises(ValueError, match=r"token ids must be integers in \[0, 30\)"):
        module(torch.full((1, 3), 30.0))

"""Fixtures of the Python module's tests (run by ctest's `pytest` test with
PYTHONPATH set to the build's python/ folder)."""
import numpy as np
import pytest

# A small S4D classifier (3 classes), as test/Tools/Inputs/tiny.ssm.
TINY = """model tiny {
  seed 5
  calibration "file:CALIB"
  input u : 1
  enc = dense(u, 8)
  s = s4d(enc, state=8)
  r = relu(s)
  m = readout(r, mean)
  out = dense(m, 3)
  output out
}
"""

# A small language model: token input, EGRU, decoder tied to the embedding.
TINY_LM = """model tiny_lm {
  seed 1
  calibration "file:CALIB"
  input words : tokens(20)
  emb = embedding(words, 8)
  l1 = egru(emb, hidden=16)
  l2 = egru(l1, hidden=8)
  decoder = dense(l2, 20, tied=emb)
  output decoder
}
"""


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """x.npy [6, 40, 1] in [0, 1), y.npy labels, ids.npy [4, 30] ids < 20."""
    d = tmp_path_factory.mktemp("data")
    rng = np.random.default_rng(3)
    np.save(d / "x.npy", rng.random((6, 40, 1)).astype(np.float32))
    np.save(d / "y.npy", np.array([0, 1, 2, 0, 1, 2], dtype=np.int64))
    np.save(d / "ids.npy", rng.integers(0, 20, (4, 30)).astype(np.float32))
    return d


@pytest.fixture(scope="session")
def tiny_source(data_dir):
    return TINY.replace("CALIB", str(data_dir / "x.npy"))


@pytest.fixture(scope="session")
def tiny_lm_source(data_dir):
    return TINY_LM.replace("CALIB", str(data_dir / "ids.npy"))

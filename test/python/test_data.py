"""ssmc.load_data on the real data sets, when scripts/fetch-data has put
them in place (skipped otherwise): the training scripts read their data
through it (tools/train), so these are the sequences they train on."""
import os

import numpy as np
import pytest

import ssmc

DATA = os.environ.get("SSMC_DATA", os.path.join(
    os.path.dirname(__file__), "..", "..", "data"))


@pytest.mark.skipif(not os.path.exists(os.path.join(DATA, "mnist")),
                    reason="MNIST not fetched (scripts/fetch-data)")
def test_pmnist_is_mnist_in_the_fixed_order():
    os.environ.setdefault("SSMC_DATA", DATA)
    mnist = ssmc.load_data("mnist:test", limit=3)
    pmnist = ssmc.load_data("pmnist:test", limit=3)
    assert mnist.inputs.shape == pmnist.inputs.shape == (3, 784, 1)
    assert (mnist.labels == pmnist.labels).all()
    # The first pixels of ssm::rt::pmnistPermutation (seed 0; DatasetTest).
    perm = [484, 411, 326, 479, 169, 18, 364, 604, 267, 753, 215, 71]
    np.testing.assert_array_equal(pmnist.inputs[:, :12, 0],
                                  mnist.inputs[:, perm, 0])
    assert mnist.inputs.max() == 1.0 and mnist.inputs.min() == 0.0


@pytest.mark.skipif(not os.path.exists(os.path.join(DATA, "brown")),
                    reason="the Brown corpus not fetched (scripts/fetch-data)")
def test_brown_vocabulary_and_splits():
    os.environ.setdefault("SSMC_DATA", DATA)
    shapes = {}
    for split in ("train", "valid", "test"):
        data = ssmc.load_data(f"brown:{split}")
        shapes[split] = data.inputs.shape
        vocab = data.vocabulary
    # Bengio et al. 2003's split as 50 streams: 800,000, 200,000 and
    # 161,192 tokens (the last 42 do not fill a stream).
    assert shapes == {"train": (50, 16000, 1), "valid": (50, 4000, 1),
                      "test": (50, 3223, 1)}
    assert len(vocab) == 14114
    assert vocab[:4] == ["<unk>", "the", ",", "."]

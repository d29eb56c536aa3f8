"""The Python module (tools/python): compile, run and stream on every
target, errors as exceptions with locations, saving and loading."""
import warnings

import numpy as np
import pytest

import ssmc

TARGETS = ["reference", "conv", "loihi2", "spinnaker2"]
CHIPS = ("loihi2", "spinnaker2")  # the targets that run a core graph


def test_version_and_targets():
    assert ssmc.__version__.count(".") == 2
    assert set(ssmc.targets()) == set(TARGETS)
    assert "sigma_delta" in ssmc.targets()["loihi2"][1]
    assert ssmc.targets()["spinnaker2"][1] == ssmc.targets()["loihi2"][1]
    assert ssmc.targets()["reference"][1] == []


@pytest.mark.parametrize("target", TARGETS)
def test_compile_run_and_stream_agree(target, tiny_source, data_dir):
    net = ssmc.compile(tiny_source, target=target, init_missing=True)
    assert (net.name, net.target) == ("tiny", target)
    assert (net.input_channels, net.output_channels, net.vocabulary) == (1, 3, 0)
    data = ssmc.load_data(f"file:{data_dir / 'x.npy'},{data_dir / 'y.npy'}")
    assert data.inputs.shape == (6, 40, 1) and data.inputs.dtype == np.float32
    result = net.run(data.inputs, data.labels, token_outputs=True)
    assert result.outputs.shape == (6, 3) and result.outputs.dtype == np.float32
    assert result.token_outputs.shape == (6, 40, 3)
    # The last token's outputs are the run's outputs, except on the chips,
    # whose readout's final value comes after the pipeline drains.
    if target not in CHIPS:
        np.testing.assert_array_equal(result.token_outputs[:, -1],
                                      result.outputs)
    assert 0 <= result.accuracy <= 1
    assert result.report["target"] == target
    assert result.report["predictions"] == list(result.outputs.argmax(1))
    # Streamed token by token: the same outputs, bit for bit.
    session = net.session()
    for i in range(2):
        session.reset()
        for token in data.inputs[i]:
            assert session.feed(token).shape == (3,)
        assert session.tokens == 40
        np.testing.assert_array_equal(session.finish(), result.outputs[i])
    with pytest.raises(RuntimeError, match="reset"):
        session.feed(0.5)
    assert bool(session.counters) == (target in CHIPS)
    assert session.latency >= 0
    # Results do not depend on the thread count.
    np.testing.assert_array_equal(net.run(data.inputs, threads=1).outputs,
                                  net.run(data.inputs, threads=2).outputs)


def test_loihi2_report_and_counters(tiny_source, data_dir):
    net = ssmc.compile(tiny_source, target="loihi2", init_missing=True,
                       sigma_delta=0.05, calibration_samples=4)
    x = np.load(data_dir / "x.npy")
    report = net.run(x).report
    for key in ("synops", "energy_per_token_uJ", "latency_per_token_us",
                "cores", "ssmc_version"):
        assert key in report
    session = net.session()
    for token in x[0]:
        session.feed(token)
    session.finish()
    counters = session.counters
    assert counters["steps"] == 40 + session.latency
    assert counters["synops"] > 0 and counters["energy_per_token_uJ"] > 0


@pytest.mark.parametrize("target", TARGETS)
def test_language_model(target, tiny_lm_source, data_dir):
    net = ssmc.compile(tiny_lm_source, target=target, init_missing=True)
    assert net.vocabulary == 20 and net.output_channels == 20
    ids = np.load(data_dir / "ids.npy")
    result = net.run(ids, token_outputs=True)
    assert result.token_outputs.shape == (4, 30, 20)
    # An untrained model of 20 words: perplexity near 20.
    assert 5 < result.perplexity < 80
    assert result.report["next_word_predictions"] == 4 * 29
    session = net.session()
    y = session.feed(3)
    assert y.shape == (20,)
    with pytest.raises(ssmc.DataError, match="id 20"):
        net.run(np.full((1, 5), 20.0))


def test_model_errors_carry_locations():
    with pytest.raises(ssmc.CompileError) as error:
        ssmc.compile("model m {\n  input u : 1\n  y = dense(u, 2, foo=3)\n"
                     "  output y\n}\n", target="reference")
    assert "<string>:3:19: error: unknown parameter 'foo'" in str(error.value)
    assert isinstance(error.value, ValueError)
    with pytest.raises(ssmc.CompileError, match="model file '.*model.ssm' "
                                                "not found"):
        ssmc.compile("/no/such/dir/model.ssm", target="conv")
    with pytest.raises(ssmc.CompileError, match=r"m\.mlir:2:3: error"):
        ssmc.compile("module {\n  ssm.bogus\n}\n", target="conv",
                     name="m.mlir")


def test_option_and_target_errors(tiny_source):
    with pytest.raises(ValueError, match="'tpu' is not a target"):
        ssmc.compile(tiny_source, target="tpu")
    with pytest.raises(ValueError, match="sigma_delta must be a fraction"):
        ssmc.compile(tiny_source, target="loihi2", sigma_delta=1.5)
    with pytest.raises(ValueError, match="batch is not an option of target "
                                         "loihi2; its options: hw"):
        ssmc.compile(tiny_source, target="loihi2", batch=4)
    with pytest.raises(ValueError, match="device must be cpu or cuda"):
        ssmc.compile(tiny_source, target="conv", device="gpu")
    with pytest.raises(ValueError, match="name the target"):
        ssmc.compile(tiny_source)
    with pytest.raises(TypeError, match="option batch"):
        ssmc.compile(tiny_source, target="conv", batch=True)


def test_data_errors(tiny_source, data_dir):
    net = ssmc.compile(tiny_source, target="reference", init_missing=True)
    with pytest.raises(ssmc.DataError, match="takes 1 input channels.*has 3"):
        net.run(np.zeros((2, 5, 3)))
    bad = np.zeros((2, 5, 1))
    bad[1, 2, 0] = np.nan
    with pytest.raises(ssmc.DataError, match="non-finite value at flat "
                                             "index 7"):
        net.run(bad)
    with pytest.raises(ssmc.DataError, match="label 3 of sample 1 is not a "
                                             "class"):
        net.run(np.zeros((2, 5, 1)), labels=[0, 3])
    with pytest.raises(ssmc.DataError, match="2 labels for 3 samples"):
        net.run(np.zeros((3, 5, 1)), labels=[0, 1])
    with pytest.raises(ssmc.DataError, match="integer class indices"):
        net.run(np.zeros((2, 5, 1)), labels=[0.5, 1.0])
    with pytest.raises(ssmc.DataError, match="empty"):
        net.run(np.zeros((0, 5, 1)))
    with pytest.raises(ValueError, match="threads must be between 1 and "
                                         r"\d+ on this machine, got 100000"):
        net.run(np.zeros((1, 5, 1)), threads=100000)
    with pytest.raises(ssmc.DataError, match="dimensions"):
        net.run(np.zeros(5))
    with pytest.raises(ssmc.DataError, match="1 input channels for this "
                                             "model, got 2"):
        net.session().feed([0.1, 0.2])
    with pytest.raises(ssmc.DataError, match="no/such.npy"):
        ssmc.load_data("file:/no/such.npy")
    with pytest.raises(ssmc.DataError, match="unknown data spec"):
        ssmc.load_data("imagenet:train")


def test_save_and_load(tiny_source, data_dir, tmp_path):
    x = np.load(data_dir / "x.npy")
    net = ssmc.compile(tiny_source, target="loihi2", init_missing=True)
    expected = net.run(x).outputs
    net.save(tmp_path / "net.h5")
    loaded = ssmc.load(tmp_path / "net.h5")
    assert (loaded.target, loaded.parameters) == ("loihi2", -1)
    np.testing.assert_array_equal(loaded.run(x).outputs, expected)
    net.save(tmp_path / "net.mlir")
    again = ssmc.compile(tmp_path / "net.mlir", target="loihi2")
    np.testing.assert_array_equal(again.run(x).outputs, expected)
    with pytest.raises(ValueError, match="compiled network"):
        ssmc.compile(tmp_path / "net.h5", target="conv")
    with pytest.raises(ValueError, match="sigma_delta applies when "
                                         "compiling"):
        ssmc.load(tmp_path / "net.h5", sigma_delta=0.1)
    with pytest.raises(ValueError, match=r"\.mlir\) or as loihi2's"):
        net.save(tmp_path / "net.txt")
    conv = ssmc.compile(tiny_source, target="conv", init_missing=True)
    conv.save(tmp_path / "conv.mlir")
    np.testing.assert_array_equal(
        ssmc.compile(tmp_path / "conv.mlir", target="conv").run(x).outputs,
        conv.run(x).outputs)


def test_compile_warnings_become_warnings(tiny_source, tmp_path):
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "w.h5", "w") as f:
        f["unused/weight"] = np.zeros((2, 2), dtype=np.float32)
    source = tiny_source.replace("seed 5", f'weights "{tmp_path}/w.h5"\n  seed 5')
    with pytest.warns(ssmc.CompileWarning, match=r"<string>:\d+:\d+: warning"):
        ssmc.compile(source, target="reference", init_missing=True)


def test_readme_shows_the_streaming_example():
    """The README's Python example is examples/stream-python/stream.py, which
    install-find-package runs against the installed package."""
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[2]
    example = (root / "examples" / "stream-python" / "stream.py").read_text()
    assert "```python\n" + example + "```" in (root / "README.md").read_text()


def test_compare_with_float(tiny_source, data_dir, tmp_path):
    x = np.load(data_dir / "x.npy")
    net = ssmc.compile(tiny_source, target="loihi2", init_missing=True)
    layers = {e["layer"]: e for e in net.compare(x)}
    assert {"u", "enc", "out"} <= set(layers)
    assert layers["u"]["weight_error"] == 0  # an input has no weights
    for e in layers.values():
        assert 0 <= e["total_error"] < 0.1 and e["reference_rms"] > 0
        assert e["total_error"] <= e["weight_error"] + e["activation_error"] + 1e-12
    assert net.compare(x, threads=1) == net.compare(x, threads=2)
    with pytest.raises(ValueError, match="does not quantize"):
        ssmc.compile(tiny_source, target="conv", init_missing=True).compare(x)
    net.save(tmp_path / "n.h5")
    with pytest.raises(ValueError, match="loaded compiled"):
        ssmc.load(tmp_path / "n.h5").compare(x)


def test_spinnaker2_network_file_runs_on_its_chip(tiny_source, data_dir,
                                                  tmp_path):
    # The int8 path computes what loihi2 computes; the cost model differs.
    s2 = ssmc.compile(tiny_source, target="spinnaker2", init_missing=True,
                      synapse_memory="dram")
    l2 = ssmc.compile(tiny_source, target="loihi2", init_missing=True)
    x = np.load(data_dir / "x.npy")
    a, b = s2.run(x), l2.run(x)
    np.testing.assert_array_equal(a.outputs, b.outputs)
    assert a.report["hardware"] == "spinnaker2" and a.report["dram_bytes"] > 0
    assert b.report["dram_bytes"] == 0
    assert a.report["energy_per_token_uJ"] != b.report["energy_per_token_uJ"]
    s2.save(tmp_path / "s2.h5")
    loaded = ssmc.load(tmp_path / "s2.h5")
    assert loaded.target == "spinnaker2"
    np.testing.assert_array_equal(loaded.run(x).outputs, a.outputs)
    with pytest.raises(ssmc.CompileError, match="only target spinnaker2"):
        ssmc.compile(tmp_path / "s2.h5", target="loihi2")
    with pytest.raises(ValueError, match="synapse_memory must be core or dram"):
        ssmc.compile(tiny_source, target="spinnaker2", synapse_memory="sram")


def test_spinnaker2_fp32_arithmetic(tiny_source, data_dir, tmp_path):
    # fp32: binary32 weights, states and messages; close to the float
    # reference (every change sent), the same bits for any thread count and
    # after a round trip through the network file.
    x = np.load(data_dir / "x.npy")
    fp32 = ssmc.compile(tiny_source, target="spinnaker2", init_missing=True,
                        arithmetic="fp32", sigma_delta=0)
    ref = ssmc.compile(tiny_source, target="reference", init_missing=True)
    a = fp32.run(x, threads=1)
    assert a.report["arithmetic"] == "fp32"
    np.testing.assert_array_equal(a.outputs, fp32.run(x, threads=2).outputs)
    np.testing.assert_allclose(a.outputs, ref.run(x).outputs, rtol=0,
                               atol=1e-3 * np.abs(ref.run(x).outputs).max())
    fp32.save(tmp_path / "fp32.h5")
    np.testing.assert_array_equal(ssmc.load(tmp_path / "fp32.h5").run(x).outputs,
                                  a.outputs)
    with pytest.raises(ValueError, match="arithmetic must be fixed or fp32"):
        ssmc.compile(tiny_source, target="spinnaker2", arithmetic="fp16")
    with pytest.raises(ssmc.CompileError, match="has no fp32 variant"):
        ssmc.compile(tiny_source, target="loihi2", init_missing=True,
                     arithmetic="fp32")

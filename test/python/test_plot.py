"""ssmc.plot: each plot makes an image file; the recording it draws from
adds up to the run's counters."""
import subprocess
import sys

import numpy as np
import pytest

import ssmc
import ssmc.plot

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def net(tiny_source):
    return ssmc.compile(tiny_source, target="loihi2", init_missing=True)


@pytest.fixture(scope="module")
def x(data_dir):
    return np.load(data_dir / "x.npy")


def is_png(path):
    return path.read_bytes()[:8] == PNG


def test_record_adds_up_to_the_counters(net, x):
    rec = ssmc.plot.record(net, x[0], raster="enc")
    session = net.session()
    for token in x[0]:
        session.feed(token)
    session.finish()
    counters = session.counters
    steps = 40 + session.latency
    assert rec.spikes.shape == (steps, len(rec.groups)) == rec.energy_pJ.shape
    assert rec.synops.sum() == counters["synops"]
    assert rec.spikes.sum() == counters["spikes"]
    assert rec.raster.shape == (steps, 8)
    enc = [g["name"] for g in rec.groups].index("enc")
    assert (rec.raster.sum(axis=1) == rec.spikes[:, enc]).all()


def test_plots_write_images(net, x, tmp_path):
    rec = ssmc.plot.record(net, x[0], raster="enc")
    for name, draw in [("activity", ssmc.plot.activity),
                       ("energy", ssmc.plot.energy),
                       ("raster", ssmc.plot.raster)]:
        path = tmp_path / f"{name}.png"
        draw(rec, path)
        assert is_png(path), name
    with pytest.raises(ValueError, match="no group 'nope'; the groups: u, "):
        ssmc.plot.record(net, x[0], raster="nope")
    with pytest.raises(ValueError, match="no raster"):
        ssmc.plot.raster(ssmc.plot.record(net, x[0]))
    reference = ssmc.compile("model m {\n input u : 1\n"
                             " y = dense(u, 2)\n output y\n}",
                             target="reference")
    with pytest.raises(ValueError, match="compile for loihi2"):
        ssmc.plot.record(reference, x[0])


def test_sigma_delta_sweep(tiny_source, data_dir, tmp_path):
    x = np.load(data_dir / "x.npy")
    y = np.load(data_dir / "y.npy")
    fig, points = ssmc.plot.sigma_delta_sweep(
        tiny_source, x, y, thresholds=(0, 0.1, 0.5), path=tmp_path / "s.png",
        init_missing=True)
    assert is_png(tmp_path / "s.png")
    assert [p[0] for p in points] == [0, 0.1, 0.5]
    # Fewer messages cost less energy.
    assert points[0][2] > points[2][2]


def test_plot_from_a_trace(net, x, tmp_path):
    """python3 -m ssmc.plot draws what ssmc-run --plot draws, from a trace
    written here the way ssmc-run writes it."""
    rec = ssmc.plot.record(net, x[0])
    rows = ["sample,step,group,model,neurons,spikes,synops,active,"
            "overflows,messages,energy_pj,core,token"]
    for s in range(rec.spikes.shape[0]):
        for g, group in enumerate(rec.groups):
            token = s - group["depth"] if 0 <= s - group["depth"] < 40 else -1
            rows.append(f"0,{s},{group['name']},{group['model']},"
                        f"{group['neurons']},{int(rec.spikes[s, g])},"
                        f"{int(rec.synops[s, g])},0,0,0,"
                        f"{rec.energy_pJ[s, g]},{group['core']},{token}")
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    again = ssmc.plot.read_trace(tmp_path / "t.csv")
    assert again.tokens == 40
    np.testing.assert_array_equal(again.spikes, rec.spikes)
    subprocess.run([sys.executable, "-m", "ssmc.plot", str(tmp_path / "t.csv"),
                    "-o", str(tmp_path / "t.png")], check=True)
    assert is_png(tmp_path / "t.png")
